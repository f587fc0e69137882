import * as assert from 'node:assert/strict';
import { errorFromResponse, parseRetryAfter, transportError } from '../../src/api/httpErrors';
import { redactSecrets, sanitizeServiceText } from '../../src/api/sanitize';
import { parseErrorBody, parseLogsPage, parseRun, parseRunsPage, ShapeError } from '../../src/api/schemas';

const TOKEN = 'sk-test-0123456789abcdef';

describe('api parsing: runs', () => {
  it('converts snake_case to the domain type and ignores unknown fields', () => {
    const run = parseRun({
      id: 12,
      organization_id: 1,
      status: 'RUNNING',
      created_at: '2026-01-01T00:00:00Z',
      web_url: 'https://codegen.com/agent/trace/12',
      result: null,
      summary: 'Did things',
      source_type: 'API',
      github_pull_requests: [
        { id: 5, title: 'Fix', url: 'https://github.com/o/r/pull/5', created_at: 'x', head_branch_name: 'codegen/fix', state: 'open', merged: false, extra: 1 },
      ],
      metadata: { origin: 'vscode' },
      brand_new_field: { nested: true },
    });
    assert.deepEqual(run, {
      id: 12,
      organizationId: 1,
      status: 'RUNNING',
      createdAt: '2026-01-01T00:00:00Z',
      webUrl: 'https://codegen.com/agent/trace/12',
      summary: 'Did things',
      sourceType: 'API',
      pullRequests: [{ id: 5, title: 'Fix', url: 'https://github.com/o/r/pull/5', createdAt: 'x', headBranchName: 'codegen/fix', state: 'open', merged: false }],
      metadata: { origin: 'vscode' },
    });
  });

  it('needs only id and organization_id; nulls and missing fields become undefined', () => {
    assert.deepEqual(parseRun({ id: 3, organization_id: 1, status: null, github_pull_requests: null, metadata: null }), {
      id: 3,
      organizationId: 1,
      pullRequests: [],
    });
  });

  it('drops wrong-typed optional fields and skips PR entries that are not objects', () => {
    const run = parseRun({
      id: '44',
      organization_id: 1,
      status: 17,
      web_url: 'javascript:alert(1)',
      metadata: ['not', 'a', 'record'],
      github_pull_requests: ['nope', 3, null, { title: 'kept', merged: 'yes' }],
    });
    assert.deepEqual(run, { id: 44, organizationId: 1, pullRequests: [{ title: 'kept' }] });
  });

  it('rejects a run without a usable id with a ShapeError naming the field, not its value', () => {
    assert.throws(() => parseRun({ organization_id: 1 }), (error: unknown) => error instanceof ShapeError && /"id"/.test(error.message));
    assert.throws(
      () => parseRun({ id: 'secret-looking-value', organization_id: 1 }),
      (error: unknown) => error instanceof ShapeError && !error.message.includes('secret-looking-value'),
    );
    assert.throws(() => parseRun([1, 2]), ShapeError);
    assert.throws(() => parseRun('text'), ShapeError);
  });

  it('skips unusable runs in a page and counts them', () => {
    const parsed = parseRunsPage({ items: [{ id: 1, organization_id: 1 }, { organization_id: 1 }, 'x'], total: 3, page: 1, size: 100, pages: 1 });
    assert.equal(parsed.page.items.length, 1);
    assert.equal(parsed.skipped, 2);
    assert.equal(parsed.page.total, 3);
  });

  it('rejects a page whose items is not a list', () => {
    assert.throws(() => parseRunsPage({ items: null }), ShapeError);
  });

  it('reads a logs page: run fields plus logs, with ids from the request when missing', () => {
    const page = parseLogsPage(
      {
        status: 'ACTIVE',
        logs: [
          { agent_run_id: 9, created_at: 't', tool_name: null, message_type: 'ACTION', thought: 'hm', observation: { a: 1 }, tool_input: '{"x":1}', tool_output: null },
          42,
          { message_type: 'SOMETHING_NEW' },
        ],
        total_logs: 2,
        page: 1,
        size: 100,
        pages: 1,
      },
      { runId: 9, orgId: 1 },
    );
    assert.equal(page.run.id, 9);
    assert.equal(page.run.organizationId, 1);
    assert.equal(page.run.status, 'ACTIVE');
    assert.deepEqual(page.logs, [
      { agentRunId: 9, createdAt: 't', messageType: 'ACTION', thought: 'hm', observation: { a: 1 }, toolInput: '{"x":1}' },
      { messageType: 'SOMETHING_NEW' },
    ]);
    assert.equal(page.totalLogs, 2);
  });
});

describe('api parsing: error bodies', () => {
  it('reads {message, status_code}', () => {
    assert.deepEqual(parseErrorBody('{"message":"Nope","status_code":403}'), { message: 'Nope' });
  });

  it('reads FastAPI {detail: string}', () => {
    assert.deepEqual(parseErrorBody('{"detail":"Not Found"}'), { message: 'Not Found' });
  });

  it('reads FastAPI validation errors into fields', () => {
    assert.deepEqual(parseErrorBody('{"detail":[{"loc":["body","prompt"],"msg":"field required","type":"value_error.missing"}]}'), {
      fields: [{ location: 'body.prompt', message: 'field required' }],
    });
  });

  it('gives {} for anything else', () => {
    assert.deepEqual(parseErrorBody('<html>oops</html>'), {});
    assert.deepEqual(parseErrorBody('[1]'), {});
    assert.deepEqual(parseErrorBody(''), {});
  });
});

describe('api errors from answers', () => {
  const ctx = { kind: 'read' as const, secrets: [TOKEN] };

  it('maps each status to its kind', () => {
    const kinds = [401, 402, 403, 404, 422, 429, 500, 502, 503, 418, 302].map((status) => errorFromResponse(status, 'X', '', ctx).kind);
    assert.deepEqual(kinds, ['unauthorized', 'billing', 'forbidden', 'notFound', 'invalid', 'rateLimited', 'server', 'server', 'server', 'invalid', 'malformed']);
  });

  it('tells noRepositories from notFound on create by the message', () => {
    const body = JSON.stringify({ message: 'No repositories found for this organization', status_code: 404 });
    assert.equal(errorFromResponse(404, 'Not Found', body, { ...ctx, kind: 'create' }).kind, 'noRepositories');
    assert.equal(errorFromResponse(404, 'Not Found', body, ctx).kind, 'notFound');
    assert.equal(errorFromResponse(404, 'Not Found', '{"detail":"Not Found"}', { ...ctx, kind: 'create' }).kind, 'notFound');
  });

  it('carries the offending fields of a 422', () => {
    const error = errorFromResponse(422, 'Unprocessable Entity', '{"detail":[{"loc":["body","prompt"],"msg":"field required","type":"missing"}]}', ctx);
    assert.deepEqual(error.details.fields, [{ location: 'body.prompt', message: 'field required' }]);
    assert.match(error.message, /body\.prompt: field required/);
  });

  it('falls back to the status text when the body says nothing', () => {
    assert.match(errorFromResponse(503, 'Service Unavailable', 'garbage', ctx).message, /Service Unavailable/);
  });

  it('truncates service text and strips control characters', () => {
    const long = `${'a'.repeat(5000)}\u0000\u001b[31m\u202e`;
    const error = errorFromResponse(500, 'Internal', JSON.stringify({ message: `bad\nthing ${long}` }), ctx);
    assert.ok(error.message.length < 700, `message length ${error.message.length}`);
    assert.ok(![...error.message].some((char) => char.charCodeAt(0) < 0x20 || char === '\u202e'), 'no control characters');
  });

  it('redacts the token when the service echoes it back', () => {
    const body = JSON.stringify({ message: `Token ${TOKEN} is revoked (Authorization: Bearer ${TOKEN})` });
    const error = errorFromResponse(401, 'Unauthorized', body, ctx);
    assert.ok(!error.message.includes(TOKEN));
    assert.ok(!JSON.stringify(error).includes(TOKEN));
    assert.ok(!String(error.stack).includes(TOKEN));
  });

  it('marks a 5xx on create as possibly created', () => {
    const error = errorFromResponse(500, 'Internal Server Error', '', { ...ctx, kind: 'create' });
    assert.equal(error.details.mayHaveBeenCreated, true);
    assert.match(error.message, /may have been created; refresh the runs list before trying again/);
  });

  it('words transport failures for the user', () => {
    const lost = transportError('network', { kind: 'create', timeoutMs: 15_000, code: 'ECONNRESET' });
    assert.equal(lost.details.mayHaveBeenCreated, true);
    assert.match(lost.message, /the run may have been created; refresh the runs list before trying again/);
    assert.match(transportError('timeout', { kind: 'read', timeoutMs: 15_000 }).message, /15 s/);
    assert.equal(transportError('timeout', { kind: 'read', timeoutMs: 15_000 }).details.mayHaveBeenCreated, undefined);
    assert.equal(transportError('cancelled', { kind: 'create', timeoutMs: 1 }).kind, 'cancelled');
  });
});

describe('api Retry-After and sanitising', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('reads delta-seconds', () => {
    assert.equal(parseRetryAfter('7', now), 7000);
    assert.equal(parseRetryAfter('0', now), 0);
    assert.equal(parseRetryAfter('1.5', now), 1500);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    assert.equal(parseRetryAfter(new Date(now + 12_000).toUTCString(), now), 12_000);
    assert.equal(parseRetryAfter(new Date(now - 12_000).toUTCString(), now), 0);
  });

  it('ignores absent or unreadable values', () => {
    assert.equal(parseRetryAfter(null, now), undefined);
    assert.equal(parseRetryAfter('', now), undefined);
    assert.equal(parseRetryAfter('-3', now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
  });

  it('redacts secrets and bearer credentials', () => {
    assert.equal(redactSecrets(`a ${TOKEN} b`, [TOKEN]), 'a [redacted] b');
    assert.equal(redactSecrets('Authorization: Bearer abc.def-123', []), 'Authorization: Bearer [redacted]');
  });

  it('redacts before truncating, so no prefix of the token survives', () => {
    const text = `${'x'.repeat(290)} ${TOKEN}`;
    assert.ok(!sanitizeServiceText(text, [TOKEN]).includes(TOKEN.slice(0, 8)));
  });
});
