import * as assert from 'assert';
import {
  LIMITS,
  describeRefused,
  parseFromWebview,
  parseToWebview,
  type FromWebview,
  type LogEntryView,
  type RunView,
  type ToWebview,
} from '../../src/protocol/messages';

const run: RunView = {
  id: 7,
  title: 'Fix the login bug',
  status: 'RUNNING',
  statusLabel: 'Running',
  statusCategory: 'inProgress',
  createdAt: '2026-01-01T10:00:00Z',
  sourceType: 'API',
  webUrl: 'https://codegen.com/agent/trace/7',
  summary: 'Working on **it**',
  result: '',
  pullRequests: [{ title: 'Fix login', url: 'https://github.com/o/r/pull/1', branch: 'codegen/fix', state: 'open' }],
  canBringBack: true,
};

const entry: LogEntryView = {
  index: 0,
  createdAt: '2026-01-01T10:00:01Z',
  messageType: 'ACTION',
  toolName: 'run_command',
  thought: 'Let me look',
  observation: 'ok',
  toolInput: '{\n  "cmd": "ls"\n}',
  toolOutput: 'a\nb',
  toolInputIsJson: true,
  toolOutputIsJson: false,
  observationIsJson: false,
};

describe('protocol: messages from the webview', () => {
  const valid: FromWebview[] = [
    { type: 'ready' },
    { type: 'refresh' },
    { type: 'loadOlderLogs' },
    { type: 'openExternal', url: 'https://github.com/o/r/pull/1' },
    { type: 'sendFollowUp', text: 'Please also add tests' },
    { type: 'action', kind: 'ban' },
    { type: 'action', kind: 'unban' },
    { type: 'action', kind: 'removeFromPr' },
    { type: 'action', kind: 'openInBrowser' },
    { type: 'copy', text: 'entry text' },
    { type: 'copy', text: '' },
    { type: 'exportLogs', format: 'json' },
    { type: 'exportLogs', format: 'text' },
  ];
  for (const message of valid) {
    it(`accepts ${JSON.stringify(message)}`, () => {
      assert.deepStrictEqual(parseFromWebview(structuredClone(message)), message);
    });
  }

  const refused: Array<[string, unknown]> = [
    ['null', null],
    ['a string', 'ready'],
    ['an array', [{ type: 'ready' }]],
    ['no type', {}],
    ['an unknown type', { type: 'deleteEverything' }],
    ['a non-string type', { type: 42 }],
    ['extra fields on ready', { type: 'ready', runId: 1 }],
    ['openExternal without url', { type: 'openExternal' }],
    ['openExternal with a number', { type: 'openExternal', url: 5 }],
    ['openExternal with an empty url', { type: 'openExternal', url: '' }],
    ['openExternal with an over-long url', { type: 'openExternal', url: `https://x.example/${'a'.repeat(LIMITS.url)}` }],
    ['sendFollowUp with blank text', { type: 'sendFollowUp', text: '   \n ' }],
    ['sendFollowUp with a non-string', { type: 'sendFollowUp', text: { toString: 'x' } }],
    ['sendFollowUp with over-long text', { type: 'sendFollowUp', text: 'a'.repeat(LIMITS.followUp + 1) }],
    ['action with an unknown kind', { type: 'action', kind: 'cancel' }],
    ['action with a prototype key', { type: 'action', kind: 'toString' }],
    ['action without kind', { type: 'action' }],
    ['copy with over-long text', { type: 'copy', text: 'a'.repeat(LIMITS.copy + 1) }],
    ['copy with a number', { type: 'copy', text: 1 }],
    ['exportLogs with an unknown format', { type: 'exportLogs', format: 'html' }],
    ['exportLogs with extra fields', { type: 'exportLogs', format: 'json', path: '/etc/passwd' }],
  ];
  for (const [name, raw] of refused) {
    it(`refuses ${name}`, () => {
      assert.strictEqual(parseFromWebview(raw), undefined);
    });
  }

  it('accepts strings exactly at the limits', () => {
    assert.ok(parseFromWebview({ type: 'sendFollowUp', text: 'a'.repeat(LIMITS.followUp) }));
    assert.ok(parseFromWebview({ type: 'copy', text: 'a'.repeat(LIMITS.copy) }));
  });

  it('describes refused messages without echoing their content', () => {
    assert.strictEqual(describeRefused({ type: 'evil<script>', secret: 'token' }), 'message of type "evil?script?"');
    assert.strictEqual(describeRefused(null), 'message of kind null');
    assert.strictEqual(describeRefused([1]), 'message of kind array');
  });
});

describe('protocol: messages to the webview', () => {
  const valid: ToWebview[] = [
    { type: 'state', run, polling: true },
    { type: 'state', run: { ...run, pullRequests: [] }, polling: false },
    { type: 'logs', mode: 'replace', entries: [entry], hasOlder: true, totalLogs: 250 },
    { type: 'logs', mode: 'append', entries: [], hasOlder: false, totalLogs: 0 },
    { type: 'logs', mode: 'prepend', entries: [entry, { ...entry, index: 1 }], hasOlder: false, totalLogs: 2 },
    { type: 'logsLoading', newest: true, older: false },
    { type: 'followUpResult', ok: true, message: 'Sent' },
    { type: 'actionResult', kind: 'ban', ok: false, message: 'Cancelled.' },
    { type: 'actionResult', kind: 'export', ok: true, message: 'Exported' },
    { type: 'actionResult', kind: 'copy', ok: true, message: 'Copied' },
    { type: 'error', message: 'Could not load the logs' },
  ];
  for (const message of valid) {
    it(`accepts a valid ${message.type} message`, () => {
      assert.deepStrictEqual(parseToWebview(structuredClone(message)), message);
    });
  }

  const refused: Array<[string, unknown]> = [
    ['an unknown type', { type: 'eval', code: 'alert(1)' }],
    ['state without run', { type: 'state', polling: true }],
    ['state with an unknown status category', { type: 'state', run: { ...run, statusCategory: 'exploded' }, polling: false }],
    ['state with a negative run id', { type: 'state', run: { ...run, id: -1 }, polling: false }],
    ['state with a fractional run id', { type: 'state', run: { ...run, id: 1.5 }, polling: false }],
    ['state with extra run fields', { type: 'state', run: { ...run, html: '<img>' }, polling: false }],
    ['state without a boolean canBringBack', { type: 'state', run: { ...run, canBringBack: 'yes' }, polling: false }],
    ['state with a malformed pull request', { type: 'state', run: { ...run, pullRequests: [{ title: 1 }] }, polling: false }],
    ['state with an over-long summary', { type: 'state', run: { ...run, summary: 'a'.repeat(LIMITS.field + 1) }, polling: false }],
    ['logs with an unknown mode', { type: 'logs', mode: 'insert', entries: [], hasOlder: false, totalLogs: 0 }],
    ['logs with a malformed entry', { type: 'logs', mode: 'append', entries: [{ ...entry, thought: null }], hasOlder: false, totalLogs: 1 }],
    ['logs with an entry missing a field', { type: 'logs', mode: 'append', entries: [{ ...entry, toolOutput: undefined }], hasOlder: false, totalLogs: 1 }],
    ['logs with entries not an array', { type: 'logs', mode: 'append', entries: 'x', hasOlder: false, totalLogs: 1 }],
    ['logs with a negative total', { type: 'logs', mode: 'append', entries: [], hasOlder: false, totalLogs: -1 }],
    ['logsLoading with strings', { type: 'logsLoading', newest: 'yes', older: false }],
    ['followUpResult without ok', { type: 'followUpResult', message: 'x' }],
    ['actionResult with an unknown kind', { type: 'actionResult', kind: 'rm -rf', ok: true, message: 'x' }],
    ['error with an over-long message', { type: 'error', message: 'a'.repeat(LIMITS.label + 1) }],
  ];
  for (const [name, raw] of refused) {
    it(`refuses ${name}`, () => {
      assert.strictEqual(parseToWebview(raw), undefined);
    });
  }
});
