import * as assert from 'assert';
import { checkApiBaseUrl, isSafeExternalUrl } from '../../src/util/url';

describe('checkApiBaseUrl', () => {
  it('accepts https and strips trailing slashes', () => {
    assert.deepStrictEqual(checkApiBaseUrl('https://api.codegen.com/'), { ok: true, url: 'https://api.codegen.com' });
    assert.deepStrictEqual(checkApiBaseUrl(' https://staging.example/api// '), { ok: true, url: 'https://staging.example/api' });
  });
  it('accepts http only for loopback hosts', () => {
    for (const u of ['http://127.0.0.1:8787', 'http://localhost:1', 'http://[::1]:9000']) assert.strictEqual(checkApiBaseUrl(u).ok, true, u);
    for (const u of ['http://api.codegen.com', 'http://10.0.0.1', 'http://127.0.0.1.evil.example']) {
      const r = checkApiBaseUrl(u);
      assert.strictEqual(r.ok, false, u);
      assert.match((r as { reason: string }).reason, /http: is allowed only/);
    }
  });
  it('refuses other schemes, credentials, queries, junk', () => {
    for (const u of ['file:///etc/passwd', 'javascript:alert(1)', 'ftp://x', 'https://u:p@x.example', 'https://x.example/?a=1', 'not a url', '', 42, undefined]) {
      assert.strictEqual(checkApiBaseUrl(u).ok, false, String(u));
    }
  });
});

describe('isSafeExternalUrl', () => {
  it('allows https only', () => {
    assert.strictEqual(isSafeExternalUrl('https://github.com/acme/widgets/pull/1'), true);
    for (const u of ['http://github.com', 'javascript:alert(1)', 'command:workbench.action.quit', 'vscode:extension/x', 'file:///etc/passwd', 'data:text/html,x', 'https://a:b@x.example', 7]) {
      assert.strictEqual(isSafeExternalUrl(u), false, String(u));
    }
  });
});
