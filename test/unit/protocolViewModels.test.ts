import * as assert from 'assert';
import type { AgentRun, LogEntry } from '../../src/api/types';
import { logEntryToText } from '../../src/protocol/logText';
import { LIMITS, parseLogEntryView, parseRunView } from '../../src/protocol/messages';
import { parseRunDetailsState, runIdFromArgument } from '../../src/protocol/panelState';
import { safeExternalUrl } from '../../src/util/urlPolicy';
import { capText, displayValue, toLabel, toLogEntryView, toRunView } from '../../src/protocol/viewModels';
import { buildShellHtml, contentSecurityPolicy } from '../../src/views/runDetails/html';

describe('protocol: https-only URLs', () => {
  it('accepts https URLs', () => {
    assert.strictEqual(safeExternalUrl('https://github.com/o/r/pull/1'), 'https://github.com/o/r/pull/1');
    assert.strictEqual(safeExternalUrl('HTTPS://Codegen.com/x?y=1#z'), 'https://codegen.com/x?y=1#z');
  });
  for (const url of [
    'http://example.com',
    'file:///etc/passwd',
    'command:workbench.action.terminal.new',
    'vscode://codegen-sh.codegen-vscode/x',
    'vscode-insiders://x',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '//evil.example',
    '/relative',
    '#anchor',
    'https://user:pass@example.com/',
    ' https://example.com',
    'https://exa\nmple.com',
    '',
  ]) {
    it(`refuses ${JSON.stringify(url)}`, () => assert.strictEqual(safeExternalUrl(url), undefined));
  }
});

describe('protocol: view models', () => {
  const run: AgentRun = {
    id: 12,
    organizationId: 1,
    status: 'max_iterations_reached',
    createdAt: '2026-01-01T10:00:00Z',
    webUrl: 'javascript:alert(1)',
    summary: '## Fix the **login** bug\n\nDetails',
    result: 'Done',
    sourceType: 'API',
    pullRequests: [
      { id: 3, title: 'Fix\u202e login', url: 'https://github.com/o/r/pull/3', headBranchName: 'codegen/fix', state: 'open', merged: true },
      { id: 4, url: 'http://github.com/o/r/pull/4' },
    ],
  };

  it('builds a run view that passes its own validator, with unsafe links removed', () => {
    const view = toRunView(run, 'Fix the login bug');
    assert.deepStrictEqual(parseRunView(view), view);
    assert.strictEqual(view.title, 'Fix the login bug');
    assert.strictEqual(view.statusCategory, 'failed');
    assert.strictEqual(view.statusLabel, 'Max iterations reached');
    assert.strictEqual(view.webUrl, '', 'a javascript: web URL must not reach the webview');
    assert.strictEqual(view.canBringBack, true, 'PR 3 has a branch and an https link');
    assert.strictEqual(toRunView({ ...run, pullRequests: [{ id: 4, url: 'https://github.com/o/r/pull/4' }] }, 't').canBringBack, false, 'no branch');
    assert.deepStrictEqual(view.pullRequests, [
      { title: 'Fix login', url: 'https://github.com/o/r/pull/3', branch: 'codegen/fix', state: 'merged' },
      { title: 'Pull request #4', url: '', branch: '', state: '' },
    ]);
  });

  it('falls back to "Run #id" for an empty title', () => {
    assert.strictEqual(toRunView(run, ' \u200b ').title, 'Run #12');
  });

  it('shows unknown statuses as sent, in the unknown category', () => {
    const view = toRunView({ ...run, status: 'TELEPORTING' }, 't');
    assert.strictEqual(view.statusCategory, 'unknown');
    assert.strictEqual(view.statusLabel, 'TELEPORTING');
  });

  it('turns JSON values into pretty JSON and keeps text as text', () => {
    assert.deepStrictEqual(displayValue({ a: [1, 2] }), { text: '{\n  "a": [\n    1,\n    2\n  ]\n}', isJson: true });
    assert.deepStrictEqual(displayValue('{"a":1}'), { text: '{\n  "a": 1\n}', isJson: true });
    assert.deepStrictEqual(displayValue('{not json}'), { text: '{not json}', isJson: false });
    assert.deepStrictEqual(displayValue('plain'), { text: 'plain', isJson: false });
    assert.deepStrictEqual(displayValue(null), { text: '', isJson: false });
    assert.deepStrictEqual(displayValue(undefined), { text: '', isJson: false });
    assert.deepStrictEqual(displayValue(42), { text: '42', isJson: false });
  });

  it('caps huge values with a truncation note, within the protocol limit', () => {
    const huge = { data: 'x'.repeat(LIMITS.field * 2) };
    const shown = displayValue(huge);
    assert.ok(shown.text.length <= LIMITS.field, `length ${shown.text.length}`);
    assert.match(shown.text, /truncated: \d+ more characters/);
    assert.strictEqual(capText('short', 100), 'short');
    assert.ok(capText('y'.repeat(1000), 100).length <= 100);
  });

  it('collapses control and bidi characters in labels', () => {
    assert.strictEqual(toLabel('a\u0000b\u202ec\n\nd'), 'a b c d');
    assert.strictEqual(toLabel({ not: 'a string' }), '');
    assert.strictEqual(toLabel('x'.repeat(500), 10).length, 10);
  });

  it('builds log entry views that pass their validator', () => {
    const entry: LogEntry = {
      agentRunId: 12,
      createdAt: '2026-01-01T10:00:01Z',
      messageType: 'SOMETHING_NEW',
      toolName: 'edit_file',
      thought: 'thinking',
      observation: { status: 'ok' },
      toolInput: '{"path":"a.ts"}',
      toolOutput: 'done',
    };
    const view = toLogEntryView(entry, 41);
    assert.deepStrictEqual(parseLogEntryView(view), view);
    assert.strictEqual(view.index, 41);
    assert.strictEqual(view.messageType, 'SOMETHING_NEW', 'unknown message types still display');
    assert.strictEqual(view.observationIsJson, true);
    assert.strictEqual(view.toolInputIsJson, true);
    assert.strictEqual(view.toolOutputIsJson, false);
    const empty = toLogEntryView({}, 0);
    assert.deepStrictEqual(parseLogEntryView(empty), empty);
    assert.strictEqual(empty.messageType, '');
  });

  it('renders an entry as text for copy and export', () => {
    const text = logEntryToText(toLogEntryView({ createdAt: 't', messageType: 'ACTION', toolName: 'ls', thought: 'a\nb', toolOutput: 'out' }, 2));
    assert.strictEqual(text, '#3  t  ACTION  ls\nThought:\n  a\n  b\nTool output:\n  out');
  });
});

describe('protocol: panel state and command arguments', () => {
  it('reads the run id from a restored state', () => {
    assert.strictEqual(parseRunDetailsState({ runId: 9, log: {} }), 9);
    for (const bad of [undefined, null, 'x', {}, { runId: '9' }, { runId: -1 }, { runId: 0 }, { runId: 1.5 }]) {
      assert.strictEqual(parseRunDetailsState(bad), undefined, JSON.stringify(bad));
    }
  });

  it('reads the run id from command arguments', () => {
    assert.strictEqual(runIdFromArgument(4), 4);
    assert.strictEqual(runIdFromArgument('15'), 15);
    assert.strictEqual(runIdFromArgument({ runId: 6 }), 6);
    assert.strictEqual(runIdFromArgument({ id: 'run:6', run: { id: 7 } }), 7);
    assert.strictEqual(runIdFromArgument({ id: 8 }), 8);
    const cyclic: { runId?: unknown } = {};
    cyclic.runId = cyclic;
    for (const bad of [undefined, null, 'abc', -3, 0, 2.5, {}, cyclic]) assert.strictEqual(runIdFromArgument(bad), undefined);
  });
});

describe('run details shell HTML', () => {
  const resources = {
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
    styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/webview.css',
  };

  it('carries the nonce CSP and loads only the bundled script and stylesheet', () => {
    const html = buildShellHtml(42, resources, 'abc123');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.strictEqual(
      csp,
      `default-src 'none'; script-src 'nonce-abc123'; style-src ${resources.cspSource} 'nonce-abc123'; img-src ${resources.cspSource} data:; font-src ${resources.cspSource}`,
    );
    assert.strictEqual(csp, contentSecurityPolicy(resources.cspSource, 'abc123'));
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.strictEqual(scripts.length, 1);
    assert.match(scripts[0]![1]!, /nonce="abc123"/);
    assert.match(scripts[0]![1]!, /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.js"/);
    assert.strictEqual(scripts[0]![2], '', 'no inline script');
    assert.match(html, /data-run-id="42"/);
    assert.doesNotMatch(html, /\son\w+=/i, 'no inline event handlers');
  });

  it('uses a fresh random nonce per page', () => {
    const a = /'nonce-([^']+)'/.exec(buildShellHtml(1, resources))?.[1];
    const b = /'nonce-([^']+)'/.exec(buildShellHtml(1, resources))?.[1];
    assert.ok(a && b && a !== b && a.length >= 16);
  });
});
