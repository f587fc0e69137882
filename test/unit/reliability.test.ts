// The reliability defects of the runs list, each against the simulator over real HTTP with a FakeClock
// shared by the poller, the client and the simulator: a 429 storm, a hole in the list, a skewed lease,
// bounded snapshots, unknown statuses, activation restoring (not wiping) the saved runs, and listener
// errors. Counts of requests are asserted, never durations.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import type { CodegenClient } from '../../src/api/client';
import { parseRun } from '../../src/api/schemas';
import type { AgentRun } from '../../src/api/types';
import { AccountRuns, type AccountState } from '../../src/runs/accountRuns';
import { PollingLease, RunsSnapshotFile } from '../../src/runs/lease';
import { accountKey, parsePersistedRuns, RunsCache, SNAPSHOT_BYTE_BUDGET } from '../../src/runs/persistence';
import { RunPoller } from '../../src/runs/poller';
import { groupOf, UNKNOWN_FOLLOW_MAX_AGE_MS } from '../../src/runs/runModel';
import { RunStore, type RunTransition } from '../../src/runs/runStore';
import { FakeClock, flushMicrotasks, systemClock } from '../../src/util/clock';
import { Emitter } from '../../src/util/events';
import { CodegenSimulator, SIM, WEIRD_STATUS } from '../simulator/simulator';
import { IoTracker, removeDir, runFor, simulatorClient, tempDir } from './runsHarness';

const RUNS_PATH = `/v1/organizations/${SIM.orgId}/agent/runs`;

describe('Reliability of the runs list (simulator, fake clock)', function () {
  this.timeout(60_000);

  let clock: FakeClock;
  let sim: CodegenSimulator;
  let io: IoTracker;
  let client: CodegenClient;
  let store: RunStore;
  let poller: RunPoller | undefined;

  beforeEach(async () => {
    clock = new FakeClock();
    sim = await CodegenSimulator.start({ clock });
    io = new IoTracker();
    client = await simulatorClient(sim.url, clock, io);
    store = new RunStore({ clock });
  });

  afterEach(async () => {
    poller?.dispose();
    await poller?.whenIdle();
    poller = undefined;
    client.dispose();
    await sim.stop();
  });

  const listCalls = (): number => sim.countRequests({ method: 'GET', path: RUNS_PATH });
  const run = (ms: number): Promise<void> => runFor(clock, ms, [io]);
  const start = (options: Partial<ConstructorParameters<typeof RunPoller>[0]> = {}): RunPoller =>
    (poller = new RunPoller({ api: client, store, orgId: SIM.orgId, userId: SIM.userId, clock, random: () => 0.5, ...options }));

  it('60 s of 429 without Retry-After, a run in progress: at most 4 list calls, the tree kept, back within 15 s', async () => {
    sim.configure({ retryAfter: false });
    sim.addRun({ prompt: 'Long task', runDurationMs: 60 * 60_000 });
    start({ viewVisible: true });
    await run(0);
    const shown = store.runs.map((r) => r.id);
    assert.equal(shown.length, 1);
    await run(5_000);
    sim.injectFault({ kind: 'rateLimit', path: 'agent/runs$', times: -1, retryAfterSeconds: null });
    const stormStart = clock.now();
    sim.clearRequests();
    await run(60_000);
    const during = listCalls();
    assert.ok(during <= 4, `${during} list calls during the storm`);
    assert.equal(sim.countRequests({ path: RUNS_PATH, status: 200 }), 0);
    assert.equal(store.status.kind, 'rateLimited');
    assert.deepEqual(store.runs.map((r) => r.id), shown, 'the tree is kept');
    sim.clearFaults();
    const stormEnd = clock.now();
    assert.equal(stormEnd - stormStart, 60_000);
    await run(15_000);
    const recovered = sim.requests.find((r) => r.path === RUNS_PATH && r.status === 200);
    assert.ok(recovered, 'a successful poll within 15 s of the storm ending');
    assert.ok(recovered.at - stormEnd <= 15_000);
    assert.deepEqual(store.status, { kind: 'idle' });
  });

  it('no hole in the list: 40 runs started while polling was idle are paged in, and "Load more" asks for the right offset', async () => {
    for (let i = 0; i < 30; i++) sim.addRun({ status: 'COMPLETE', createdAt: clock.now() - (60 - i) * 60_000 });
    start({ viewVisible: true });
    await run(0);
    assert.equal(store.size, 25);
    const held = store.runs.map((r) => r.id);
    poller!.setViewVisible(false); // idle: no timer at all
    await run(10 * 60_000);
    for (let i = 0; i < 40; i++) sim.addRun({ status: 'COMPLETE', createdAt: clock.now() - (40 - i) * 1_000 });
    sim.clearRequests();
    poller!.setViewVisible(true);
    await run(0);
    // The first page (25 of the new runs) did not reach the held runs: the poll read on until it did.
    assert.equal(listCalls(), 2);
    const ids = store.runs.map((r) => r.id);
    const all = async (): Promise<number[]> => (await client.listRuns(SIM.orgId, { skip: 0, limit: 100, userId: SIM.userId })).items.map((r) => r.id);
    sim.clearRequests();
    const newest = (await all()).slice(0, ids.length);
    assert.deepEqual(ids, newest, 'the held list is the newest runs, contiguous, without a hole');
    assert.ok(held.every((id) => ids.includes(id)), 'the runs held before are still there');
    assert.equal(store.hasMore, true);
    sim.clearRequests();
    await poller!.loadMore();
    const more = sim.requests.find((r) => r.path === RUNS_PATH)!;
    assert.equal(more.query['skip'], String(ids.length));
    assert.deepEqual(store.runs.map((r) => r.id), (await all()).slice(0, store.size));
  });

  it('a lease that expires further ahead than one lifetime is treated as expired (clock skew, a damaged file)', async () => {
    const dir = await tempDir('codegen-skew-');
    try {
      // Real time here: the lease settles for a few milliseconds after writing.
      const skewed = new PollingLease({ dir, ownerId: 'window-ahead', clock: systemClock, renewMs: 5_000 });
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(skewed.file, JSON.stringify({ ownerId: 'window-ahead', expiresAt: Date.now() + 24 * 60 * 60_000, focused: true }));
      const other = new PollingLease({ dir, ownerId: 'window-b', clock: systemClock, renewMs: 5_000, settleMs: 1 });
      assert.equal(await other.tryAcquire(), true, 'a lease claiming a day is not live');
      // One lifetime ahead is still live for others.
      await fs.writeFile(skewed.file, JSON.stringify({ ownerId: 'window-ahead', expiresAt: Date.now() + other.ttlMs - 1_000, focused: true }));
      const third = new PollingLease({ dir, ownerId: 'window-c', clock: systemClock, renewMs: 5_000, settleMs: 1 });
      assert.equal(await third.tryAcquire(), false);
      other.dispose();
      third.dispose();
      skewed.dispose();
    } finally {
      await removeDir(dir);
    }
  });

  it('the shared snapshot is bounded: slim records, at most 100 runs, within its byte budget', async () => {
    const dir = await tempDir('codegen-snapshot-');
    try {
      const file = new RunsSnapshotFile({ dir, name: 'runs' });
      const big = (id: number): AgentRun => ({ id, organizationId: 1, status: 'COMPLETE', result: 'r'.repeat(50_000), summary: 's'.repeat(5_000), metadata: { title: `Run ${id}`, blob: 'x'.repeat(10_000) }, pullRequests: [] });
      await file.publish({ version: 1, key: 'runs', writerId: 'a', writtenAt: 1, runs: Array.from({ length: 300 }, (_, i) => big(1000 - i)), hasMore: false, status: { kind: 'idle' } });
      const bytes = (await fs.stat(file.file)).size;
      assert.ok(bytes <= SNAPSHOT_BYTE_BUDGET, `${bytes} bytes`);
      const read = await new RunsSnapshotFile({ dir, name: 'runs' }).read();
      assert.ok(read && read.runs.length > 0 && read.runs.length <= 100);
      assert.equal(read.runs[0]!.id, 1000, 'the newest runs are kept');
      assert.equal(read.runs[0]!.result, undefined, 'no result in a slim record');
      assert.deepEqual(read.runs[0]!.metadata, { title: 'Run 1000' });
      assert.equal(read.hasMore, true);
    } finally {
      await removeDir(dir);
    }
  });

  it('an unknown status on a young run is shown as sent, under Other, and followed like a run in progress until 30 min after its created_at', async () => {
    const seeded = sim.addRun({ status: WEIRD_STATUS });
    start({ viewVisible: false });
    await poller!.refreshNow();
    assert.equal(store.get(seeded.id)?.status, WEIRD_STATUS);
    assert.equal(groupOf(store.get(seeded.id)!), 'other');
    assert.equal(store.hasRunToFollow(), true);
    sim.clearRequests();
    await run(60_000);
    assert.equal(listCalls(), 2, 'followed every 30 s with the view hidden');
    // It reaches a known status: noticed, and polling ends.
    sim.setRunStatus(seeded.id, 'COMPLETE');
    await run(30_000);
    assert.equal(store.get(seeded.id)?.status, 'COMPLETE');
    const calls = listCalls();
    await run(10 * 60_000);
    assert.equal(listCalls(), calls);
    // A young run stuck in an unknown status is given up once it is 30 min old, however recently it was first seen.
    const stuck = sim.addRun({ status: 'SOMETHING_NEW', createdAt: clock.now() - 20 * 60_000 });
    await poller!.refreshNow();
    assert.equal(store.hasRunToFollow(), true);
    sim.clearRequests();
    await run(UNKNOWN_FOLLOW_MAX_AGE_MS);
    assert.equal(store.get(stuck.id)?.status, 'SOMETHING_NEW');
    assert.equal(listCalls(), 19, 'every 30 s while younger than 30 min: 30 s to 9.5 min after it was first seen');
    await run(10 * 60_000);
    assert.equal(listCalls(), 19, 'no polling for a stuck unknown status once the run is old');
    assert.equal(clock.pendingTimers, 0);
  });

  it('an old run with an unknown status costs nothing: no list call and no timer with the view hidden', async () => {
    sim.addRun({ status: 'COMPLETE', createdAt: clock.now() - 3 * 60 * 60_000 });
    const old = sim.addRun({ status: 'weird_new_status', createdAt: clock.now() - 2 * 60 * 60_000 });
    const justOld = sim.addRun({ status: 'SOMETHING_NEW', createdAt: clock.now() - UNKNOWN_FOLLOW_MAX_AGE_MS });
    const future = sim.addRun({ status: 'SOMETHING_NEW', createdAt: clock.now() + 2 * 60 * 60_000 });
    start({ viewVisible: false });
    await poller!.refreshNow(); // as the view showed it once
    assert.deepEqual([old, justOld, future].map((r) => groupOf(store.get(r.id)!)), ['other', 'other', 'other']);
    assert.equal(store.hasRunToFollow(), false);
    assert.equal(poller!.nextPollAt, undefined);
    sim.clearRequests();
    await run(60 * 60_000);
    assert.equal(listCalls(), 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('a null status is shown as unknown and followed only on a young run: not without a created_at, not on an old one', async () => {
    const seeded = sim.addRun({ prompt: 'x' });
    sim.injectFault({ kind: 'nullFields', path: 'agent/runs$', times: 1 });
    start({ viewVisible: false });
    await poller!.refreshNow();
    const held = store.get(seeded.id);
    assert.ok(held);
    assert.equal(held.status, undefined);
    assert.equal(held.createdAt, undefined);
    assert.equal(groupOf(held), 'other');
    assert.equal(store.hasRunToFollow(), false, 'no created_at: not followed');
    sim.setRunStatus(seeded.id, 'COMPLETE');
    const old = sim.addRun({ nullStatus: true, createdAt: clock.now() - 2 * 60 * 60_000 });
    await poller!.refreshNow();
    assert.equal(store.get(old.id)?.status, undefined);
    assert.equal(store.hasRunToFollow(), false, 'an old run: not followed');
    const young = sim.addRun({ nullStatus: true, createdAt: clock.now() - 60_000 });
    await poller!.refreshNow();
    assert.equal(store.get(young.id)?.status, undefined);
    assert.equal(store.hasRunToFollow(), true, 'a young run: followed');
    sim.clearRequests();
    await run(60_000);
    assert.equal(listCalls(), 2);
  });

  it('a listener that throws goes to the given sink, and the other listeners still run', () => {
    const errors: unknown[] = [];
    const withSink = new RunStore({ clock, onListenerError: (error) => errors.push(error) });
    let reached = false;
    withSink.onDidChange(() => {
      throw new Error('listener bug');
    });
    withSink.onDidChange(() => (reached = true));
    withSink.upsert({ id: 1, organizationId: 1, pullRequests: [] });
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /listener bug/);
    assert.equal(reached, true);
    const emitter = new Emitter<number>((error) => errors.push(error));
    emitter.event(() => {
      throw new Error('second');
    });
    emitter.fire(1);
    assert.equal(errors.length, 2);
  });
});

describe('AccountRuns: activation restores, then reconciles (simulator, fake clock)', function () {
  this.timeout(30_000);

  let clock: FakeClock;
  let sim: CodegenSimulator;
  let io: IoTracker;
  let client: CodegenClient;
  let dir: string;

  beforeEach(async () => {
    clock = new FakeClock();
    sim = await CodegenSimulator.start({ clock });
    io = new IoTracker();
    client = await simulatorClient(sim.url, clock, io);
    dir = await tempDir('codegen-account-');
  });

  afterEach(async () => {
    client.dispose();
    await sim.stop();
    await removeDir(dir);
  });

  function memento(): { value: Record<string, unknown>; get(key: string): unknown; update(key: string, value: unknown): Promise<void> } {
    const value: Record<string, unknown> = {};
    return { value, get: (key) => value[key], update: (key, next) => Promise.resolve(void (value[key] = structuredClone(next))) };
  }

  function open(state: ReturnType<typeof memento>, visible = false): { store: RunStore; account: AccountRuns } {
    const store = new RunStore({ clock });
    const account = new AccountRuns({
      api: client,
      store,
      cache: new RunsCache({ load: () => state.get('cache'), save: (v) => state.update('cache', v) }),
      filterStorage: { load: () => state.get('filter'), save: (f) => state.update('filter', f) },
      clock,
      intervalSeconds: () => 10,
      viewVisible: () => visible,
      windowFocused: () => true,
      onError: () => undefined,
      onInfo: () => undefined,
    });
    return { store, account };
  }

  const signedIn: AccountState = { initialized: true, signedIn: true, baseUrl: 'http://sim', organizationId: SIM.orgId, userId: SIM.userId, tokenGeneration: 1 };
  const savedAccounts = (state: ReturnType<typeof memento>): Record<string, unknown> => (state.value['cache'] as { accounts: Record<string, unknown> } | undefined)?.accounts ?? {};
  const savedIds = (state: ReturnType<typeof memento>, key: string): { runs: number[]; createdHere: number[] } | undefined => {
    const saved = parsePersistedRuns(savedAccounts(state)[key]);
    return saved && { runs: saved.runs.map((r) => r.id), createdHere: saved.createdHere };
  };
  const finished = (id: number): AgentRun => ({ id, organizationId: SIM.orgId, status: 'COMPLETE', pullRequests: [] });

  it('a state from before the token was read wipes nothing; an offline start shows the saved runs; a run created here that finished while closed notifies', async () => {
    const state = memento();
    // Session 1: a run is created here and is in progress when VS Code closes.
    const first = open(state);
    await first.account.update(signedIn);
    const created = parseRun(sim.addRunJson({ prompt: 'Created here', runDurationMs: 30_000 }));
    first.account.setFilter({ scope: 'organization' });
    first.store.upsert(created, { createdHere: true });
    await first.store.flush();
    first.account.dispose();
    const saved = JSON.stringify(state.value);

    // Session 2 starts: the session has not read its token yet ("signed out, not known yet").
    const second = open(state);
    await second.account.update({ initialized: false, signedIn: false, tokenGeneration: 0 });
    await second.store.flush();
    assert.equal(JSON.stringify(state.value), saved, 'nothing was wiped before the token was read');
    // Offline: the saved runs show at once, with the filter chosen last time.
    sim.injectFault({ kind: 'drop', path: 'agent/runs$', times: 1 });
    await second.account.update(signedIn);
    assert.deepEqual(second.store.runs.map((r) => r.id), [created.id]);
    assert.deepEqual(second.store.filter, { scope: 'organization' });
    // The run finished while VS Code was closed: the first successful poll notices it, once.
    const transitions: RunTransition[] = [];
    second.store.onDidTransition((t) => transitions.push(t));
    await clock.advance(60_000);
    await second.account.currentPoller!.refreshNow();
    assert.deepEqual(transitions.map((t) => [t.run.id, t.from, t.to, t.createdHere]), [[created.id, 'inProgress', 'succeeded', true]]);
    second.account.dispose();
  });

  it("a save queued for one account that runs after the switch writes that account's runs under its own key, never under the next one's", async () => {
    const state = memento();
    const { store, account } = open(state);
    await account.update(signedIn);
    await store.flush();
    // The storage is slow: a save is being written while the next one is queued, and the account changes.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const update = state.update.bind(state);
    state.update = (key, next) => update(key, next).then(() => held);
    store.upsert(finished(9039));
    await flushMicrotasks();
    store.upsert(finished(9040));
    store.upsert({ ...finished(9042), status: 'RUNNING' }, { createdHere: true });
    await account.update({ ...signedIn, userId: 8, tokenGeneration: 2 });
    store.upsert(finished(9043));
    release();
    await store.flush();
    const first = savedIds(state, accountKey('http://sim', SIM.orgId, SIM.userId));
    const second = savedIds(state, accountKey('http://sim', SIM.orgId, 8));
    assert.ok(first && [9039, 9040, 9042].every((id) => first.runs.includes(id)) && !first.runs.includes(9043), `the first account's entry: ${JSON.stringify(first)}`);
    assert.deepEqual(first.createdHere, [9042]);
    assert.ok(second && second.runs.includes(9043) && !second.runs.includes(9040) && !second.runs.includes(9042), `the second account's entry: ${JSON.stringify(second)}`);
    assert.deepEqual(second.createdHere, []);
    account.dispose();
  });

  it("signing out forgets that user's saved runs in every organization (a save queued just before included) and keeps the other accounts'", async () => {
    const state = memento();
    const { store, account } = open(state);
    const saveRun = async (accountState: AccountState, id: number): Promise<void> => {
      await account.update(accountState);
      store.upsert(finished(id));
      await store.flush();
    };
    await saveRun(signedIn, 9101);
    await saveRun({ ...signedIn, organizationId: SIM.orgId + 1 }, 9102);
    await saveRun({ ...signedIn, baseUrl: 'https://staging.example', tokenGeneration: 2 }, 9103);
    await saveRun({ ...signedIn, userId: 8, tokenGeneration: 3 }, 9104);
    await account.update({ ...signedIn, tokenGeneration: 4 });
    store.upsert(finished(9105));
    await account.update({ initialized: true, signedIn: false, baseUrl: 'http://sim', tokenGeneration: 5 });
    await store.flush();
    assert.deepEqual(Object.keys(savedAccounts(state)).sort(), [accountKey('http://sim', SIM.orgId, 8), accountKey('https://staging.example', SIM.orgId, SIM.userId)].sort());
    account.dispose();
  });

  it('two accounts never mix: another user or service starts empty, and signing out forgets that account', async () => {
    const state = memento();
    const first = open(state);
    await first.account.update(signedIn);
    first.store.upsert({ id: 42, organizationId: SIM.orgId, status: 'COMPLETE', pullRequests: [] });
    await first.store.flush();
    await first.account.update({ ...signedIn, userId: 8, tokenGeneration: 2 });
    assert.equal(first.store.size, 0, 'another user sees none of the first one\'s runs');
    await first.account.update({ ...signedIn, baseUrl: 'https://staging.example', tokenGeneration: 3 });
    assert.equal(first.store.size, 0);
    await first.account.update(signedIn);
    assert.deepEqual(first.store.runs.map((r) => r.id), [42], 'the first account gets its own runs back');
    await first.account.update({ initialized: true, signedIn: false, tokenGeneration: 4 });
    const cache = state.value['cache'] as { accounts: Record<string, unknown> };
    assert.equal(cache.accounts[accountKey('http://sim', SIM.orgId, SIM.userId)], undefined, 'signed out: its saved runs are gone');
    first.account.dispose();
  });
});
