// Requests per minute the runs poller costs, against the simulator over real HTTP with the real client.
// Time is a FakeClock shared by the poller, the client and the simulator, advanced timer by timer while
// the real I/O completes in between, so ten simulated minutes take well under a second and counts are exact.
// Budget for the token: 60 requests per 30 s (standard class), shared by every VS Code window.

import type { CodegenClient } from '../../src/api/client';
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

  async openWindow(options: Partial<RunPollerOptions> & { maxReadRetries?: number; sharedLease?: boolean } = {}): Promise<Window> {
    const io = new IoTracker();
    const client = await simulatorClient(this.sim.url, this.clock, io, { maxReadRetries: options.maxReadRetries });
    const store = new RunStore({ clock: this.clock });
    if (options.sharedLease) this.dir ??= await tempDir('codegen-bench-');
    const { sharedLease, maxReadRetries: _retries, ...pollerOptions } = options;
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
      s.sim.addRun({ status: 'COMPLETE' });
      await s.openWindow({ viewVisible: false });
      const rate = await s.perMinute();
      return [
        row('idle, view hidden', rate, 'req/min', '0'),
        row('idle, view hidden: timers left', s.clock.pendingTimers, 'timers', '0'),
      ];
    })),
  );

  // The peer table (issue 12): the same definitions as the side-by-side measurement with the official
  // extension. Rates are over 10 simulated minutes, started right after the window opened.
  rows.push(
    ...(await measure(async (s) => {
      s.sim.addRun({ status: 'COMPLETE' });
      await s.openWindow({ viewVisible: true });
      return [row('nothing in progress, view visible, focused (peer 2.3)', await s.perMinute(), 'req/min', '<= 1')];
    })),
  );

  rows.push(
    ...(await measure(async (s) => {
      s.sim.addRun({ status: 'COMPLETE' });
      await s.openWindow({ viewVisible: true, windowFocused: false });
      return [row('nothing in progress, view visible, unfocused', await s.perMinute(), 'req/min', '<= 1')];
    })),
  );

  rows.push(
    ...(await measure(async (s) => {
      const seeded = s.sim.addRun({ prompt: 'One task', runDurationMs: 7 * MINUTE + 13_000 });
      const window = await s.openWindow({ viewVisible: false });
      await window.poller.refreshNow(); // as after a create
      s.sim.clearRequests();
      const finishesAt = Date.parse(String(s.sim.getRun(seeded.id)?.createdAt)) + 7 * MINUTE + 13_000;
      let noticedAt: number | undefined;
      window.store.onDidTransition((t) => {
        if (t.run.id === seeded.id && t.to === 'succeeded') noticedAt = s.clock.now();
      });
      await s.run(MINUTES * MINUTE);
      const rate = s.sim.countRequests({ path: RUNS_PATH, method: 'GET' }) / MINUTES;
      return [
        row('run in progress, view hidden (peer 0, no notifications)', rate, 'req/min', '<= 2'),
        row('run in progress, view hidden: finish noticed after', noticedAt === undefined ? 'never' : Math.round((noticedAt - finishesAt) / 1000), 's', '<= 30'),
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
