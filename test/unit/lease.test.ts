// The shared polling budget: a lease file decides which window polls, a snapshot file carries its
// results to the others. Windows are simulated in one process: each has its own client, file-system
// wrapper and lease owner id, all on one FakeClock, in a temp folder.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { CodegenClient } from '../../src/api/client';
import { PollingLease, RunsSnapshotFile, type RunsSnapshot } from '../../src/runs/lease';
import { RunPoller, type RunPollerOptions } from '../../src/runs/poller';
import { slimRun } from '../../src/runs/persistence';
import { RunStore, type RunTransition } from '../../src/runs/runStore';
import { FakeClock } from '../../src/util/clock';
import { CodegenSimulator, SIM } from '../simulator/simulator';
import { type CrashableFileSystem, IoTracker, removeDir, runFor, simulatorClient, tempDir, trackedFs } from './runsHarness';

const RUNS_PATH = `/v1/organizations/${SIM.orgId}/agent/runs`;

describe('PollingLease', () => {
  let clock: FakeClock;
  let dir: string;
  let io: IoTracker;
  const leases: PollingLease[] = [];

  beforeEach(async () => {
    clock = new FakeClock();
    dir = await tempDir('codegen-lease-');
    io = new IoTracker();
  });

  afterEach(async () => {
    for (const lease of leases.splice(0)) lease.dispose();
    await runFor(clock, 1_000, [io]);
    await removeDir(dir);
  });

  function lease(ownerId: string, fileSystem: CrashableFileSystem = trackedFs(io)): PollingLease {
    const created = new PollingLease({ dir, ownerId, clock, renewMs: 5_000, fs: fileSystem });
    leases.push(created);
    return created;
  }

  /** Runs an async lease call to completion while the fake clock moves (the read-back waits on it). */
  async function settled<T>(operation: Promise<T>): Promise<T> {
    let done = false;
    const result = operation.finally(() => {
      done = true;
    });
    while (!done) await runFor(clock, 10, [io]);
    return result;
  }

  it('is held by one window at a time and passes on when released', async () => {
    const a = lease('window-a');
    const b = lease('window-b');
    assert.equal(await settled(a.tryAcquire()), true);
    assert.equal(await settled(b.tryAcquire()), false);
    assert.equal(a.isHeld, true);
    assert.equal(b.isHeld, false);
    await a.release();
    assert.equal(a.isHeld, false);
    assert.equal(await settled(b.tryAcquire()), true);
    assert.equal(await settled(a.tryAcquire()), false);
  });

  it('stays held past its TTL while the holder renews it', async () => {
    const a = lease('window-a');
    const b = lease('window-b');
    await settled(a.tryAcquire());
    await runFor(clock, 60_000, [io]);
    assert.equal(await settled(b.tryAcquire()), false);
    const record = await a.read();
    assert.equal(record?.ownerId, 'window-a');
    assert.ok(record.expiresAt > clock.now());
  });

  it('is taken over once its TTL passed after the holder died', async () => {
    const deadFs = trackedFs(io);
    const a = lease('window-a', deadFs);
    const b = lease('window-b');
    await settled(a.tryAcquire());
    await runFor(clock, 7_000, [io]); // renewed at 5 s: expires at 20 s
    deadFs.crash();
    a.dispose(); // its release cannot reach the disk: the lease stays until it expires
    await runFor(clock, 12_000, [io]);
    assert.equal(await settled(b.tryAcquire()), false, 'not before the TTL');
    await runFor(clock, 1_100, [io]);
    assert.equal(await settled(b.tryAcquire()), true, 'after the TTL');
  });

  it('treats an unreadable lease file as free', async () => {
    await fs.writeFile(path.join(dir, 'runs.lease.json'), '{"ownerId": 5, "expiresAt": "later"');
    const b = lease('window-b');
    assert.equal(await settled(b.tryAcquire()), true);
  });

  it('lets a focused window take over from an unfocused holder, which notices on its next renewal', async () => {
    const a = lease('window-a');
    const b = lease('window-b');
    a.setFocused(false);
    await settled(a.tryAcquire());
    const changes: boolean[] = [];
    a.onDidChangeHeld((held) => changes.push(held));
    b.setFocused(false);
    assert.equal(await settled(b.tryAcquire()), false, 'two unfocused windows: the holder keeps it');
    b.setFocused(true);
    assert.equal(await settled(b.tryAcquire()), true);
    await runFor(clock, 5_000, [io]);
    assert.equal(a.isHeld, false);
    assert.deepEqual(changes, [false]);
  });

  it('gives the lease to exactly one of two windows asking at the same moment', async () => {
    const a = lease('window-a');
    const b = lease('window-b');
    const [gotA, gotB] = await settled(Promise.all([a.tryAcquire(), b.tryAcquire()]));
    assert.equal(Number(gotA) + Number(gotB), 1);
  });
});

describe('RunsSnapshotFile', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await tempDir('codegen-snapshot-');
  });

  afterEach(async () => {
    await removeDir(dir);
  });

  const snapshot = (writtenAt: number): RunsSnapshot => ({
    version: 1,
    key: 'runs-1-u7-all',
    writerId: 'window-a',
    writtenAt,
    fetchedAt: writtenAt,
    requestedAt: writtenAt,
    runs: [{ id: 1, organizationId: 1, status: 'RUNNING', pullRequests: [] }],
    hasMore: false,
    status: { kind: 'idle' },
  });

  it('shows a reader each new snapshot once, and the writer none of its own', async () => {
    const writer = new RunsSnapshotFile({ dir, name: 'runs-1-u7-all' });
    const reader = new RunsSnapshotFile({ dir, name: 'runs-1-u7-all' });
    assert.equal(await reader.readIfChanged(), undefined);
    await writer.publish(snapshot(1));
    assert.deepEqual(await reader.readIfChanged(), snapshot(1));
    assert.equal(await reader.readIfChanged(), undefined);
    assert.equal(await writer.readIfChanged(), undefined);
    await writer.publish(snapshot(2));
    assert.equal((await reader.readIfChanged())?.writtenAt, 2);
  });

  it('ignores a corrupt snapshot', async () => {
    const reader = new RunsSnapshotFile({ dir, name: 'runs' });
    await fs.writeFile(reader.file, JSON.stringify({ ...snapshot(1), runs: [{ id: 'x' }] }));
    assert.equal(await reader.readIfChanged(), undefined);
    await fs.writeFile(reader.file, 'not json at all');
    assert.equal(await reader.read(), undefined);
  });
});

describe('RunPoller windows sharing one budget (simulator, fake clock)', function () {
  this.timeout(60_000);

  interface Window {
    io: IoTracker;
    fs: CrashableFileSystem;
    client: CodegenClient;
    store: RunStore;
    poller: RunPoller;
    transitions: RunTransition[];
  }

  let clock: FakeClock;
  let sim: CodegenSimulator;
  let dir: string;
  let windows: Window[];

  beforeEach(async () => {
    clock = new FakeClock();
    sim = await CodegenSimulator.start({ clock });
    dir = await tempDir('codegen-windows-');
    windows = [];
  });

  afterEach(async () => {
    for (const window of windows) window.poller.dispose();
    await runFor(clock, 1_000, trackers());
    for (const window of windows) {
      await window.poller.whenIdle();
      window.client.dispose();
    }
    await sim.stop();
    await removeDir(dir);
  });

  const trackers = (): IoTracker[] => windows.map((window) => window.io);
  const run = (ms: number): Promise<void> => runFor(clock, ms, trackers());
  const listRequests = () => sim.requests.filter((request) => request.path === RUNS_PATH);

  async function openWindow(name: string, options: Partial<RunPollerOptions> = {}): Promise<Window> {
    const io = new IoTracker();
    const fileSystem = trackedFs(io);
    const client = await simulatorClient(sim.url, clock, io, { maxReadRetries: 0 });
    const store = new RunStore({ clock });
    const transitions: RunTransition[] = [];
    store.onDidTransition((transition) => transitions.push(transition));
    const poller = new RunPoller({
      api: client,
      store,
      orgId: SIM.orgId,
      userId: SIM.userId,
      clock,
      random: () => 0.5,
      viewVisible: true,
      shared: { dir, ownerId: name, renewMs: 5_000, watchMs: 2_000, fs: fileSystem },
      ...options,
    });
    const window = { io, fs: fileSystem, client, store, poller, transitions };
    windows.push(window);
    return window;
  }

  /** Seconds between consecutive list calls: one window at a time never polls faster than the interval. */
  function gapsMs(): number[] {
    const times = listRequests().map((request) => request.at);
    return times.slice(1).map((at, index) => at - times[index]!);
  }

  it('lets one window poll while the other shows its results', async () => {
    sim.addRun({ prompt: 'Shared work', runDurationMs: 35_000 });
    const a = await openWindow('window-a');
    const b = await openWindow('window-b');
    await run(60_100);
    const polled = [a.io.requests, b.io.requests];
    assert.equal(polled[0]! + polled[1]!, listRequests().length);
    assert.ok(polled.includes(0), `one window made every request: ${polled.join(', ')}`);
    // 0 to 40 s every 10 s while the run is in progress (it ends at 35 s), 50 s after its end was seen, then
    // 30 s later as nothing changes (+ the 50 ms the lease takes to settle), as for one window.
    assert.equal(listRequests().length, 6, listRequests().map((request) => request.at % 100_000).join(', '));
    assert.ok(gapsMs().every((gap) => gap >= 10_000), gapsMs().join(', '));
    // The snapshot carries slim records: what the tree shows.
    assert.deepEqual(b.store.runs.map(slimRun), a.store.runs.map(slimRun));
    // Both windows saw the run finish, exactly once each.
    assert.deepEqual(a.transitions.map((t) => t.to), ['succeeded']);
    assert.deepEqual(b.transitions.map((t) => t.to), ['succeeded']);
  });

  it('passes the polling on when the holder dies, after the lease TTL', async () => {
    sim.addRun({ prompt: 'Long task', runDurationMs: 60 * 60_000 });
    const a = await openWindow('window-a');
    await run(0);
    const b = await openWindow('window-b');
    await run(25_000);
    assert.equal(a.io.requests, 3); // 0, 10, 20 s
    assert.equal(b.io.requests, 0);
    assert.equal(a.poller.isLeaseHolder, true);
    // Window A crashes: no more timers, no more writes; its lease file stays behind.
    a.fs.crash();
    a.poller.dispose();
    const crashedAt = clock.now();
    const leaseExpiry = crashedAt - 5_000 + 15_000; // renewed at 20 s, TTL 15 s
    await run(95_000);
    assert.equal(a.io.requests, 3);
    const fromB = listRequests().slice(3);
    assert.ok(fromB.length >= 8, `B polls after the takeover (${fromB.length})`);
    assert.equal(b.io.requests, fromB.length);
    const takeover = fromB[0]!.at;
    assert.ok(takeover >= leaseExpiry, 'not before the lease expired');
    assert.ok(takeover <= leaseExpiry + 2_000 + 100, 'within one snapshot check after it expired');
    assert.ok(gapsMs().every((gap) => gap >= 10_000), gapsMs().join(', '));
    assert.equal(b.poller.isLeaseHolder, true);
  });

  it('hands the polling to a focused window when the holder is unfocused', async () => {
    sim.addRun({ prompt: 'Long task', runDurationMs: 60 * 60_000 });
    const a = await openWindow('window-a', { windowFocused: false });
    await run(1_000);
    const b = await openWindow('window-b', { windowFocused: true });
    await run(60_000);
    assert.equal(a.io.requests, 1);
    // B's data is due 10 s after A's poll; B looks every 2 s from 1 s: it takes over at 11 s and
    // polls every 10 s from there (11, 21, 31, 41, 51 s), where A alone would have waited 30 s.
    assert.equal(b.io.requests, 5);
    assert.ok(gapsMs().every((gap) => gap >= 10_000 && gap <= 11_100), gapsMs().join(', '));
    assert.equal(a.poller.isLeaseHolder, false);
    assert.equal(b.poller.isLeaseHolder, true);
  });

  it('releases the lease when the holder no longer needs data, so a window that does takes over', async () => {
    const a = await openWindow('window-a');
    await run(0);
    const b = await openWindow('window-b');
    await run(15_000);
    a.poller.setViewVisible(false);
    await run(45_000);
    assert.equal(a.io.requests, 1); // 0 s; its next (quiet) poll would have been at 30 s
    // B's data is due 10 s after A's poll: B takes over within one snapshot check once A let the lease go
    // (15 s), then slows down like any window with nothing in progress: 16 s, 30 s later 46 s.
    assert.equal(b.io.requests, 2, `B took over (${b.io.requests})`);
    assert.ok(gapsMs().every((gap) => gap >= 10_000), gapsMs().join(', '));
    assert.ok((gapsMs()[0] ?? 0) <= 17_100, gapsMs().join(', '));
    assert.equal(gapsMs()[1], 30_000, gapsMs().join(', '));
  });

  it("backs off when the user's id cannot be had, without storming the service", async () => {
    sim.injectFault({ kind: 'status', status: 500, path: '^/v1/users/me$', times: -1 });
    const a = await openWindow('window-a', { userId: undefined });
    await run(60_000);
    // 0 s, then 15 s later (half of 20 s plus half jitter), then 30 s after that.
    assert.equal(sim.countRequests({ path: '/v1/users/me' }), 3);
    assert.equal(listRequests().length, 0);
    assert.equal(a.store.status.kind, 'failing');
  });

  it('stops every window and leaves no timer when no view is visible and nothing runs', async () => {
    const a = await openWindow('window-a');
    const b = await openWindow('window-b');
    await run(20_000);
    a.poller.setViewVisible(false);
    b.poller.setViewVisible(false);
    await run(60_000);
    const calls = listRequests().length;
    await run(5 * 60_000);
    assert.equal(listRequests().length, calls);
    assert.equal(clock.pendingTimers, 0);
    await fs.access(path.join(dir, `runs-${SIM.orgId}-u${SIM.userId}-all.snapshot.json`));
    await assert.rejects(fs.access(path.join(dir, `runs-${SIM.orgId}-u${SIM.userId}-all.lease.json`)), 'the lease was released');
  });
});
