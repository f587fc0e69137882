// A burst of 200 reads and 30 creates through one CodegenClient against the simulator (real HTTP, real
// per-token limits), once with the rate governor on and once with its budget off, for comparison.
//
// Time scaling: 30 creates at 10/min need minutes of real time, so the simulator, the client and its governor
// share a ScaledClock whose now() runs SCALE times faster than real time and whose timers wait 1/SCALE of
// their delay. Rate windows, Retry-After and backoff are all in simulated time; "real" rows are wall time.

import type { Clock, TimerHandle } from '../../src/util/clock';
import { CodegenClient } from '../../src/api/client';
import { DOCUMENTED_RATE_LIMITS, RATE_CLASSES, RateGovernor, type RateWaitEvent } from '../../src/api/rateGovernor';
import type { RateClass } from '../../src/api/types';
import { CodegenSimulator, SIM } from '../simulator/simulator';
import type { BenchRow } from './index';

const SCALE = 20;
const READS = 200;
const CREATES = 30;

/** A clock running `scale` times faster than the system clock. */
class ScaledClock implements Clock {
  private readonly realStart = Date.now();
  private readonly simulatedStart = Date.now();
  private nextId = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  constructor(private readonly scale: number) {}

  now(): number {
    return this.simulatedStart + Math.round((Date.now() - this.realStart) * this.scale);
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        callback();
      },
      Math.max(0, delayMs) / this.scale,
    );
    this.timers.set(id, timer);
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    clearTimeout(this.timers.get(handle.id));
    this.timers.delete(handle.id);
  }

  get pending(): number {
    return this.timers.size;
  }
}

/** Most requests of the class the simulator accepted within any window of its limit's length. */
function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

async function burst(label: string, enforceBudget: boolean): Promise<BenchRow[]> {
  const clock = new ScaledClock(SCALE);
  const sim = await CodegenSimulator.start({ seed: 1, clock });
  const governor = new RateGovernor({ clock, enforceBudget });
  const waits: RateWaitEvent[] = [];
  const subscription = governor.onDidWait((event) => waits.push(event));
  const client = new CodegenClient({
    baseUrl: sim.url,
    getToken: () => SIM.token,
    clock,
    governor,
    // The default 15 s is simulated time, i.e. 0.75 s of wall time at 20x: keep 15 s of wall time instead.
    timeoutMs: 15_000 * SCALE,
  });
  try {
    const runIds = Array.from({ length: 10 }, (_, i) => sim.addRun({ organizationId: SIM.orgId, status: i % 2 ? 'COMPLETE' : undefined }).id);
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < READS; i++) {
      const runId = runIds[i % runIds.length]!;
      if (i % 4 === 3) calls.push(client.getRunLogs(SIM.orgId, runId, { limit: 20 }));
      else if (i % 10 === 0) calls.push(client.listRuns(SIM.orgId, { limit: 20 }));
      else calls.push(client.getRun(SIM.orgId, runId));
    }
    for (let i = 0; i < CREATES; i++) calls.push(client.createRun(SIM.orgId, { prompt: `bench ${i}` }));

    const realStarted = Date.now();
    const simulatedStarted = clock.now();
    const outcomes = await Promise.allSettled(calls);
    const realMs = Date.now() - realStarted;
    const simulatedMs = clock.now() - simulatedStarted;

    const failures = outcomes.filter((outcome) => outcome.status === 'rejected').length;
    const rows: BenchRow[] = [];
    const group = `api-burst ${label}`;
    for (const rateClass of RATE_CLASSES) {
      const limit = DOCUMENTED_RATE_LIMITS[rateClass];
      const reached = sim.requests.filter((request) => request.rateClass === rateClass);
      const accepted = reached.filter((request) => request.status !== 429 && request.status !== 0).map((request) => request.at);
      const sent = reached.map((request) => request.at);
      rows.push({
        group,
        name: `${rateClass}: max sent in any ${limit.windowMs / 1000} s window`,
        value: maxInAnyWindow(sent, limit.windowMs),
        unit: 'req',
        target: enforceBudget ? `<= ${limit.requests}` : `(limit ${limit.requests})`,
      });
      rows.push({
        group,
        name: `${rateClass}: max accepted in any ${limit.windowMs / 1000} s window`,
        value: maxInAnyWindow(accepted, limit.windowMs),
        unit: 'req',
        target: `<= ${limit.requests}`,
      });
    }
    const requestsOf = (rateClass: RateClass): number => sim.countRequests({ rateClass });
    rows.push({ group, name: 'HTTP requests (create/standard/logs)', value: `${requestsOf('create')}/${requestsOf('standard')}/${requestsOf('logs')}`, target: `${CREATES}/${READS - READS / 4}/${READS / 4} calls` });
    rows.push({ group, name: '429 received', value: sim.countRequests({ status: 429 }), target: enforceBudget ? '0' : '> 0 expected' });
    rows.push({ group, name: 'calls failed', value: failures, target: '0' });
    const waitsBy = (reason: RateWaitEvent['reason']): number => waits.filter((wait) => wait.reason === reason).length;
    rows.push({ group, name: 'governor waits (budget/retryAfter/backoff)', value: `${waitsBy('budget')}/${waitsBy('retryAfter')}/${waitsBy('backoff')}` });
    rows.push({ group, name: 'total time (simulated)', value: simulatedMs / 1000, unit: 's' });
    rows.push({ group, name: `total time (real, clock scaled ${SCALE}x)`, value: realMs / 1000, unit: 's' });
    return rows;
  } finally {
    subscription.dispose();
    client.dispose();
    governor.dispose();
    await sim.stop();
  }
}

export async function run(): Promise<BenchRow[]> {
  const on = await burst('(governor on)', true);
  const off = await burst('(governor off)', false);
  const note: BenchRow = {
    group: 'api-burst',
    name: `${READS} reads + ${CREATES} creates at once; simulator and client clocks run ${SCALE}x real time`,
    value: `${SCALE}x`,
  };
  return [note, ...on, ...off];
}
