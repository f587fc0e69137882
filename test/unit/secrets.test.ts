import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scanForSecrets, secretKindLabel, GENERIC_SECRET_KIND, type SecretFinding } from '../../src/secrets-scan/index';
import { isLikelyRealPassword } from '../../src/secrets-scan/extraRule';

// Compiled to out/test/unit; the fixtures stay in the source tree.
const fixturesDir = path.resolve(__dirname, '../../../test/fixtures/secrets');

function readFixture(name: string): string {
  return fs.readFileSync(path.join(fixturesDir, name), 'utf8');
}

interface ExpectedSecret {
  kind: string;
  ruleId: string;
  line: number;
  /** A fragment of the fake secret that must never appear in the findings. */
  secret: string;
  /** The line holding that fragment, when it is not the line the finding reports (a PEM block starts a line earlier). */
  secretLine?: number;
}

// Fixtures that are source code are stored as .txt so the test build does not compile them; the scan is
// told the original name.
function scannedNameOf(fixtureName: string): string {
  return fixtureName.replace(/\.txt$/, '');
}

const fixtures: Record<string, ExpectedSecret[]> = {
  'github-token.ts.txt': [
    { kind: 'GitHub token', ruleId: '@secretlint/secretlint-rule-github', line: 6, secret: 'ghp_M0XvqZjxTW3xvboSRt5Mh3dAwVtRMflhbmua' },
  ],
  'github-fine-grained.env': [
    {
      kind: 'GitHub token',
      ruleId: '@secretlint/secretlint-rule-github',
      line: 4,
      secret: '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',
    },
  ],
  'aws-credentials.ini': [
    { kind: 'AWS access key ID', ruleId: '@secretlint/secretlint-rule-aws', line: 3, secret: 'AKIA1C9JEQQA3QIFPUW2' },
    { kind: 'AWS secret access key', ruleId: '@secretlint/secretlint-rule-aws', line: 4, secret: '7WgjKCu+0xxKhg5QjWV1mKaUyvBPs0jSO2Jkf08M' },
  ],
  'private-key.py': [
    { kind: 'Private key', ruleId: '@secretlint/secretlint-rule-privatekey', line: 5, secret: 'MIIEpAIBAAKCAQEAZ2EzmS06PyLCFkC6Yoevs4kW8J99M2u4nJY3yubJX9Jj3K42', secretLine: 6 },
  ],
  'database.ts.txt': [
    {
      kind: 'PostgreSQL connection string with a password',
      ruleId: '@secretlint/secretlint-rule-database-connection-string',
      line: 5,
      secret: 's3cr3tP4ss',
    },
  ],
  'slack.py': [
    { kind: 'Slack token', ruleId: '@secretlint/secretlint-rule-slack', line: 4, secret: 'xoxb-807837523463-2026874965100-CL8Sby90WIJSbUGWBOWWcuaA' },
  ],
  'extra.yaml': [
    { kind: 'Connection URL with a password', ruleId: 'codegen/extra-secrets', line: 3, secret: 'exWQ3czyrEvmkXbI8P0G' },
    { kind: 'Stripe secret key', ruleId: 'codegen/extra-secrets', line: 5, secret: 'sk_live_5zbWVb2FaCo7du45pKcP753ivdSmDrUd' },
    { kind: 'Google API key', ruleId: 'codegen/extra-secrets', line: 7, secret: 'AIzaYePP2lny2pg17_dUM2jNKogorTAuRVpQ09o' },
  ],
};

function summary(findings: SecretFinding[]): Array<{ kind: string; ruleId: string; line: number }> {
  return findings.map(({ kind, ruleId, line }) => ({ kind, ruleId, line }));
}

function assertNoSecretIn(findings: SecretFinding[], secrets: string[]): void {
  const serialized = JSON.stringify(findings);
  for (const secret of secrets) {
    assert.ok(!serialized.includes(secret), `findings leak ${secret.slice(0, 6)}…`);
  }
  for (const finding of findings) {
    assert.deepEqual(Object.keys(finding).sort(), ['kind', 'line', 'ruleId'], 'a finding holds only id, label and line');
  }
}

describe('scanForSecrets', () => {
  for (const [fixtureName, expected] of Object.entries(fixtures)) {
    it(`finds ${expected.map((e) => e.kind).join(' and ')} in ${fixtureName} at the right line`, async () => {
      const text = readFixture(fixtureName);
      for (const e of expected) {
        // Guards the fixture itself: the secret really is on the line the test expects.
        const line = e.secretLine ?? e.line;
        assert.ok(text.split('\n')[line - 1]?.includes(e.secret), `fixture ${fixtureName} line ${line} holds the secret`);
      }
      const findings = await scanForSecrets(text, { fileName: scannedNameOf(fixtureName) });
      assert.deepEqual(summary(findings), expected.map(({ kind, ruleId, line }) => ({ kind, ruleId, line })));
      assertNoSecretIn(findings, expected.map((e) => e.secret));
    });
  }

  it('does not flag code that only talks about passwords, URLs without credentials, UUIDs, hashes, base64 images and env placeholders', async () => {
    const text = readFixture('clean.ts.txt');
    // The clean fixture does contain the look-alikes it claims to.
    for (const lookAlike of ['process.env.DB_PASSWORD', 'data:image/png;base64,', 'redis://cache.internal', 'AKIAIOSFODNN7EXAMPLE', '${RABBIT_PASSWORD}']) {
      assert.ok(text.includes(lookAlike), lookAlike);
    }
    assert.match(text, /'[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}'/);
    assert.match(text, /'[0-9a-f]{40}'/);
    assert.deepEqual(await scanForSecrets(text, { fileName: 'clean.ts' }), []);
  });

  it('reports the same lines when the text uses CRLF line endings', async () => {
    for (const fileName of ['private-key.py', 'aws-credentials.ini', 'extra.yaml']) {
      const crlf = readFixture(fileName).replace(/\n/g, '\r\n');
      const findings = await scanForSecrets(crlf, { fileName: scannedNameOf(fileName) });
      assert.deepEqual(
        findings.map((f) => f.line),
        fixtures[fileName]!.map((e) => e.line),
        fileName,
      );
    }
  });

  it('finds every secret when fixtures are pasted into one text, in line order, without leaking any', async () => {
    const names = Object.keys(fixtures);
    let text = '';
    const expectedLines: number[] = [];
    for (const name of names) {
      const offset = text.split('\n').length - 1;
      for (const e of fixtures[name]!) expectedLines.push(offset + e.line);
      text += readFixture(name);
    }
    const findings = await scanForSecrets(text);
    assert.deepEqual(
      findings.map((f) => f.line),
      [...expectedLines].sort((a, b) => a - b),
    );
    assertNoSecretIn(
      findings,
      Object.values(fixtures).flatMap((list) => list.map((e) => e.secret)),
    );
  });

  it('scans a large text and reports a secret near its end at the right line', async () => {
    const filler = 'const total = items.reduce((sum, item) => sum + item.price, 0); // running total\n';
    const lines = 60_000;
    const text = filler.repeat(lines) + "const token = 'ghp_M0XvqZjxTW3xvboSRt5Mh3dAwVtRMflhbmua';\n";
    assert.ok(text.length > 4_000_000);
    const findings = await scanForSecrets(text, { fileName: 'big.ts' });
    assert.deepEqual(summary(findings), [{ kind: 'GitHub token', ruleId: '@secretlint/secretlint-rule-github', line: lines + 1 }]);
  });

  it('returns nothing for empty text', async () => {
    assert.deepEqual(await scanForSecrets(''), []);
  });

  it('honours secretlint-disable comments in the scanned text', async () => {
    const text = "// secretlint-disable-next-line\nconst token = 'ghp_M0XvqZjxTW3xvboSRt5Mh3dAwVtRMflhbmua';\n";
    assert.deepEqual(await scanForSecrets(text), []);
  });

  it('scans the text itself when the file name is a .p12 key store (never opens that path)', async () => {
    const missing = path.join(fixturesDir, 'does-not-exist.p12');
    const findings = await scanForSecrets("token = 'ghp_M0XvqZjxTW3xvboSRt5Mh3dAwVtRMflhbmua'", { fileName: missing });
    assert.deepEqual(summary(findings), [{ kind: 'GitHub token', ruleId: '@secretlint/secretlint-rule-github', line: 1 }]);
  });

  it('uses package.json-specific rules when given that file name', async () => {
    const text = '{\n  "name": "x",\n  "dependencies": {\n    "lib": "git+https://0123456789abcdef0123456789abcdef01234567:x-oauth-basic@github.com/acme/lib.git"\n  }\n}\n';
    const findings = await scanForSecrets(text, { fileName: 'some/dir/package.json' });
    // The basic-auth rule sees the same URL; both labels are accurate.
    assert.deepEqual(
      findings.map((f) => [f.kind, f.line]),
      [
        ['GitHub token in package.json', 4],
        ['URL with a password', 4],
      ],
    );
  });
});

describe('secretKindLabel', () => {
  it('maps known message ids to friendly labels and unknown ones to a generic label', () => {
    assert.equal(secretKindLabel('GITHUB_TOKEN'), 'GitHub token');
    assert.equal(secretKindLabel('PostgreSQLConnection'), 'PostgreSQL connection string with a password');
    assert.equal(secretKindLabel('SOMETHING_NEW'), GENERIC_SECRET_KIND);
    assert.equal(secretKindLabel('toString'), GENERIC_SECRET_KIND);
  });
});

describe('extra secrets rule', () => {
  it('tells real URL passwords from placeholders', () => {
    for (const real of ['s3cr3tP4ss', 'exWQ3czyrEvmkXbI8P0G', 'hunter2!x']) assert.equal(isLikelyRealPassword(real), true, real);
    for (const fake of ['', 'abc', 'password', 'CHANGEME', '********', 'xxxx', '${REDIS_PASSWORD}', '{{pw}}', '<password>', '%REDIS_PW%', '$REDIS_PW', '$(cat pw)']) {
      assert.equal(isLikelyRealPassword(fake), false, fake);
    }
  });

  it('flags credentials in redis, amqp and mssql URLs but not URLs without a password', async () => {
    const text = [
      'REDIS_URL=rediss://default:Qm9vYmF6Wm9vcDEy@cache.example.net:6380',
      'AMQP_URL=amqp://app:V3ry-L0ng-Passw0rd@rabbit.internal:5672/vhost',
      'MSSQL=mssql://sa:Tr1cky.Pa55word@sql.internal:1433/db',
      'PLAIN=redis://cache.internal:6379/0',
      'USER_ONLY=amqp://guest@rabbit:5672',
      'TEMPLATE=redis://:${REDIS_PASSWORD}@cache:6379',
    ].join('\n');
    const findings = await scanForSecrets(text, { fileName: '.env' });
    assert.deepEqual(
      findings.map((f) => [f.kind, f.line]),
      [
        ['Connection URL with a password', 1],
        ['Connection URL with a password', 2],
        ['Connection URL with a password', 3],
      ],
    );
    assertNoSecretIn(findings, ['Qm9vYmF6Wm9vcDEy', 'V3ry-L0ng-Passw0rd', 'Tr1cky.Pa55word']);
  });

  it('ignores Stripe test keys and key-like strings that are too short or embedded in longer words', async () => {
    const text = [
      "const stripe = 'sk_test_5zbWVb2FaCo7du45pKcP753ivdSmDrUd';",
      "const short = 'sk_live_abc';",
      "const google = 'xAIzaYePP2lny2pg17_dUM2jNKogorTAuRVpQ09o';",
    ].join('\n');
    assert.deepEqual(await scanForSecrets(text), []);
  });
});
