// Test and bench support for the runs poller: drives a FakeClock while real I/O (HTTP to the simulator,
// lease files) completes between timers. Every fetch and file operation goes through an IoTracker, so
// "settled" means: nothing is in flight except waits on the fake clock.

import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodegenClient, type FetchLike } from '../../src/api/client';
import type { RateGovernor } from '../../src/api/rateGovernor';
import type { FakeClock } from '../../src/util/clock';
import { nodeFileSystem, type LeaseFileSystem } from '../../src/util/files';
import { SIM } from '../simulator/simulator';

export class IoTracker {
  active = 0;
  /** Requests sent through fetches made by this tracker. */
  requests = 0;

  async track<T>(operation: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await operation();
    } finally {
      this.active--;
    }
  }
}

/** node-fetch, loaded before any tracked request (an ESM import is real I/O; Node caches the module). */
export async function loadNodeFetch(): Promise<FetchLike> {
  const module = await import('node-fetch');
  return module.default;
}

/** A fetch whose request and body read are both tracked. */
export async function trackedFetch(tracker: IoTracker): Promise<FetchLike> {
  const fetch = await loadNodeFetch();
  return (url, init) =>
    tracker.track(async () => {
      tracker.requests++;
      const response = await fetch(url, init);
      return {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        text: () => tracker.track(() => response.text()),
      };
    });
}

export interface CrashableFileSystem extends LeaseFileSystem {
  /** After this, every operation fails: the window is dead and writes nothing. */
  crash(): void;
}

export function trackedFs(tracker: IoTracker): CrashableFileSystem {
  let crashed = false;
  const wrap =
    <A extends unknown[], R>(operation: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      tracker.track(() => (crashed ? Promise.reject(new Error('window crashed')) : operation(...args)));
  return {
    readFile: wrap(nodeFileSystem.readFile),
    writeFile: wrap(nodeFileSystem.writeFile),
    rename: wrap(nodeFileSystem.rename),
    unlink: wrap(nodeFileSystem.unlink),
    stat: wrap(nodeFileSystem.stat),
    mkdir: wrap(nodeFileSystem.mkdir),
    readdir: wrap(nodeFileSystem.readdir!),
    crash: () => {
      crashed = true;
    },
  };
}

/** Waits until no tracked I/O has been in flight for a few event-loop turns. */
export async function settle(trackers: readonly IoTracker[]): Promise<void> {
  let quietTurns = 0;
  for (let turn = 0; quietTurns < 3; turn++) {
    if (turn > 20_000) throw new Error('I/O did not settle');
    await new Promise<void>((resolve) => setImmediate(resolve));
    const busy = trackers.some((tracker) => tracker.active > 0);
    if (busy) {
      quietTurns = 0;
      // Real network I/O: give it a moment of real time instead of spinning.
      await new Promise<void>((resolve) => setTimeout(resolve, 1));
    } else {
      quietTurns++;
    }
  }
}

/** Moves the fake clock forward by ms, one timer at a time, letting I/O finish after each. */
export async function runFor(clock: FakeClock, ms: number, trackers: readonly IoTracker[]): Promise<void> {
  const end = clock.now() + ms;
  for (let step = 0; ; step++) {
    if (step > 100_000) throw new Error('too many timers: a timer storm?');
    await settle(trackers);
    const delay = clock.nextTimerDelay();
    if (delay === undefined || clock.now() + delay > end) break;
    await clock.advance(delay);
  }
  await clock.advance(end - clock.now());
  await settle(trackers);
}

/** A client for the simulator whose I/O is tracked and whose waits run on the fake clock. */
export async function simulatorClient(
  url: string,
  clock: FakeClock,
  tracker: IoTracker,
  options: { token?: () => string; maxReadRetries?: number; governor?: RateGovernor } = {},
): Promise<CodegenClient> {
  return new CodegenClient({
    baseUrl: url,
    getToken: options.token ?? (() => SIM.token),
    fetch: await trackedFetch(tracker),
    clock,
    random: () => 0.5,
    maxReadRetries: options.maxReadRetries,
    governor: options.governor,
  });
}

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}
