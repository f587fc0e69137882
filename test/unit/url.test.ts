// The one URL policy (src/util/urlPolicy.ts), checked against one table of hostile URLs: every use (the
// API base URL setting, links from the service shown in the tree, opened from notifications, linked in
// the webview, kept in storage) gives the same answer for the same URL.
import * as assert from 'assert';
import { parseRun } from '../../src/api/schemas';
import { storedRunSchema } from '../../src/runs/persistence';
import { toRunView } from '../../src/protocol/viewModels';
import { checkApiBaseUrl, isSafeExternalUrl, safeExternalUrl } from '../../src/util/urlPolicy';
import * as v from 'valibot';

/** [url, accepted as an external link, accepted as the API base URL] */
const TABLE: ReadonlyArray<readonly [string, boolean, boolean]> = [
  ['https://github.com/acme/widgets/pull/1', true, true],
  ['https://api.codegen.com', true, true],
  ['https://api.codegen.com/', true, true],
  ['http://127.0.0.1:8787', false, true],
  ['http://localhost:1', false, true],
  ['http://[::1]:9000', false, true],
  ['http://api.codegen.com', false, false],
  ['http://127.0.0.1.evil.example', false, false],
  [' https://github.com/acme', false, false],
  ['https://github.com/acme\n', false, false],
  ['https://git\thub.com/acme', false, false],
  ['https://github.com/ac me', false, false],
  ['https://github.com/acme\u202e', false, false],
  ['https://github.com/\u200bacme', false, false],
  [`https://github.com/${'a'.repeat(2_100)}`, false, false],
  ['https://user:pw@github.com/acme', false, false],
  ['https://@github.com/acme', true, true],
  ['javascript:alert(1)', false, false],
  ['command:workbench.action.quit', false, false],
  ['vscode:extension/x', false, false],
  ['file:///etc/passwd', false, false],
  ['data:text/html,x', false, false],
  ['ftp://github.com', false, false],
  ['//github.com/acme', false, false],
  ['/relative', false, false],
  ['https://', false, false],
  ['https://api.codegen.com/?a=1', true, false],
  ['https://api.codegen.com/#x', true, false],
  ['', false, false],
];

describe('URL policy: one table of hostile URLs', () => {
  for (const [url, external, base] of TABLE) {
    const name = JSON.stringify(url.length > 60 ? `${url.slice(0, 60)}…` : url);
    it(`${name}: link ${external ? 'yes' : 'no'}, base URL ${base ? 'yes' : 'no'}`, () => {
      assert.strictEqual(isSafeExternalUrl(url), external, 'external link');
      assert.strictEqual(checkApiBaseUrl(url).ok, base, 'API base URL');
      // The service's links go through the same policy wherever they are used.
      const run = parseRun({ id: 1, organization_id: 1, web_url: url, github_pull_requests: [{ id: 2, url }] });
      assert.strictEqual(toRunView(run, 't').webUrl !== '', external, 'webview link');
      if (external) assert.strictEqual(v.safeParse(storedRunSchema, { id: 1, organizationId: 1, webUrl: url, pullRequests: [] }).success, true, 'kept in storage');
    });
  }

  it('normalizes what it accepts and strips trailing slashes of the base URL', () => {
    assert.strictEqual(safeExternalUrl('https://GitHub.com/acme'), 'https://github.com/acme');
    assert.deepStrictEqual(checkApiBaseUrl('https://staging.example/api//'), { ok: true, url: 'https://staging.example/api' });
  });

  it('refuses non-strings and says why', () => {
    for (const value of [42, undefined, null, {}, ['https://x.example']]) {
      assert.strictEqual(isSafeExternalUrl(value), false);
      assert.strictEqual(checkApiBaseUrl(value).ok, false);
    }
    const spaced = checkApiBaseUrl(' https://api.codegen.com ');
    assert.ok(!spaced.ok && /spaces or invisible/.test(spaced.reason));
    const plain = checkApiBaseUrl('http://api.codegen.com');
    assert.ok(!plain.ok && /http: is allowed only/.test(plain.reason));
  });
});
