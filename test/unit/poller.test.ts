// RunPoller against the simulator over real HTTP with the real client; time is a FakeClock shared by
// the poller, the client and the simulator, so request counts per interval are exact.

import * as assert from 'node:assert/strict';
import type { CodegenClient } from '../../src/api/client';
import { RunPoller, type RunPollerOptions } from '../../src/runs/poller';
import { RunStore, type RunTransition } from '../../src/runs/runStore';
import { FakeClock } from '../../src/util/clock';
import { CodegenSimulator, SIM } from '../simulator/simulator';
import { IoTracker, runFor, settle, simulatorClient } from './runsHarness';

const RUNS_PATH = `/v1/organizations/${SIM.orgId}/agent/runs`;

describe('RunPoller (simulator, fake clock)', function () {
  this.timeout(30_000);

  let clock: FakeClock;
  let sim: CodegenSimulator;
  let io: IoTracker;
  let client: CodegenClient;
  let store: RunStore;
  let poller: RunPoller | undefined;
  let token: string;

  beforeEach(async () => {
    clock = new FakeClock();
    sim = await CodegenSimulator.start({ clock });
    io = new IoTracker();
    token = SIM.token;
    // No client-side retries: each poll is one request, so counts speak about the poller alone.
    client = await simulatorClient(sim.url, clock, io, { token: () => token, maxReadRetries: 0 });
    store = new RunStore({ clock });
  });

  afterEach(async () => {
    poller?.dispose();
    await poller?.whenIdle();
    poller = undefined;
    client.dispose();
    await sim.stop();
  });

  function start(options: Partial<RunPollerOptions> = {}): RunPoller {
    poller = new RunPoller({ api: client, store, orgId: SIM.orgId, userId: SIM.userId, clock, random: () => 0.5, ...options });
    return poller;
  }

  const listCalls = (): number => sim.countRequests({ method: 'GET', path: RUNS_PATH });
  const run = (ms: number): Promise<void> => runFor(clock, ms, [io]);

  it('makes no request and leaves no timer when the view is hidden and nothing is in progress', async () => {
    sim.addRun({ status: 'COMPLETE' });
    start({ viewVisible: false });
    await run(5 * 60_000);
    assert.equal(listCalls(), 0);
    assert.equal(clock.pendingTimers, 0);
    assert.equal(poller!.nextPollAt, undefined);
  });

  it('starts with no request and no timer when the view is hidden and the restored runs hold only old unknown or null statuses', async () => {
    const hoursAgo = (hours: number): string => new Date(clock.now() - hours * 60 * 60_000).toISOString();
    const saved = {
      version: 2,
      filter: { scope: 'mine' },
      runs: [
        { id: 3, organizationId: 1, status: 'weird_new_status', createdAt: hoursAgo(2), pullRequests: [] },
        { id: 2, organizationId: 1, createdAt: hoursAgo(3), pullRequests: [] },
        { id: 1, organizationId: 1, status: 'COMPLETE', createdAt: hoursAgo(4), pullRequests: [] },
      ],
      hasMore: false,
      createdHere: [3, 2],
      lastSuccessAt: clock.now() - 60 * 60_000,
      savedAt: 1,
    };
    store = new RunStore({ clock, storage: { load: () => Promise.resolve(saved), save: () => Promise.resolve() } });
    assert.equal(await store.restore(), true);
    assert.equal(store.size, 3);
    start({ viewVisible: false });
    assert.equal(poller!.nextPollAt, undefined);
    assert.equal(clock.pendingTimers, 0);
    await run(60 * 60_000);
    assert.equal(listCalls(), 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('with nothing in progress and the view seen, polls when shown, then 30 s, 1 min and every 2 min while nothing changes; a change polls again 10 s later', async () => {
    sim.addRun({ status: 'COMPLETE' });
    start({ viewVisible: true });
    await run(0);
    assert.equal(listCalls(), 1);
    assert.equal(store.size, 1);
    const first = sim.requests.find((request) => request.path === RUNS_PATH)!;
    assert.deepEqual(first.query, { skip: '0', limit: '25', user_id: String(SIM.userId) });
    // The first page is not news: 0, 30, 90 s, then 210 s: 3 polls in the first 3 minutes.
    await run(179_999);
    assert.equal(listCalls(), 3);
    // 210, 330, 450, 570 s: 7 polls in 10 minutes, then one every 2 minutes.
    await run(420_000);
    assert.equal(listCalls(), 7);
    assert.equal(poller!.effectiveIntervalMs, 120_000);
    // A change makes it fast again, once.
    sim.addRun({ status: 'COMPLETE' });
    await run(90_001);
    assert.equal(listCalls(), 8); // 690 s: sees the new run
    await run(10_000);
    assert.equal(listCalls(), 9); // 700 s: 10 s later
    await run(29_999);
    assert.equal(listCalls(), 9);
    await run(1);
    assert.equal(listCalls(), 10); // 730 s: nothing new since, 30 s later
  });

  it('a run created here goes into the tree without a list call; polling gets fast again and the next list call is one interval later', async () => {
    sim.addRun({ status: 'COMPLETE' });
    start({ viewVisible: true });
    await run(600_000);
    assert.equal(poller!.effectiveIntervalMs, 120_000, 'slow after 10 quiet minutes');
    const before = listCalls();
    const created = await client.createRun(SIM.orgId, { prompt: 'Add a changelog entry' });
    store.upsert(created, { createdHere: true });
    poller!.noteActivity();
    await run(0);
    assert.equal(listCalls(), before, 'no list call at the create: the row is drawn alone');
    assert.equal(poller!.effectiveIntervalMs, 10_000, 'a run in progress is followed at the interval');
    await run(9_999);
    assert.equal(listCalls(), before);
    await run(1);
    assert.equal(listCalls(), before + 1, 'one interval after the create');
  });

  it('gets fast again on focus and on showing the view; a manual refresh that finds nothing new stays slow', async () => {
    start({ viewVisible: true });
    await run(600_000);
    assert.equal(poller!.effectiveIntervalMs, 120_000);
    poller!.setWindowFocused(false);
    poller!.setWindowFocused(true);
    assert.equal(poller!.effectiveIntervalMs, 10_000);
    await run(600_000);
    poller!.setViewVisible(false);
    poller!.setViewVisible(true);
    assert.equal(poller!.effectiveIntervalMs, 10_000);
    await run(600_000);
    const before = listCalls();
    await poller!.refreshNow();
    assert.equal(listCalls(), before + 1);
    await run(29_999);
    assert.equal(listCalls(), before + 1);
    await run(1);
    assert.equal(listCalls(), before + 2);
  });

  it('polls a run in progress every 10 s while the view is seen, every 30 s unfocused', async () => {
    sim.addRun({ prompt: 'Long task', runDurationMs: 30 * 60_000 });
    start({ viewVisible: true, windowFocused: false });
    await run(59_999);
    assert.equal(listCalls(), 2); // 0, 30 s
    poller!.setWindowFocused(true);
    await run(60_000);
    assert.equal(listCalls(), 9); // at once on focus (due since 40 s), then every 10 s
  });

  it('uses at least 5 s whatever the setting', async () => {
    sim.addRun({ prompt: 'Long task', runDurationMs: 30 * 60_000 });
    start({ viewVisible: true, intervalSeconds: 1 });
    await run(19_999);
    assert.equal(listCalls(), 4); // 0, 5, 10, 15 s
  });

  it('keeps polling a run in progress with the view hidden, then stops when it finishes', async () => {
    sim.addRun({ prompt: 'Add a test', runDurationMs: 30_000 });
    start({ viewVisible: false });
    const transitions: RunTransition[] = [];
    store.onDidTransition((transition) => transitions.push(transition));
    await poller!.refreshNow(); // as after a create
    await run(0);
    assert.equal(store.counts().running, 1);
    await run(10 * 60_000);
    // Out of sight a run in progress is polled every 30 s: 0 s in progress, 30 s COMPLETE, then nothing more.
    assert.equal(listCalls(), 2);
    assert.deepEqual(transitions.map((t) => [t.from, t.to]), [['inProgress', 'succeeded']]);
    assert.equal(clock.pendingTimers, 0);
  });

  it('covers 100 runs in progress with one list call per interval', async () => {
    for (let index = 0; index < 100; index++) sim.addRun({ prompt: `Task ${index}`, runDurationMs: 30 * 60_000 });
    start({ viewVisible: false });
    await poller!.refreshNow();
    assert.equal(store.size, 25);
    await poller!.loadMore();
    await poller!.loadMore();
    await poller!.loadMore();
    assert.equal(store.size, 100);
    assert.equal(store.counts().running, 100);
    sim.clearRequests();
    await run(60_000);
    assert.equal(listCalls(), 2); // 30 and 60 s (view hidden)
    assert.ok(sim.requests.every((request) => request.path === RUNS_PATH && request.query['limit'] === '100'));
    assert.equal(sim.countRequests({ path: /\/agent\/run\// }), 0);
  });

  it('backs off exponentially on server errors, says the service is failing (not offline) and keeps the last runs', async () => {
    sim.addRun({ prompt: 'Long task', runDurationMs: 60 * 60_000 });
    start({ viewVisible: true, random: () => 1 });
    await run(0);
    const loadedAt = clock.now();
    assert.equal(store.size, 1);
    sim.injectFault({ kind: 'status', status: 503, path: 'agent/runs$', times: -1 });
    await run(600_000);
    // Failures at 10, 30, 70, 150, 310 s (waits 20, 40, 80, 160, then the 300 s cap).
    assert.equal(listCalls(), 6);
    assert.deepEqual(store.status, { kind: 'failing', since: loadedAt + 10_000, lastSuccessAt: loadedAt });
    assert.equal(store.size, 1);
    sim.clearFaults();
    await run(20_000);
    // 610 s succeeds, and the normal interval is back: 620 s.
    assert.equal(listCalls(), 8);
    assert.deepEqual(store.status, { kind: 'idle' });
  });

  it('jitters the backoff with the injected random source', async () => {
    start({ viewVisible: true, random: () => 0 });
    await run(0);
    sim.injectFault({ kind: 'status', status: 500, path: 'agent/runs$', times: -1 });
    await run(30_000); // fails at 30 s (nothing in progress, nothing changed): next after half of 20 s
    assert.equal(poller!.nextPollAt, clock.now() + 10_000);
  });

  it('honours Retry-After: rate limited until then, even for a manual refresh', async () => {
    start({ viewVisible: true });
    await run(0);
    sim.injectFault({ kind: 'rateLimit', path: 'agent/runs$', times: 1, retryAfterSeconds: 45 });
    await run(30_000);
    assert.equal(listCalls(), 2);
    const retryAt = clock.now() + 45_000;
    assert.deepEqual(store.status, { kind: 'rateLimited', retryAt });
    await poller!.refreshNow();
    await run(44_999);
    assert.equal(listCalls(), 2);
    await run(1);
    assert.equal(listCalls(), 3);
    assert.deepEqual(store.status, { kind: 'idle' });
  });

  it('stops on a refused token, asks for a new one once, and resumes on refreshNow', async () => {
    token = 'revoked-token';
    start({ viewVisible: true });
    let asked = 0;
    poller!.onDidNeedAuth(() => asked++);
    await run(0);
    assert.equal(listCalls(), 1);
    assert.equal(asked, 1);
    assert.deepEqual(store.status, { kind: 'unauthorized' });
    assert.equal(clock.pendingTimers, 0);
    poller!.setViewVisible(false);
    poller!.setViewVisible(true);
    poller!.setWindowFocused(false);
    poller!.setWindowFocused(true);
    await run(10 * 60_000);
    assert.equal(listCalls(), 1);
    assert.equal(asked, 1);

    token = SIM.token;
    await poller!.refreshNow();
    assert.equal(listCalls(), 2);
    assert.deepEqual(store.status, { kind: 'idle' });
    await run(30_000); // polling is back: the first page was quiet, so 30 s later
    assert.equal(listCalls(), 3);
    assert.equal(asked, 1);
  });

  it('polls now on refreshNow even when idle, and coalesces concurrent refreshes', async () => {
    start({ viewVisible: false });
    const refreshes = [poller!.refreshNow(), poller!.refreshNow(), poller!.refreshNow()];
    await settle([io]);
    await Promise.all(refreshes);
    // One poll now; the calls made while it was in flight share one more, sent after it.
    assert.equal(listCalls(), 2);
    await run(60_000);
    assert.equal(listCalls(), 2);
    assert.equal(clock.pendingTimers, 0);
  });

  it('refreshes on becoming visible only when the data is stale', async () => {
    start({ viewVisible: true });
    await run(3_000);
    poller!.setViewVisible(false);
    assert.equal(clock.pendingTimers, 0);
    await run(2_000);
    poller!.setViewVisible(true); // 5 s old: fresh enough
    await run(0);
    assert.equal(listCalls(), 1);
    await run(5_000);
    assert.equal(listCalls(), 2); // due at 10 s
    poller!.setViewVisible(false);
    await run(30_000);
    poller!.setViewVisible(true); // 30 s old: stale
    await run(0);
    assert.equal(listCalls(), 3);
  });

  it('refreshes on regaining focus when the data is older than the focused interval', async () => {
    start({ viewVisible: true, windowFocused: false });
    await run(15_000);
    assert.equal(listCalls(), 1); // next would be at 30 s
    poller!.setWindowFocused(true);
    await run(0);
    assert.equal(listCalls(), 2);
  });

  it('asks with the filter and with a limit covering the loaded runs', async () => {
    sim.reset();
    for (let index = 0; index < 60; index++) sim.addRun({ status: 'COMPLETE', sourceType: index % 2 === 0 ? 'API' : 'LOCAL' });
    start({ viewVisible: true });
    await run(0);
    await poller!.loadMore();
    assert.equal(store.size, 50);
    await run(30_000);
    const lists = sim.requests.filter((request) => request.path === RUNS_PATH);
    assert.deepEqual(
      lists.map((request) => [request.query['skip'], request.query['limit']]),
      [
        ['0', '25'],
        ['25', '25'],
        ['0', '50'],
      ],
    );
    poller!.setFilter({ scope: 'organization', sourceType: 'API' });
    await run(0);
    const last = sim.requests.filter((request) => request.path === RUNS_PATH).at(-1)!;
    assert.deepEqual(last.query, { skip: '0', limit: '25', source_type: 'API' });
    assert.ok(store.runs.every((r) => r.sourceType === 'API'));
  });

  it("asks for the user's id once when scope 'mine' has none", async () => {
    start({ viewVisible: true, userId: undefined });
    await run(30_000);
    assert.equal(sim.countRequests({ path: '/v1/users/me' }), 1);
    assert.ok(sim.requests.filter((request) => request.path === RUNS_PATH).every((request) => request.query['user_id'] === String(SIM.userId)));
  });

  it('starts over for another organization: the list empties and reloads from there', async () => {
    sim.addRun({ status: 'COMPLETE' });
    start({ viewVisible: true });
    await run(0);
    assert.equal(store.size, 1);
    poller!.setAccount({ orgId: SIM.otherOrgId, userId: SIM.userId });
    assert.equal(store.size, 0);
    await run(0);
    assert.equal(sim.countRequests({ path: `/v1/organizations/${SIM.otherOrgId}/agent/runs` }), 1);
    assert.equal(store.loaded, true);
    assert.equal(store.size, 0);
  });

  it('refreshes restored runs at once when the view is visible', async () => {
    sim.addRun({ status: 'COMPLETE' });
    const saved = { version: 2, filter: { scope: 'mine' }, runs: [{ id: 999, organizationId: 1, status: 'RUNNING', pullRequests: [] }], hasMore: false, createdHere: [], lastSuccessAt: clock.now() - 1_000, savedAt: 1 };
    store = new RunStore({ clock, storage: { load: () => Promise.resolve(saved), save: () => Promise.resolve() } });
    assert.equal(await store.restore(), true);
    start({ viewVisible: true });
    await run(0);
    assert.equal(listCalls(), 1);
    assert.deepEqual(store.runs.map((r) => r.status), ['COMPLETE']);
    assert.equal(poller!.effectiveIntervalMs, 30_000, 'catching up on restored runs is not news');
  });

  it('dispose clears every timer and aborts the request in flight', async () => {
    sim.injectFault({ kind: 'slow', path: 'agent/runs$', delayMs: 400 });
    start({ viewVisible: true });
    const refresh = poller!.refreshNow();
    // Wait (real time) until the simulator holds the request.
    for (let waited = 0; listCalls() === 0 && waited < 200; waited++) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(io.active, 1);
    poller!.dispose();
    await refresh;
    await settle([io]);
    assert.equal(io.active, 0);
    assert.equal(clock.pendingTimers, 0);
    assert.equal(store.size, 0);
    assert.notEqual(store.status.kind, 'error');
  });
});
