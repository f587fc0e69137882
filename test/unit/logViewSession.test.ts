// The run details logic (RunLogFeed paging, RunSession polling and message handling) against the
// simulator over real HTTP with the real client. Time is a FakeClock shared by the session, the client
// and the simulator, so request counts per interval are exact.

import * as assert from 'node:assert/strict';
import type { CodegenClient } from '../../src/api/client';
import type { ExportFormat, ToWebview } from '../../src/protocol/messages';
import { FakeClock } from '../../src/util/clock';
import { Emitter } from '../../src/util/events';
import { RunLogFeed } from '../../src/runDetails/logFeed';
import { LOG_POLL_INTERVAL_MS, RunSession, type RunSessionDeps, type SessionUi } from '../../src/runDetails/runSession';
import { CodegenSimulator, SIM } from '../simulator/simulator';
import { IoTracker, runFor, settle, simulatorClient } from './runsHarness';

const LOGS_PATH = /^\/v1\/alpha\/organizations\/\d+\/agent\/run\/\d+\/logs$/;

interface RecordedUi extends SessionUi {
  opened: string[];
  confirmations: Array<{ message: string; detail: string }>;
  copied: string[];
  written: Array<{ label: string; content: string }>;
  confirmAnswer: boolean;
}

function recordingUi(): RecordedUi {
  const ui: RecordedUi = {
    opened: [],
    confirmations: [],
    copied: [],
    written: [],
    confirmAnswer: false,
    openExternal: (url) => {
      ui.opened.push(url);
      return Promise.resolve();
    },
    confirm: (message, detail) => {
      ui.confirmations.push({ message, detail });
      return Promise.resolve(ui.confirmAnswer);
    },
    pickExportTarget: (defaultName: string, _format: ExportFormat) =>
      Promise.resolve({
        label: `/tmp/${defaultName}`,
        write: (content: string) => {
          ui.written.push({ label: defaultName, content });
          return Promise.resolve();
        },
      }),
    copyToClipboard: (text) => {
      ui.copied.push(text);
      return Promise.resolve();
    },
    withProgress: (_title, task) => task(() => undefined, new AbortController().signal),
  };
  return ui;
}

describe('run details: log feed paging (simulator)', function () {
  this.timeout(30_000);
  let clock: FakeClock;
  let sim: CodegenSimulator;
  let io: IoTracker;
  let client: CodegenClient;

  beforeEach(async () => {
    clock = new FakeClock();
    sim = await CodegenSimulator.start({ clock, runDurationMs: 300_000 });
    io = new IoTracker();
    client = await simulatorClient(sim.url, clock, io, { maxReadRetries: 0 });
  });

  afterEach(async () => {
    client.dispose();
    await sim.stop();
  });

  const feedFor = (runId: number): RunLogFeed => new RunLogFeed((query) => client.getRunLogs(SIM.orgId, runId, query));
  const logQueries = (): Array<Record<string, string>> => sim.requests.filter((r) => LOGS_PATH.test(r.path)).map((r) => r.query);

  it('opens on the newest page, then loads older pages back to the first entry, without gaps or duplicates', async () => {
    const run = sim.addRun({ status: 'COMPLETE', logCount: 250 });
    const feed = feedFor(run.id);
    const newest = await feed.loadNewest();
    assert.equal(newest.mode, 'replace');
    assert.deepEqual(
      newest.entries.map((e) => e.index),
      Array.from({ length: 100 }, (_, i) => 150 + i),
    );
    assert.equal(newest.totalLogs, 250);
    assert.equal(newest.hasOlder, true);
    const second = await feed.loadOlder();
    assert.deepEqual(second?.entries.map((e) => e.index), Array.from({ length: 100 }, (_, i) => 50 + i));
    const third = await feed.loadOlder();
    assert.deepEqual(third?.entries.map((e) => e.index), Array.from({ length: 50 }, (_, i) => i));
    assert.equal(feed.hasOlder, false);
    assert.equal(await feed.loadOlder(), undefined, 'nothing older than the first entry');
    assert.deepEqual(
      feed.entries.map((e) => e.index),
      Array.from({ length: 250 }, (_, i) => i),
    );
    assert.deepEqual(logQueries(), [
      { skip: '0', limit: '100', reverse: 'true' },
      { skip: '50', limit: '100', reverse: 'false' },
      { skip: '0', limit: '50', reverse: 'false' },
    ]);
    // The entries are the service's own, in order: compare with one forward read of the first page.
    const direct = await client.getRunLogs(SIM.orgId, run.id, { skip: 0, limit: 100 });
    assert.deepEqual(feed.rawEntries.slice(0, 100), direct.logs);
  });

  it('without total_logs from the service, numbering and "new entries" polling stay right', async () => {
    const withoutTotal = (runId: number): RunLogFeed =>
      new RunLogFeed(async (query) => {
        const page = await client.getRunLogs(SIM.orgId, runId, query);
        delete page.totalLogs;
        return page;
      });
    const finished = sim.addRun({ status: 'COMPLETE', logCount: 250 });
    const feed = withoutTotal(finished.id);
    const newest = await feed.loadNewest();
    assert.deepEqual(newest.entries.map((e) => e.index), Array.from({ length: 100 }, (_, i) => 150 + i), 'the newest 100 are 150..249');
    assert.equal(newest.totalLogs, 250);
    const direct = await client.getRunLogs(SIM.orgId, finished.id, { skip: 150, limit: 100 });
    assert.deepEqual(feed.rawEntries, direct.logs, 'the same entries as a numbered read');
    const older = await feed.loadOlder();
    assert.deepEqual(older?.entries.map((e) => e.index), Array.from({ length: 100 }, (_, i) => 50 + i));
    // A run still logging: new entries come with the right numbers, once each.
    const live = sim.addRun({ logCount: 400, runDurationMs: 300_000 });
    await clock.advance(150_000);
    const liveFeed = withoutTotal(live.id);
    await liveFeed.loadNewest();
    const first = liveFeed.entries[0]!.index;
    assert.ok(first > 0);
    await clock.advance(60_000);
    await liveFeed.loadNew();
    const indices = liveFeed.entries.map((e) => e.index);
    assert.deepEqual(indices, Array.from({ length: indices.length }, (_, i) => first + i), 'contiguous, no duplicates');
    const check = await client.getRunLogs(SIM.orgId, live.id, { skip: indices.at(-1)!, limit: 1 });
    assert.deepEqual(liveFeed.rawEntries.at(-1), check.logs[0], 'the last entry is the one the service numbers so');
  });

  it('stays exact while the run keeps logging: older pages and new entries neither overlap nor skip', async () => {
    const run = sim.addRun({ logCount: 1000, runDurationMs: 300_000 });
    await clock.advance(200_000);
    const feed = feedFor(run.id);
    const first = await feed.loadNewest();
    const totalAtOpen = first.totalLogs;
    assert.ok(totalAtOpen > 200, `only ${totalAtOpen} entries visible`);
    await clock.advance(20_000); // about 70 more entries appear (fewer than a page)
    const older = await feed.loadOlder();
    assert.deepEqual(older?.entries.map((e) => e.index), Array.from({ length: 100 }, (_, i) => totalAtOpen - 200 + i));
    const fresh = await feed.loadNew();
    assert.ok(fresh.entries.length > 0);
    assert.equal(fresh.entries[0]?.index, totalAtOpen);
    const indices = feed.entries.map((e) => e.index);
    assert.deepEqual(indices, Array.from({ length: indices.length }, (_, i) => totalAtOpen - 200 + i), 'contiguous, no duplicates');
    const again = await feed.loadNew();
    assert.equal(again.entries.length, 0, 'nothing new: nothing appended');
    assert.equal(again.more, false);
  });

  it('loadAll fetches every older page (for the export)', async () => {
    const run = sim.addRun({ status: 'FAILED', logCount: 420 });
    const feed = feedFor(run.id);
    let pages = 0;
    await feed.loadAll(undefined, () => pages++);
    assert.equal(feed.entries.length, 420);
    assert.equal(pages, 5);
    assert.equal(feed.hasOlder, false);
  });
});

describe('run details: session (simulator, fake clock)', function () {
  this.timeout(30_000);
  let clock: FakeClock;
  let sim: CodegenSimulator;
  let io: IoTracker;
  let client: CodegenClient;
  let storeChanged: Emitter<void>;
  let ui: RecordedUi;
  let posted: ToWebview[];
  let logLines: string[];
  let visible: boolean;
  let title: string;
  let session: RunSession | undefined;

  beforeEach(async () => {
    clock = new FakeClock();
    sim = await CodegenSimulator.start({ clock, runDurationMs: 120_000 });
    io = new IoTracker();
    client = await simulatorClient(sim.url, clock, io, { maxReadRetries: 0 });
    storeChanged = new Emitter<void>();
    ui = recordingUi();
    posted = [];
    logLines = [];
    visible = true;
    title = '';
  });

  afterEach(async () => {
    session?.dispose();
    session = undefined;
    await settle([io]);
    client.dispose();
    await sim.stop();
  });

  function open(runId: number, overrides: Partial<RunSessionDeps> = {}): RunSession {
    const deps: RunSessionDeps = {
      getRun: () => undefined,
      onDidChangeRuns: (listener) => storeChanged.event(listener),
      refreshRun: (id, signal) => client.getRun(SIM.orgId, id, signal ? { signal } : {}),
      fetchLogs: (id, query, signal) => client.getRunLogs(SIM.orgId, id, query, signal ? { signal } : {}),
      resume: (id, prompt) => client.resumeRun(SIM.orgId, { agentRunId: id, prompt }),
      banChecks: (id) => client.banChecks(SIM.orgId, id),
      unbanChecks: (id) => client.unbanChecks(SIM.orgId, id),
      removeFromPr: (id) => client.removeFromPr(SIM.orgId, id),
      log: { info: (m) => logLines.push(`info ${m}`), warn: (m) => logLines.push(`warn ${m}`), error: (m) => logLines.push(`error ${m}`) },
      clock,
      random: () => 1,
      ...overrides,
    };
    session = new RunSession(runId, deps, { post: (m) => posted.push(m), isVisible: () => visible, setTitle: (t) => (title = t) }, ui);
    session.start();
    return session;
  }

  const run = (ms: number): Promise<void> => runFor(clock, ms, [io]);
  const logCalls = (): number => sim.countRequests({ method: 'GET', path: LOGS_PATH });
  const ofType = <T extends ToWebview['type']>(type: T): Array<Extract<ToWebview, { type: T }>> =>
    posted.filter((m): m is Extract<ToWebview, { type: T }> => m.type === type);

  it('loads the newest page at once and sends state and logs after the ready handshake', async () => {
    const seeded = sim.addRun({ status: 'COMPLETE', logCount: 150, prompt: 'Fix the flaky test' });
    const s = open(seeded.id);
    await run(0);
    assert.equal(logCalls(), 1);
    assert.equal(posted.length, 0, 'nothing is posted before the webview says ready');
    await s.handleMessage({ type: 'ready' });
    const state = ofType('state').at(-1);
    assert.equal(state?.run.id, seeded.id);
    assert.equal(state?.run.statusCategory, 'succeeded');
    assert.equal(state?.polling, false);
    const logs = ofType('logs');
    assert.equal(logs.length, 1);
    assert.equal(logs[0]?.mode, 'replace');
    assert.equal(logs[0]?.entries.length, 100);
    assert.equal(logs[0]?.hasOlder, true);
    assert.ok(title !== '' && !title.includes('\n'));
    // A finished run is not polled.
    await run(120_000);
    assert.equal(logCalls(), 1);
    assert.equal(clock.pendingTimers, 0);
  });

  it('re-sends everything when the webview is shown again (no retained context)', async () => {
    const seeded = sim.addRun({ status: 'COMPLETE', logCount: 30 });
    const s = open(seeded.id);
    await run(0);
    await s.handleMessage({ type: 'ready' });
    visible = false;
    s.visibilityChanged();
    posted = [];
    visible = true;
    s.visibilityChanged();
    await s.handleMessage({ type: 'ready' });
    assert.equal(ofType('logs')[0]?.entries.length, 30);
    assert.equal(ofType('state').length, 1);
    assert.equal(logCalls(), 1, 'served from what was loaded, no refetch');
  });

  it('polls new entries every 5 s while visible and in progress, never while hidden, and stops when the run ends', async () => {
    const seeded = sim.addRun({ logCount: 400, runDurationMs: 120_000 });
    const s = open(seeded.id);
    await run(0);
    await s.handleMessage({ type: 'ready' });
    assert.equal(logCalls(), 1);
    await run(LOG_POLL_INTERVAL_MS - 1);
    assert.equal(logCalls(), 1, 'not before 5 s');
    await run(1);
    assert.equal(logCalls(), 2);
    await run(30_000 - LOG_POLL_INTERVAL_MS);
    assert.equal(logCalls(), 7, 'one poll per 5 s');
    assert.equal(ofType('state').at(-1)?.polling, true);

    visible = false;
    s.visibilityChanged();
    await run(30_000);
    assert.equal(logCalls(), 7, 'hidden: no polling');
    assert.equal(clock.pendingTimers, 0);

    visible = true;
    s.visibilityChanged();
    await s.handleMessage({ type: 'ready' });
    await run(0);
    assert.equal(logCalls(), 8, 'shown again after more than 5 s: polls at once');

    // Run to the end (120 s from creation): the last poll sees the final status, one more fetch, then quiet.
    await run(120_000);
    const calls = logCalls();
    assert.equal(s.currentRun?.status, 'COMPLETE');
    await run(60_000);
    assert.equal(logCalls(), calls, 'no polling after the run finished');
    assert.equal(ofType('state').at(-1)?.polling, false);
    // Everything the run logged arrived once, in order.
    const indices = s.loadedIndices;
    const total = sim.getRun(seeded.id)!.totalLogs;
    assert.equal(indices.at(-1), total - 1);
    assert.deepEqual(indices, Array.from({ length: indices.length }, (_, i) => indices[0]! + i));
    // Within the logs budget: 60 requests per 60 s.
    const times = sim.requests.filter((r) => LOGS_PATH.test(r.path)).map((r) => r.at);
    for (const at of times) assert.ok(times.filter((t) => t >= at && t < at + 60_000).length <= 60);
  });

  it('polls logs only while its window is focused: none while unfocused, at once when focus comes back', async () => {
    const focus = new Emitter<boolean>();
    let focused = true;
    const seeded = sim.addRun({ logCount: 50, runDurationMs: 600_000 });
    const s = open(seeded.id, { windowFocus: { isFocused: () => focused, onDidChange: (listener) => focus.event(listener) } });
    await run(0);
    await s.handleMessage({ type: 'ready' });
    await run(LOG_POLL_INTERVAL_MS);
    assert.equal(logCalls(), 2, 'focused and visible: polled');

    focused = false;
    focus.fire(false);
    await run(120_000);
    assert.equal(logCalls(), 2, 'unfocused: no log request in 2 min');
    assert.equal(clock.pendingTimers, 0, 'and no timer waiting');

    focused = true;
    focus.fire(true);
    await run(0);
    assert.equal(logCalls(), 3, 'focus back: polls at once');
    await run(LOG_POLL_INTERVAL_MS);
    assert.equal(logCalls(), 4, 'then at the visible pace');
  });

  it('leaves no timer behind when disposed mid-poll', async () => {
    const seeded = sim.addRun({ logCount: 200 });
    const s = open(seeded.id);
    await run(0);
    await s.handleMessage({ type: 'ready' });
    await run(12_000);
    s.dispose();
    await settle([io]);
    const calls = logCalls();
    await run(60_000);
    assert.equal(logCalls(), calls);
    assert.equal(clock.pendingTimers, 0);
  });

  it('loads older pages on request and reports when there are none left', async () => {
    const seeded = sim.addRun({ status: 'COMPLETE', logCount: 130 });
    const s = open(seeded.id);
    await run(0);
    await s.handleMessage({ type: 'ready' });
    await s.handleMessage({ type: 'loadOlderLogs' });
    const prepend = ofType('logs').at(-1);
    assert.equal(prepend?.mode, 'prepend');
    assert.deepEqual(prepend?.entries.map((e) => e.index), Array.from({ length: 30 }, (_, i) => i));
    assert.equal(prepend?.hasOlder, false);
    await s.handleMessage({ type: 'loadOlderLogs' });
    assert.equal(logCalls(), 2, 'nothing older: no request');
    assert.deepEqual(ofType('logsLoading').at(-1), { type: 'logsLoading', newest: false, older: false });
  });

  it('drops and logs malformed or unknown messages', async () => {
    const seeded = sim.addRun({ status: 'COMPLETE', logCount: 5 });
    const s = open(seeded.id);
    await run(0);
    for (const raw of [null, 'ready', { type: 'evil' }, { type: 'action', kind: 'rm' }, { type: 'sendFollowUp', text: 3 }, { type: 'ready', extra: 1 }]) {
      await s.handleMessage(raw);
    }
    assert.equal(posted.length, 0, 'a malformed "ready" is not a ready');
    assert.equal(logLines.filter((line) => line.startsWith('warn') && line.includes('dropped')).length, 6);
    assert.ok(logLines.some((line) => line.includes('message of type "evil"')));
  });

  it('opens only https links; file:, command:, vscode:, javascript: and http: are refused and logged', async () => {
    const seeded = sim.addRun({ status: 'COMPLETE', logCount: 5 });
    const s = open(seeded.id);
    await run(0);
    await s.handleMessage({ type: 'ready' });
    for (const url of ['file:///etc/passwd', 'command:workbench.action.terminal.new', 'vscode://x.y/z', 'javascript:alert(1)', 'http://example.com/', 'data:text/html,x']) {
      await s.handleMessage({ type: 'openExternal', url });
    }
    assert.deepEqual(ui.opened, []);
    assert.equal(logLines.filter((line) => line.includes('refused to open')).length, 6);
    assert.ok(!logLines.some((line) => line.includes('/etc/passwd')), 'the refused URL itself is not logged');
    assert.equal(ofType('actionResult').filter((m) => !m.ok).length, 6);
    await s.handleMessage({ type: 'openExternal', url: 'https://github.com/acme/widgets/pull/1' });
    assert.deepEqual(ui.opened, ['https://github.com/acme/widgets/pull/1']);
  });

  it('opens the run in the web app', async () => {
    const seeded = sim.addRun({ status: 'COMPLETE', logCount: 5 });
    const s = open(seeded.id);
    await run(0);
    await s.handleMessage({ type: 'ready' });
    await s.handleMessage({ type: 'action', kind: 'openInBrowser' });
    assert.equal(ui.opened.length, 1);
    assert.match(ui.opened[0]!, /^https:\/\//);
  });

  it('sends a follow-up with resume and follows the run again', async () => {
    const seeded = sim.addRun({ logCount: 20, runDurationMs: 60_000 });
    await clock.advance(61_000); // finished on its own
    const s = open(seeded.id);
    await run(0);
    assert.equal(s.currentRun?.status, 'COMPLETE');
    await s.handleMessage({ type: 'ready' });
    await s.handleMessage({ type: 'sendFollowUp', text: 'Please also update the README' });
    assert.equal(ofType('followUpResult').at(-1)?.ok, true);
    assert.deepEqual(sim.getRun(seeded.id)?.followUps.map((f) => f.prompt), ['Please also update the README']);
    assert.equal(ofType('state').at(-1)?.run.statusCategory, 'inProgress');
    const before = logCalls();
    await run(20_000);
    assert.ok(logCalls() >= before + 3, 'polling again');
    assert.ok(s.loadedLogCount > 20, 'the follow-up phase entries arrived');
    assert.deepEqual(s.loadedIndices, Array.from({ length: s.loadedLogCount }, (_, i) => i));
  });

  it('starts over from the newest page when the log gets shorter (rewritten by the service)', async () => {
    // A forced final status shows the whole log; a resume then cuts it back to what was really logged.
    const seeded = sim.addRun({ status: 'COMPLETE', logCount: 40 });
    const s = open(seeded.id);
    await run(0);
    await s.handleMessage({ type: 'ready' });
    assert.equal(s.loadedLogCount, 40);
    await client.resumeRun(SIM.orgId, { agentRunId: seeded.id, prompt: 'again' });
    storeChanged.fire();
    await s.handleMessage({ type: 'refresh' });
    await run(0);
    const total = sim.getRun(seeded.id)!.totalLogs;
    assert.ok(total < 40);
    assert.deepEqual(s.loadedIndices, Array.from({ length: total }, (_, i) => i));
    assert.equal(ofType('logs').at(-1)?.mode, 'replace');
  });

  it('reports a refused follow-up (run still in progress) without retrying it', async () => {
    const seeded = sim.addRun({ logCount: 50 });
    const s = open(seeded.id);
    await run(20_000);
    await s.handleMessage({ type: 'ready' });
    await s.handleMessage({ type: 'sendFollowUp', text: 'more' });
    const result = ofType('followUpResult').at(-1);
    assert.equal(result?.ok, false);
    assert.match(result?.message ?? '', /in progress/i);
    assert.equal(sim.countRequests({ method: 'POST', path: /resume$/ }), 1);
  });

  it('asks before ban and remove-from-PR, saying it stops every agent on the PR; nothing is sent when declined', async () => {
    const seeded = sim.addRun({ status: 'COMPLETE', logCount: 5, pullRequest: true });
    const s = open(seeded.id);
    await run(0);
    await s.handleMessage({ type: 'ready' });
    ui.confirmAnswer = false;
    await s.handleMessage({ type: 'action', kind: 'ban' });
    await s.handleMessage({ type: 'action', kind: 'removeFromPr' });
    await s.handleMessage({ type: 'action', kind: 'unban' });
    assert.equal(ui.confirmations.length, 3);
    assert.match(ui.confirmations[0]!.detail, /stops every agent on that pull request/);
    assert.match(ui.confirmations[0]!.detail, /ignore future CI check events/);
    assert.match(ui.confirmations[1]!.detail, /stops every agent on that pull request/);
    assert.match(ui.confirmations[2]!.detail, /every agent on that PR/);
    assert.equal(sim.countRequests({ method: 'POST', path: /\/agent\/run\/(ban|unban|remove-from-pr)$/ }), 0);

    ui.confirmAnswer = true;
    await s.handleMessage({ type: 'action', kind: 'ban' });
    assert.equal(sim.getRun(seeded.id)?.checksBanned, true);
    assert.equal(ofType('actionResult').at(-1)?.ok, true);
    await s.handleMessage({ type: 'action', kind: 'unban' });
    assert.equal(sim.getRun(seeded.id)?.checksBanned, false);
    await s.handleMessage({ type: 'action', kind: 'removeFromPr' });
    assert.equal(sim.getRun(seeded.id)?.removedFromPr, true);
  });

  it('reports a failed action with the client message', async () => {
    const seeded = sim.addRun({ status: 'COMPLETE', logCount: 5, pullRequest: false });
    const s = open(seeded.id);
    await run(0);
    await s.handleMessage({ type: 'ready' });
    ui.confirmAnswer = true;
    await s.handleMessage({ type: 'action', kind: 'ban' });
    const result = ofType('actionResult').at(-1);
    assert.equal(result?.ok, false);
    assert.ok((result?.message.length ?? 0) > 0);
  });

  it('copies an entry and exports all logs (every page) as JSON and as text', async () => {
    const seeded = sim.addRun({ status: 'COMPLETE', logCount: 230 });
    const s = open(seeded.id);
    await run(0);
    await s.handleMessage({ type: 'ready' });
    await s.handleMessage({ type: 'copy', text: '#1 ACTION' });
    assert.deepEqual(ui.copied, ['#1 ACTION']);

    await s.handleMessage({ type: 'exportLogs', format: 'json' });
    const json = JSON.parse(ui.written[0]!.content) as { runId: number; logs: unknown[]; totalLogs: number };
    assert.equal(json.runId, seeded.id);
    assert.equal(json.logs.length, 230);
    assert.equal(json.totalLogs, 230);
    assert.equal(logCalls(), 3, 'newest page + two older pages');
    await s.handleMessage({ type: 'exportLogs', format: 'text' });
    const text = ui.written[1]!.content;
    assert.match(text, /^Codegen run #\d+/);
    assert.equal(text.match(/^#\d+ {2}/gm)?.length, 230);
    assert.equal(logCalls(), 3, 'already loaded: no more requests');
    assert.equal(ofType('actionResult').filter((m) => m.kind === 'export' && m.ok).length, 2);
  });

  it('follows the run store: a newer run state is shown and polling resumes', async () => {
    const seeded = sim.addRun({ status: 'COMPLETE', logCount: 10 });
    let storeRun = await client.getRun(SIM.orgId, seeded.id);
    const s = open(seeded.id, { getRun: () => storeRun });
    await run(0);
    await s.handleMessage({ type: 'ready' });
    await run(30_000);
    const calls = logCalls();
    storeRun = { ...storeRun, status: 'RUNNING' };
    storeChanged.fire();
    assert.equal(ofType('state').at(-1)?.run.status, 'RUNNING');
    await run(LOG_POLL_INTERVAL_MS);
    assert.ok(logCalls() > calls);
  });

  it('shows a load error with a retry, backs off, and stops for errors a retry cannot fix', async () => {
    const seeded = sim.addRun({ logCount: 50 });
    sim.injectFault({ kind: 'status', status: 500, path: 'logs$', times: 3 });
    const s = open(seeded.id);
    await s.handleMessage({ type: 'ready' });
    await run(0);
    assert.match(ofType('error').at(-1)?.message ?? '', /Could not load the logs/);
    await run(LOG_POLL_INTERVAL_MS * 2 - 1);
    assert.equal(logCalls(), 1, 'backs off: 10 s after one failure');
    await run(1);
    assert.equal(logCalls(), 2);
    await run(120_000);
    assert.ok(s.loadedLogCount > 0, 'recovered after the fault cleared');

    const missing = open(999_999);
    await missing.handleMessage({ type: 'ready' });
    const before = logCalls();
    await run(120_000);
    assert.ok(logCalls() - before <= 1, 'not found: no retry loop');
  });
});
