// Requests per minute the runs poller costs, against the simulator over real HTTP with the real client.
// Time is a FakeClock shared by the poller, the client and the simulator, advanced timer by timer while
// the real I/O completes in between, so ten simulated minutes take well under a second and counts are exact.
// Budget for the token: 60 requests per 30 s (standard class), shared by every VS Code window.
// The rows measure what a user sees (issue 19): they start when the window opens or the view is shown, not
// after the backoff has settled, and the list is a user's list: finished runs next to an old run with an
// unknown status and an old one with a null status (they are shown under Other and must cost nothing).

import type { CodegenClient } from '../../src/api/client';
import type { PersistedRuns, RunStorage } from '../../src/runs/persistence';
import { RunPoller, type RunPollerOptions } from '../../src/runs/poller';
import { RunStore } from '../../src/runs/runStore';
import { FakeClock } from '../../src/util/clock';
import { CodegenSimulator, SIM } from '../simulator/simulator';
import { IoTracker, removeDir, runFor, simulatorClient, tempDir, trackedFs } from '../unit/runsHarness';
import type { BenchRow } from './index';

const GROUP = 'runs polling';
const RUNS_PATH = `/v1/organizations/${SIM.orgId}/agent/runs`;
const MINUTES = 10;
const MINUTE = 60_000;

interface Window {
  io: IoTracker;
  client: CodegenClient;
  store: RunStore;
  poller: RunPoller;
}

class Scenario {
  readonly clock = new FakeClock();
  readonly windows: Window[] = [];
  sim!: CodegenSimulator;
  dir: string | undefined;

  async start(): Promise<void> {
    this.sim = await CodegenSimulator.start({ clock: this.clock, runDurationMs: 60 * MINUTE });
  }

  /** A user's list: finished runs, an old unknown-status run and an old null-status run (none in progress). */
  seedUserList(): void {
    const hoursAgo = (hours: number): number => this.clock.now() - hours * 60 * MINUTE;
    for (const hours of [3, 4, 5]) this.sim.addRun({ status: 'COMPLETE', createdAt: hoursAgo(hours) });
    this.sim.addRun({ status: 'weird_new_status', createdAt: hoursAgo(2) });
    this.sim.addRun({ nullStatus: true, createdAt: hoursAgo(2.5) });
  }

  async openWindow(options: Partial<RunPollerOptions> & { maxReadRetries?: number; sharedLease?: boolean; storage?: RunStorage } = {}): Promise<Window> {
    const io = new IoTracker();
    const client = await simulatorClient(this.sim.url, this.clock, io, { maxReadRetries: options.maxReadRetries });
    const store = new RunStore({ clock: this.clock, storage: options.storage });
    // A window that starts with saved runs shows them before its poller exists, as at activation.
    if (options.storage) await store.restore();
    if (options.sharedLease) this.dir ??= await tempDir('codegen-bench-');
    const { sharedLease, maxReadRetries: _retries, storage: _storage, ...pollerOptions } = options;
    const poller = new RunPoller({
      api: client,
      store,
      orgId: SIM.orgId,
      userId: SIM.userId,
      clock: this.clock,
      random: () => 0.5,
      shared: sharedLease && this.dir ? { dir: this.dir, ownerId: `window-${this.windows.length + 1}`, fs: trackedFs(io) } : undefined,
      ...pollerOptions,
    });
    const window = { io, client, store, poller };
    this.windows.push(window);
    return window;
  }

  run(ms: number): Promise<void> {
    return runFor(
      this.clock,
      ms,
      this.windows.map((window) => window.io),
    );
  }

  listCalls(): number {
    return this.sim.countRequests({ method: 'GET', path: RUNS_PATH });
  }

  /** Requests per minute over `minutes` of simulated time from now. */
  async perMinute(minutes = MINUTES): Promise<number> {
    this.sim.clearRequests();
    await this.run(minutes * MINUTE);
    return this.sim.requests.length / minutes;
  }

  async stop(): Promise<void> {
    for (const window of this.windows) window.poller.dispose();
    await this.run(1_000);
    for (const window of this.windows) {
      await window.poller.whenIdle();
      window.client.dispose();
    }
    await this.sim.stop();
    if (this.dir) await removeDir(this.dir);
  }
}

async function measure(body: (scenario: Scenario) => Promise<BenchRow[]>): Promise<BenchRow[]> {
  const scenario = new Scenario();
  await scenario.start();
  try {
    return await body(scenario);
  } finally {
    await scenario.stop();
  }
}

const row = (name: string, value: number | string, unit: string, target?: string): BenchRow =>
  target === undefined ? { group: GROUP, name, value, unit } : { group: GROUP, name, value, unit, target };

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];

  rows.push(
    ...(await measure(async (s) => {
      s.seedUserList();
      const window = await s.openWindow({ viewVisible: true });
      await s.run(5_000);
      window.poller.setViewVisible(false); // the list was shown once, then the view was hidden
      const rate = await s.perMinute();
      return [
        row('nothing in progress, view hidden (after the list was shown)', rate, 'req/min', '0'),
        row('nothing in progress, view hidden: timers left', s.clock.pendingTimers, 'timers', '0'),
      ];
    })),
  );

  rows.push(
    ...(await measure(async (s) => {
      s.seedUserList();
      let saved: PersistedRuns | undefined;
      const storage: RunStorage = { load: () => Promise.resolve(saved), save: (value) => Promise.resolve(void (saved = value)) };
      const first = await s.openWindow({ viewVisible: true, storage });
      await s.run(5_000);
      first.poller.dispose();
      if (!saved?.runs.length) throw new Error('the first window saved no runs');
      s.sim.clearRequests();
      // The next start: the saved list is restored and the view is hidden from the first moment.
      const window = await s.openWindow({ viewVisible: false, storage });
      const timersAtStart = s.clock.pendingTimers;
      await s.run(MINUTES * MINUTE);
      return [
        row(`start with the view hidden, ${window.store.size} saved runs restored: list requests in 10 min`, s.listCalls(), 'requests', '0'),
        row('start with the view hidden: timers at start / after 10 min', `${timersAtStart} / ${s.clock.pendingTimers}`, 'timers', '0 / 0'),
      ];
    })),
  );

  // From the moment the view is shown (the window opens with it visible); the peer figure (issue 12) is
  // the average over the first 10 minutes.
  rows.push(
    ...(await measure(async (s) => {
      s.seedUserList();
      s.sim.clearRequests();
      await s.openWindow({ viewVisible: true });
      await s.run(3 * MINUTE);
      const firstThree = s.listCalls();
      await s.run((MINUTES - 3) * MINUTE);
      const firstTen = s.listCalls() / MINUTES;
      const later = await s.perMinute();
      return [
        row('nothing in progress, view shown: requests in its first 3 min (the first included)', firstThree, 'requests', '<= 3'),
        row('nothing in progress, view visible, focused, first 10 min (peer 2.3)', firstTen, 'req/min', '<= 1'),
        row('nothing in progress, view visible, focused, minutes 10-20', later, 'req/min', '<= 0.5'),
      ];
    })),
  );

  rows.push(
    ...(await measure(async (s) => {
      s.seedUserList();
      await s.openWindow({ viewVisible: true, windowFocused: false });
      return [row('nothing in progress, view visible, unfocused, first 10 min', await s.perMinute(), 'req/min', '<= 1')];
    })),
  );

  rows.push(
    ...(await measure(async (s) => {
      s.seedUserList();
      const seeded = s.sim.addRun({ prompt: 'One task', runDurationMs: 7 * MINUTE + 13_000 });
      const window = await s.openWindow({ viewVisible: false });
      await window.poller.refreshNow(); // as after a create
      s.sim.clearRequests();
      const startedAt = s.clock.now();
      const finishesAt = Date.parse(String(s.sim.getRun(seeded.id)?.createdAt)) + 7 * MINUTE + 13_000;
      let noticedAt: number | undefined;
      window.store.onDidTransition((t) => {
        if (t.run.id === seeded.id && t.to === 'succeeded') noticedAt = s.clock.now();
      });
      await s.run(MINUTES * MINUTE);
      // While it runs (up to the poll that saw it end), and after: nothing once it ended.
      const following = noticedAt === undefined ? undefined : s.sim.requests.filter((r) => r.path === RUNS_PATH && r.at <= noticedAt!).length / ((noticedAt - startedAt) / MINUTE);
      const after = noticedAt === undefined ? undefined : s.sim.requests.filter((r) => r.path === RUNS_PATH && r.at > noticedAt!).length;
      return [
        row('run in progress, view hidden, while it runs (peer 0, no notifications)', following ?? 'never ended', 'req/min', '<= 2'),
        row('run in progress, view hidden: finish noticed after', noticedAt === undefined ? 'never' : Math.round((noticedAt - finishesAt) / 1000), 's', '<= 30'),
        row('run in progress, view hidden: requests after its end was noticed (10 min in all)', after ?? 'never ended', 'requests', '0'),
      ];
    })),
  );

  for (const runs of [1, 100]) {
    rows.push(
      ...(await measure(async (s) => {
        for (let index = 0; index < runs; index++) s.sim.addRun({ prompt: `Task ${index}` });
        const window = await s.openWindow({ viewVisible: true });
        await window.poller.refreshNow();
        while (window.store.hasMore) await window.poller.loadMore();
        const rate = await s.perMinute();
        return [row(`run in progress, view visible (peer 2): ${runs} run${runs > 1 ? 's' : ''} shown`, rate, 'req/min', '<= 6, flat')];
      })),
    );
  }

  rows.push(...(await measure(stormRows)));

  for (const shared of [true, false]) {
    rows.push(
      ...(await measure(async (s) => {
        s.sim.addRun({ prompt: 'Shared task' });
        for (let index = 0; index < 3; index++) await s.openWindow({ viewVisible: true, sharedLease: shared });
        const rate = await s.perMinute();
        const polling = s.windows.filter((window) => window.io.requests > 0).length;
        const shown = s.windows.map((window) => window.store.size).join('/');
        return shared
          ? [
              row('3 windows, shared lease', rate, 'req/min', '<= 6 (same as 1)'),
              row('3 windows, shared lease: windows that polled', polling, 'windows', '1'),
              row('3 windows, shared lease: runs shown per window', shown, 'runs', '1/1/1'),
            ]
          : [row('3 windows, no lease (for comparison)', rate, 'req/min')];
      })),
    );
  }
  return rows;
}

/** 60 s of 429 without Retry-After for every list call, a run in progress and the view visible. */
async function stormRows(s: Scenario): Promise<BenchRow[]> {
  s.sim.configure({ retryAfter: false });
  s.sim.addRun({ prompt: 'Busy task' });
  const window = await s.openWindow({ viewVisible: true });
  await s.run(MINUTE + 3_000);
  const shown = window.store.runs.map((run) => run.id).join(',');
  s.sim.clearRequests();
  s.sim.injectFault({ kind: 'rateLimit', path: 'agent/runs$', times: -1, retryAfterSeconds: null });
  await s.run(MINUTE);
  const during = s.sim.requests.filter((request) => request.path === RUNS_PATH).length;
  const kept = window.store.runs.map((run) => run.id).join(',') === shown && shown !== '';
  const statusDuring = window.store.status.kind;
  const stormEnd = s.clock.now();
  s.sim.clearFaults();
  await s.run(2 * MINUTE);
  const recovered = s.sim.requests.find((request) => request.path === RUNS_PATH && request.status === 200 && request.at >= stormEnd);
  return [
    row('60 s of 429 without Retry-After, run in progress (peer n/a)', during, 'req/min', '<= 4'),
    row('60 s of 429: the tree kept', kept ? 'yes' : 'no', '', 'yes'),
    row('60 s of 429: view status during it', statusDuring, '', 'rateLimited'),
    row('60 s of 429: first success after it ended', recovered ? Math.round((recovered.at - stormEnd) / 1000) : 'never', 's', '<= 15'),
  ];
}
