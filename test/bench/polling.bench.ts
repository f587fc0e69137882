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

  rows.push(
    ...(await measure(async (s) => {
      await s.openWindow({ viewVisible: true });
      await s.run(0);
      return [row('idle, view visible, focused', await s.perMinute(), 'req/min', '<= 6')];
    })),
  );

  rows.push(
    ...(await measure(async (s) => {
      await s.openWindow({ viewVisible: true, windowFocused: false });
      await s.run(0);
      return [row('idle, view visible, unfocused', await s.perMinute(), 'req/min', '<= 2')];
    })),
  );

  rows.push(
    ...(await measure(async (s) => {
      s.sim.addRun({ prompt: 'One task' });
      const window = await s.openWindow({ viewVisible: false });
      await window.poller.refreshNow();
      return [row('1 run in progress, view hidden', await s.perMinute(), 'req/min', '<= 6')];
    })),
  );

  rows.push(
    ...(await measure(async (s) => {
      for (let index = 0; index < 100; index++) s.sim.addRun({ prompt: `Task ${index}` });
      const window = await s.openWindow({ viewVisible: true });
      await window.poller.refreshNow();
      while (window.store.hasMore) await window.poller.loadMore();
      const rate = await s.perMinute();
      return [
        row('100 runs in progress, view visible', rate, 'req/min', '<= 6 (same as 1)'),
        row('100 runs in progress: runs shown', window.store.counts().running, 'runs', '100'),
      ];
    })),
  );

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

  rows.push(...(await measure(stormRows)));
  return rows;
}

/** Five minutes of 429 for every list call (Retry-After 1 s), with the client's default retries. */
async function stormRows(s: Scenario): Promise<BenchRow[]> {
  s.sim.addRun({ prompt: 'Busy task' });
  const window = await s.openWindow({ viewVisible: true });
  await s.run(MINUTE);
  s.sim.clearRequests();
  const stormStart = s.clock.now();
  s.sim.injectFault({ kind: 'rateLimit', path: 'agent/runs$', times: -1, retryAfterSeconds: 1 });
  await s.run(5 * MINUTE);
  const during = s.sim.requests.filter((request) => request.path === RUNS_PATH);
  const stormEnd = s.clock.now();
  s.sim.clearFaults();
  // Poll attempts: the client retries a 429 four times about 1 s apart; a gap over 5 s starts a new attempt.
  const attempts: number[] = [];
  for (const request of during) {
    const last = attempts.at(-1);
    if (last === undefined || request.at - last > 5_000) attempts.push(request.at);
    else attempts[attempts.length - 1] = request.at;
  }
  const gaps = attempts.slice(1).map((at, index) => Math.round((at - attempts[index]!) / 1000));
  const statusDuring = window.store.status.kind;
  const before = s.listCalls();
  await s.run(10 * MINUTE);
  const recovered = s.sim.requests.find((request) => request.path === RUNS_PATH && request.status === 200 && request.at >= stormEnd);
  return [
    row('429 storm (5 min): requests during it', during.length, 'requests'),
    row('429 storm: requests per minute', during.length / 5, 'req/min', '< 30 (no backoff: 6 attempts × 5)'),
    row('429 storm: poll attempts (client retries 4× each)', attempts.length, 'attempts'),
    row('429 storm: seconds between attempts', gaps.join(', '), 's', 'growing'),
    row('429 storm: view status during it', statusDuring, '', 'rateLimited'),
    row('429 storm: first success after it ended', recovered ? Math.round((recovered.at - stormEnd) / 1000) : 'never', 's', '<= 300 (backoff cap)'),
    row('429 storm: storm start to end', Math.round((stormEnd - stormStart) / 1000), 's'),
    row('after the storm: polling again', s.listCalls() > before ? 'yes' : 'no', '', 'yes'),
  ];
}
