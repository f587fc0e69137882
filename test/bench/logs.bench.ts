// The details panels' log polling against the window's budget: six windows, each with a panel open on a
// run that keeps logging, all visible and focused (the worst case: only one window can have focus, and an
// unfocused window does not poll logs at all). With the shared rate ledger the six stay within the logs
// limit together (60 per 60 s per token); without it they collide. FakeClock, real HTTP and files.

import type { CodegenClient } from '../../src/api/client';
import { RateGovernor } from '../../src/api/rateGovernor';
import { SharedRateLedger } from '../../src/api/sharedRateLedger';
import { RunSession } from '../../src/runDetails/runSession';
import { FakeClock } from '../../src/util/clock';
import { CodegenSimulator, SIM } from '../simulator/simulator';
import { IoTracker, removeDir, runFor, simulatorClient, tempDir, trackedFs } from '../unit/runsHarness';
import type { BenchRow } from './index';

const GROUP = 'logs polling';
const MINUTE = 60_000;
const WINDOWS = 6;
const LOGS_PATH = /\/logs$/;

async function scenario(shared: boolean, focused: boolean): Promise<{ requests: number; limited: number; perWindow: string }> {
  const clock = new FakeClock();
  const sim = await CodegenSimulator.start({ clock, runDurationMs: 60 * MINUTE });
  const dir = await tempDir('codegen-logs-bench-');
  const trackers: IoTracker[] = [];
  const sessions: RunSession[] = [];
  const clients: CodegenClient[] = [];
  const governors: RateGovernor[] = [];
  try {
    const seeded = sim.addRun({ prompt: 'A long task', logCount: 2_000 });
    for (let index = 0; index < WINDOWS; index++) {
      const io = new IoTracker();
      trackers.push(io);
      const ledger = shared ? new SharedRateLedger({ dir, clock, ownerId: `window-${index}`, fs: trackedFs(io) }) : undefined;
      const governor = new RateGovernor({ clock, random: () => 0.5, peers: ledger });
      governors.push(governor);
      const client = await simulatorClient(sim.url, clock, io, { governor });
      clients.push(client);
      const session = new RunSession(
        seeded.id,
        {
          getRun: () => undefined,
          onDidChangeRuns: () => ({ dispose: () => undefined }),
          refreshRun: (id, signal) => client.getRun(SIM.orgId, id, signal ? { signal } : {}),
          fetchLogs: (id, query, signal) => client.getRunLogs(SIM.orgId, id, query, signal ? { signal, retries: 'none' } : { retries: 'none' }),
          resume: () => Promise.reject(new Error('not in this bench')),
          banChecks: () => Promise.resolve(),
          unbanChecks: () => Promise.resolve(),
          removeFromPr: () => Promise.resolve(),
          log: { info: () => undefined, warn: () => undefined, error: () => undefined },
          windowFocus: { isFocused: () => focused, onDidChange: () => ({ dispose: () => undefined }) },
          clock,
          random: () => 0.5,
        },
        { post: () => undefined, isVisible: () => true, setTitle: () => undefined },
        {
          openExternal: () => Promise.resolve(),
          confirm: () => Promise.resolve(false),
          pickExportTarget: () => Promise.resolve(undefined),
          copyToClipboard: () => Promise.resolve(),
          withProgress: (_title, task) => task(() => undefined, new AbortController().signal),
        },
      );
      sessions.push(session);
      session.start();
      await session.handleMessage({ type: 'ready' });
      // Windows open a few seconds apart, as a person opens them.
      await runFor(clock, 3_000, trackers);
    }
    sim.clearRequests();
    await runFor(clock, 5 * MINUTE, trackers);
    const logs = sim.requests.filter((request) => LOGS_PATH.test(request.path));
    const perWindow = trackers.map((tracker) => tracker.requests).join('/');
    return { requests: logs.length / 5, limited: logs.filter((request) => request.status === 429).length, perWindow };
  } finally {
    for (const session of sessions) session.dispose();
    await runFor(clock, 1_000, trackers);
    for (const client of clients) client.dispose();
    for (const governor of governors) governor.dispose();
    await sim.stop();
    await removeDir(dir);
  }
}

export async function run(): Promise<BenchRow[]> {
  const shared = await scenario(true, true);
  const alone = await scenario(false, true);
  const unfocused = await scenario(true, false);
  return [
    { group: GROUP, name: `${WINDOWS} windows with a panel each, all focused, shared budget: 429s in 5 min`, value: shared.limited, unit: '429s', target: '0' },
    { group: GROUP, name: `${WINDOWS} windows, shared budget: log requests`, value: shared.requests, unit: 'req/min', target: '<= 60 (the limit)' },
    { group: GROUP, name: `${WINDOWS} windows, without the shared budget (for comparison): 429s in 5 min`, value: alone.limited, unit: '429s' },
    { group: GROUP, name: `${WINDOWS} windows, panels visible, windows unfocused: log requests`, value: unfocused.requests, unit: 'req/min', target: '0' },
  ];
}
