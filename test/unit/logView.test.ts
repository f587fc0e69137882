// The webview side of the run details panel, in jsdom: windowing math, the virtualized log list with
// 10,000 entries, filters and jumps, and the page's handling of messages (validation, text-only
// rendering, sanitized markdown, link interception, saved state).

import * as assert from 'assert';
import { JSDOM } from 'jsdom';
import type { FromWebview, LogEntryView, RunView } from '../../src/protocol/messages';
import { RunDetailsApp, type WebviewHost } from '../../src/webview/app';
import { applyFilter, findFinalAnswer, findFirstError, mergeEntries, messageTypesOf } from '../../src/webview/logFilter';
import { LogView } from '../../src/webview/logView';
import { RowLayout, computeWindow, rowAt } from '../../src/webview/virtualList';

const VIEWPORT = 600;
const syncFrame = (callback: () => void): void => callback();
const fixedTime = (iso: string): { short: string; full: string } => ({ short: iso.slice(11, 19), full: iso });

function uniformOffsets(count: number, height: number): number[] {
  return Array.from({ length: count + 1 }, (_, i) => i * height);
}

function makeEntry(index: number, overrides: Partial<LogEntryView> = {}): LogEntryView {
  const types = ['ACTION', 'PLAN_EVALUATION', 'ACTION', 'USER_MESSAGE'];
  return {
    index,
    createdAt: new Date(Date.UTC(2026, 0, 1, 10, 0, index % 60)).toISOString(),
    messageType: types[index % types.length]!,
    toolName: index % 2 === 0 ? 'run_command' : '',
    thought: `Thought number ${index}`,
    observation: index % 3 === 0 ? `Observation ${index}` : '',
    toolInput: index % 2 === 0 ? `{\n  "cmd": "ls ${index}"\n}` : '',
    toolOutput: index % 2 === 0 ? `output ${index}` : '',
    toolInputIsJson: index % 2 === 0,
    toolOutputIsJson: false,
    observationIsJson: false,
    ...overrides,
  };
}

function entries(count: number, start = 0): LogEntryView[] {
  return Array.from({ length: count }, (_, i) => makeEntry(start + i));
}

describe('virtual list: windowing math', () => {
  it('finds the row at a position', () => {
    const offsets = uniformOffsets(10, 20);
    assert.strictEqual(rowAt(offsets, 0), 0);
    assert.strictEqual(rowAt(offsets, 19.9), 0);
    assert.strictEqual(rowAt(offsets, 20), 1);
    assert.strictEqual(rowAt(offsets, 199), 9);
    assert.strictEqual(rowAt(offsets, 10_000), 9, 'clamped to the last row');
    assert.strictEqual(rowAt(offsets, -5), 0);
    assert.strictEqual(rowAt([0], 50), 0, 'no rows');
  });

  it('renders the rows in the viewport plus the overscan', () => {
    const offsets = uniformOffsets(1000, 20);
    assert.deepStrictEqual(computeWindow({ scrollTop: 0, viewportHeight: 100, offsets, overscan: 0 }), { start: 0, end: 5 });
    assert.deepStrictEqual(computeWindow({ scrollTop: 95, viewportHeight: 100, offsets, overscan: 0 }), { start: 4, end: 10 });
    assert.deepStrictEqual(computeWindow({ scrollTop: 95, viewportHeight: 100, offsets, overscan: 2 }), { start: 2, end: 12 });
    assert.deepStrictEqual(computeWindow({ scrollTop: 0, viewportHeight: 100, offsets, overscan: 3 }), { start: 0, end: 8 });
  });

  it('clamps past the end and handles empty lists and short lists', () => {
    const offsets = uniformOffsets(1000, 20);
    assert.deepStrictEqual(computeWindow({ scrollTop: 1e9, viewportHeight: 100, offsets, overscan: 1 }), { start: 994, end: 1000 });
    assert.deepStrictEqual(computeWindow({ scrollTop: 0, viewportHeight: 100, offsets: [0], overscan: 4 }), { start: 0, end: 0 });
    assert.deepStrictEqual(computeWindow({ scrollTop: 0, viewportHeight: 600, offsets: uniformOffsets(3, 20), overscan: 4 }), { start: 0, end: 3 });
  });

  it('works with variable row heights', () => {
    const layout = new RowLayout();
    layout.reset([10, 300, 10, 10, 10, 500, 10]);
    const offsets = layout.prefixSums();
    assert.deepStrictEqual([...offsets], [0, 10, 310, 320, 330, 340, 840, 850]);
    // Position 305 is inside the tall row 1; the viewport reaches 405, into row 5.
    assert.deepStrictEqual(computeWindow({ scrollTop: 305, viewportHeight: 100, offsets, overscan: 0 }), { start: 1, end: 6 });
    assert.strictEqual(layout.setHeight(1, 300), false, 'same height: no change');
    assert.strictEqual(layout.setHeight(1, 20), true);
    assert.strictEqual(layout.offsetOf(2), 30);
    assert.strictEqual(layout.totalHeight, 570);
    layout.setHeight(3, Number.NaN);
    assert.strictEqual(layout.height(3), 1, 'bad heights never collapse the layout');
  });

  it('keeps the window small for 10,000 rows wherever the scroll is', () => {
    const offsets = uniformOffsets(10_000, 48);
    for (const scrollTop of [0, 1234, 240_000, 479_000, 480_000]) {
      const range = computeWindow({ scrollTop, viewportHeight: VIEWPORT, offsets, overscan: 4 });
      assert.ok(range.end - range.start <= Math.ceil(VIEWPORT / 48) + 1 + 8, JSON.stringify(range));
      assert.ok(range.start <= Math.floor(Math.min(scrollTop, 480_000 - VIEWPORT) / 48));
    }
  });
});

describe('log entries: merging, filtering, jumps', () => {
  it('merges pages by index without duplicates, in order', () => {
    const merged = mergeEntries(entries(5, 10), [...entries(5, 5), makeEntry(10)], 'prepend');
    assert.deepStrictEqual(
      merged.map((e) => e.index),
      [5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
    );
    const appended = mergeEntries(merged, [makeEntry(14), makeEntry(15)], 'append');
    assert.deepStrictEqual(appended.map((e) => e.index).slice(-3), [13, 14, 15]);
    assert.deepStrictEqual(
      mergeEntries(appended, [makeEntry(2), makeEntry(1)], 'replace').map((e) => e.index),
      [1, 2],
    );
  });

  it('filters by type and searches every field case-insensitively', () => {
    const list = entries(40);
    assert.deepStrictEqual(messageTypesOf(list), ['ACTION', 'PLAN_EVALUATION', 'USER_MESSAGE']);
    assert.strictEqual(applyFilter(list, { messageType: 'ACTION', search: '' }).length, 20);
    assert.deepStrictEqual(
      applyFilter(list, { messageType: '', search: 'OBSERVATION 3' }).map((e) => e.index),
      [3, 30, 33, 36, 39],
    );
    assert.deepStrictEqual(
      applyFilter(list, { messageType: '', search: 'ls 12' }).map((e) => e.index),
      [12],
    );
    assert.strictEqual(applyFilter(list, { messageType: 'ACTION', search: 'ls 13' }).length, 0);
  });

  it('finds the last final answer and the first error', () => {
    const list = entries(10);
    list[3] = makeEntry(3, { messageType: 'ERROR' });
    list[6] = makeEntry(6, { messageType: 'PR_CREATION_FAILED' });
    list[7] = makeEntry(7, { messageType: 'FINAL_ANSWER' });
    list[9] = makeEntry(9, { messageType: 'FINAL_ANSWER' });
    assert.strictEqual(findFirstError(list)?.index, 3);
    assert.strictEqual(findFinalAnswer(list)?.index, 9);
    assert.strictEqual(findFirstError(entries(3)), undefined);
  });
});

describe('log view (jsdom)', () => {
  let dom: JSDOM;
  let posted: FromWebview[];
  let view: LogView;

  beforeEach(() => {
    dom = new JSDOM('<!doctype html><body></body>');
    posted = [];
    view = new LogView({
      document: dom.window.document,
      post: (message) => posted.push(message),
      viewportHeight: () => VIEWPORT,
      requestFrame: syncFrame,
      formatTime: fixedTime,
    });
    dom.window.document.body.append(view.element);
  });

  afterEach(() => {
    view.dispose();
    dom.window.close();
  });

  const rowIndices = (): number[] => Array.from(view.scrollElement.querySelectorAll<HTMLElement>('.log-row')).map((row) => Number(row.dataset.index));
  const scrollTo = (top: number): void => {
    view.scrollElement.scrollTop = top;
    view.scrollElement.dispatchEvent(new dom.window.Event('scroll'));
  };

  it('puts only a bounded number of rows in the DOM for 10,000 entries', () => {
    view.setLogs('replace', entries(10_000), false, 10_000);
    assert.strictEqual(view.loadedEntries.length, 10_000);
    const rows = view.renderedRowCount;
    assert.ok(rows > 0 && rows <= 40, `${rows} rows in the DOM`);
    assert.ok(dom.window.document.querySelectorAll('*').length < 1_000, 'the whole page stays small');
    // Opens on the newest entries.
    assert.strictEqual(Math.max(...rowIndices()), 9_999);

    scrollTo(0);
    assert.ok(rowIndices().includes(0));
    assert.ok(view.renderedRowCount <= 40);

    const middle = view.scrollElement.scrollHeight > 0 ? view.scrollElement.scrollHeight / 2 : 0;
    const spacerTotal = Array.from(view.scrollElement.querySelectorAll<HTMLElement>('.vl-spacer')).reduce(
      (sum, spacer) => sum + parseFloat(spacer.style.height || '0'),
      0,
    );
    assert.ok(spacerTotal > 100_000, 'spacers stand in for the rows that are not rendered');
    scrollTo(middle || spacerTotal / 2);
    const visible = rowIndices();
    assert.ok(visible.length <= 40);
    assert.ok(visible.every((index) => index > 3_000 && index < 7_000), `middle rows: ${visible.join(',')}`);
  });

  it('renders untrusted text as text', () => {
    const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
    view.setLogs('replace', [makeEntry(0, { thought: hostile, observation: hostile, toolName: hostile, messageType: hostile })], false, 1);
    const row = view.scrollElement.querySelector('.log-row')!;
    assert.strictEqual(row.querySelector('img'), null);
    assert.strictEqual(row.querySelector('script'), null);
    assert.strictEqual(row.querySelector('.row-thought')?.textContent, hostile);
    assert.strictEqual(row.querySelector('.row-observation')?.textContent, hostile);
  });

  it('shows time, type, tool, thought and observation, with tool input and output folded', () => {
    view.setLogs('replace', [makeEntry(0)], false, 1);
    const row = view.scrollElement.querySelector('.log-row')!;
    assert.strictEqual(row.querySelector('.row-time')?.textContent, '10:00:00');
    assert.strictEqual(row.querySelector('.row-type')?.textContent, 'ACTION');
    assert.strictEqual(row.querySelector('.row-tool')?.textContent, 'run_command');
    const input = row.querySelector<HTMLDetailsElement>('details.fold-input')!;
    assert.strictEqual(input.open, false);
    assert.match(input.querySelector('summary')?.textContent ?? '', /Tool input \(JSON, 3 lines\)/);
    assert.strictEqual(input.querySelector('pre')?.textContent, '', 'folded bodies enter the DOM only when opened');
    input.open = true;
    input.dispatchEvent(new dom.window.Event('toggle'));
    assert.strictEqual(input.querySelector('pre')?.textContent, '{\n  "cmd": "ls 0"\n}');
    assert.ok(row.querySelector('details.fold-output'));
  });

  it('filters by type and text, and says how many entries match', () => {
    view.setLogs('replace', entries(40), false, 40);
    const select = view.element.querySelector<HTMLSelectElement>('select.type-filter')!;
    assert.deepStrictEqual(
      Array.from(select.options).map((o) => o.value),
      ['', 'ACTION', 'PLAN_EVALUATION', 'USER_MESSAGE'],
    );
    select.value = 'USER_MESSAGE';
    select.dispatchEvent(new dom.window.Event('change'));
    assert.strictEqual(view.visibleEntries.length, 10);
    assert.ok(rowIndices().every((index) => index % 4 === 3));
    const search = view.element.querySelector<HTMLInputElement>('input.search')!;
    search.value = 'number 7';
    search.dispatchEvent(new dom.window.Event('input'));
    assert.deepStrictEqual(rowIndices(), [7]);
    assert.strictEqual(view.element.querySelector('.count')?.textContent, '1 of 40 loaded');
    assert.deepStrictEqual(view.currentState().filter, { messageType: 'USER_MESSAGE', search: 'number 7' });
  });

  it('jumps to the final answer and the first error, clearing a filter that hides them', () => {
    const list = entries(3_000);
    list[5] = makeEntry(5, { messageType: 'ERROR' });
    list[2_500] = makeEntry(2_500, { messageType: 'FINAL_ANSWER' });
    view.setLogs('replace', list, false, 3_000);
    view.setFilter({ messageType: 'USER_MESSAGE', search: '' });
    assert.strictEqual(view.jumpToFirstError(), true);
    assert.strictEqual(view.visibleEntries.length, 3_000, 'filter cleared');
    assert.ok(rowIndices().includes(5));
    assert.strictEqual(dom.window.document.activeElement?.getAttribute('data-index'), '5', 'the entry gets focus');
    assert.strictEqual(view.jumpToFinalAnswer(), true);
    assert.ok(rowIndices().includes(2_500));
    assert.strictEqual(dom.window.document.activeElement?.getAttribute('data-index'), '2500');
  });

  it('says so when there is nothing to jump to', () => {
    view.setLogs('replace', entries(10, 100), true, 110);
    assert.strictEqual(view.jumpToFirstError(), false);
    assert.match(view.element.querySelector('.log-status-text')?.textContent ?? '', /older entries are not loaded/);
  });

  it('asks for older entries once when scrolled to the top, and prepends them in place', () => {
    view.setLogs('replace', entries(100, 900), true, 1_000);
    scrollTo(0);
    scrollTo(10);
    assert.deepStrictEqual(posted, [{ type: 'loadOlderLogs' }], 'asked once while waiting');
    const firstVisible = rowIndices()[0];
    view.setLogs('prepend', entries(100, 800), true, 1_000);
    assert.strictEqual(view.loadedEntries.length, 200);
    assert.strictEqual(rowIndices()[0] !== undefined && rowIndices().includes(firstVisible!), true, 'the view stays on the same entries');
    scrollTo(0);
    assert.strictEqual(posted.length, 2, 'asks again after the page arrived');
  });

  it('posts copy with the entry as text, and export requests', () => {
    view.setLogs('replace', [makeEntry(0)], false, 1);
    view.scrollElement.querySelector<HTMLButtonElement>('.row-copy')!.click();
    const copy = posted.find((m) => m.type === 'copy');
    assert.ok(copy && copy.type === 'copy');
    assert.match(copy.text, /^#1 {2}2026-01-01T10:00:00.000Z {2}ACTION {2}run_command\nThought:\n {2}Thought number 0/);
    const buttons = Array.from(view.element.querySelectorAll<HTMLButtonElement>('.toolbar button'));
    buttons.find((b) => b.textContent === 'Export JSON')!.click();
    buttons.find((b) => b.textContent === 'Export text')!.click();
    assert.deepStrictEqual(
      posted.filter((m) => m.type === 'exportLogs'),
      [
        { type: 'exportLogs', format: 'json' },
        { type: 'exportLogs', format: 'text' },
      ],
    );
  });

  it('every control is a native, keyboard-reachable element', () => {
    view.setLogs('replace', entries(5), false, 5);
    for (const control of Array.from(view.element.querySelectorAll('button, select, input, summary'))) {
      assert.ok(['BUTTON', 'SELECT', 'INPUT', 'SUMMARY'].includes(control.tagName));
      assert.notStrictEqual(control.getAttribute('tabindex'), '-1');
    }
    assert.strictEqual(view.scrollElement.tabIndex, 0, 'the list itself can be scrolled with the keyboard');
  });
});

describe('run details page (jsdom)', () => {
  let dom: JSDOM;
  let posted: unknown[];
  let saved: unknown;
  let warnings: string[];
  let app: RunDetailsApp;

  const run: RunView = {
    id: 42,
    title: '<b onmouseover="x()">Fix</b> the bug',
    status: 'RUNNING',
    statusLabel: 'Running',
    statusCategory: 'inProgress',
    createdAt: '2026-01-01T10:00:00.000Z',
    sourceType: 'API',
    webUrl: 'https://codegen.com/agent/trace/42',
    summary: 'Done. See [the PR](https://github.com/o/r/pull/1) <script>alert(1)</script> [x](command:evil) ![p](https://t.example/p.png)',
    result: '',
    pullRequests: [{ title: 'Fix <i>login</i>', url: 'https://github.com/o/r/pull/1', branch: 'codegen/fix', state: 'open' }],
    canBringBack: true,
  };

  function create(initialState?: unknown): void {
    dom = new JSDOM('<!doctype html><body><div id="app" data-run-id="42"></div></body>');
    posted = [];
    saved = initialState;
    warnings = [];
    const host: WebviewHost = {
      postMessage: (message) => posted.push(message),
      getState: () => saved,
      setState: (state) => (saved = state),
    };
    app = new RunDetailsApp(dom.window.document.getElementById('app')!, host, {
      window: dom.window as unknown as Window,
      runId: 42,
      viewportHeight: () => VIEWPORT,
      requestFrame: syncFrame,
      formatTime: fixedTime,
      warn: (message) => warnings.push(message),
    });
  }

  afterEach(() => {
    app.logs.dispose();
    dom.window.close();
  });

  it('says ready, saves {runId} at once for the serializer, and renders state as text', () => {
    create();
    app.start();
    assert.deepStrictEqual(posted, [{ type: 'ready' }]);
    assert.strictEqual((saved as { runId: number }).runId, 42);
    app.handleMessage({ type: 'state', run, polling: true });
    const doc = dom.window.document;
    assert.strictEqual(doc.querySelector('.run-title')?.textContent, run.title);
    assert.strictEqual(doc.querySelector('.run-title b'), null, 'the title is not HTML');
    assert.strictEqual(doc.querySelector('.status-text')?.textContent, 'Running');
    assert.ok(doc.querySelector('.status-icon.status-inProgress'));
    assert.strictEqual((doc.querySelector('.live-badge') as HTMLElement).hidden, false);
    assert.strictEqual(doc.querySelector('.pr-title')?.textContent, 'Fix <i>login</i>');
    assert.strictEqual(doc.querySelector('.pr-branch')?.textContent, 'codegen/fix');
    assert.strictEqual(doc.querySelector('.pr-state')?.textContent, 'open');
  });

  it('renders the summary as sanitized markdown: no script, no command: link, no image', () => {
    create();
    app.handleMessage({ type: 'state', run, polling: false });
    const summary = dom.window.document.querySelector('.summary .markdown')!;
    assert.strictEqual(summary.querySelector('script'), null);
    assert.strictEqual(summary.querySelector('img'), null);
    const hrefs = Array.from(summary.querySelectorAll('a')).map((a) => a.getAttribute('data-href'));
    assert.deepStrictEqual(hrefs.filter((h) => h !== null).sort(), ['https://github.com/o/r/pull/1', 'https://t.example/p.png']);
    assert.strictEqual(summary.querySelectorAll('a[href]').length, 0, 'links carry no href: only the extension opens them');
    assert.ok((dom.window.document.querySelector('.result') as HTMLElement).hidden, 'empty result is hidden');
  });

  it('intercepts link clicks and asks the extension to open them', () => {
    create();
    app.handleMessage({ type: 'state', run, polling: false });
    posted = [];
    const link = dom.window.document.querySelector<HTMLAnchorElement>('.summary a[data-href^="https://github.com"]')!;
    const click = new dom.window.MouseEvent('click', { bubbles: true, cancelable: true });
    link.dispatchEvent(click);
    assert.strictEqual(click.defaultPrevented, true, 'the webview never navigates');
    dom.window.document.querySelector<HTMLAnchorElement>('.pr-title')!.click();
    dom.window.document.querySelector<HTMLAnchorElement>('.web-link')!.click();
    assert.deepStrictEqual(posted, [
      { type: 'openExternal', url: 'https://github.com/o/r/pull/1' },
      { type: 'openExternal', url: 'https://github.com/o/r/pull/1' },
      { type: 'openExternal', url: 'https://codegen.com/agent/trace/42' },
    ]);
  });

  it('drops malformed and unknown messages from the extension, and says so', () => {
    create();
    for (const raw of [null, { type: 'eval', code: 'x' }, { type: 'state', run: { ...run, id: 'x' }, polling: true }, { type: 'logs', mode: 'append', entries: [{}], hasOlder: false, totalLogs: 1 }]) {
      app.handleMessage(raw);
    }
    assert.strictEqual(warnings.length, 4);
    assert.strictEqual(dom.window.document.querySelector('.run-title')?.textContent, 'Loading run…');
    assert.strictEqual(app.logs.loadedEntries.length, 0);
  });

  it('sends a follow-up, shows that it was sent, and keeps the draft in the saved state', () => {
    create();
    const doc = dom.window.document;
    const input = doc.querySelector<HTMLTextAreaElement>('#follow-up-input')!;
    input.value = 'Also add a test';
    input.dispatchEvent(new dom.window.Event('input'));
    assert.strictEqual((saved as { draft: string }).draft, 'Also add a test');
    posted = [];
    input.dispatchEvent(new dom.window.KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }));
    assert.deepStrictEqual(posted, [{ type: 'sendFollowUp', text: 'Also add a test' }]);
    assert.strictEqual(input.disabled, true);
    app.handleMessage({ type: 'followUpResult', ok: true, message: 'Follow-up sent at 10:00. Following the run…' });
    assert.strictEqual(input.disabled, false);
    assert.strictEqual(input.value, '');
    assert.match(doc.querySelector('.follow-up-status')?.textContent ?? '', /sent/);
  });

  it('posts the actions; the extension asks for confirmation', () => {
    create();
    app.handleMessage({ type: 'state', run, polling: false });
    posted = [];
    for (const b of Array.from(dom.window.document.querySelectorAll<HTMLButtonElement>('.actions button'))) b.click();
    assert.deepStrictEqual(posted, [
      { type: 'action', kind: 'openInBrowser' },
      { type: 'action', kind: 'ban' },
      { type: 'action', kind: 'unban' },
      { type: 'action', kind: 'removeFromPr' },
      { type: 'action', kind: 'reviewChanges' },
      { type: 'action', kind: 'checkoutChanges' },
      { type: 'action', kind: 'applyChanges' },
    ]);
    // Without a pull request branch there is nothing to bring back: those buttons are hidden.
    app.handleMessage({ type: 'state', run: { ...run, pullRequests: [], canBringBack: false }, polling: false });
    const hidden = Array.from(dom.window.document.querySelectorAll<HTMLButtonElement>('.actions button')).filter((b) => b.hidden).map((b) => b.textContent);
    assert.deepStrictEqual(hidden, ['Review changes', 'Check out…', 'Apply to my working tree…']);
    app.handleMessage({ type: 'actionResult', kind: 'ban', ok: false, message: 'Cancelled.' });
    assert.strictEqual(dom.window.document.querySelector('.notice')?.textContent, 'Cancelled.');
  });

  it('restores the filter and draft from the saved state when shown again', () => {
    create({ runId: 42, draft: 'half-written', log: { filter: { messageType: 'ACTION', search: 'ls' }, open: ['2:input'] } });
    const doc = dom.window.document;
    assert.strictEqual(doc.querySelector<HTMLTextAreaElement>('#follow-up-input')!.value, 'half-written');
    assert.strictEqual(doc.querySelector<HTMLInputElement>('input.search')!.value, 'ls');
    app.handleMessage({ type: 'logs', mode: 'replace', entries: entries(8), hasOlder: false, totalLogs: 8 });
    assert.deepStrictEqual(
      app.logs.visibleEntries.map((e) => e.index),
      [0, 2, 4, 6],
    );
    const open = doc.querySelector<HTMLDetailsElement>('.log-row[data-index="2"] details.fold-input')!;
    assert.strictEqual(open.open, true, 'open folds are restored');
  });

  it('shows errors with a retry that asks the extension to refresh', () => {
    create();
    app.handleMessage({ type: 'error', message: 'Could not load the logs: The Codegen service is unavailable.' });
    const box = dom.window.document.querySelector<HTMLElement>('.error-box')!;
    assert.strictEqual(box.hidden, false);
    posted = [];
    box.querySelector('button')!.click();
    assert.deepStrictEqual(posted, [{ type: 'refresh' }]);
    assert.strictEqual(box.hidden, true);
  });
});
