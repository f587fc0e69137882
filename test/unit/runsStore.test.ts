import * as assert from 'node:assert/strict';
import type { AgentRun } from '../../src/api/types';
import { accountKey, CACHE_BYTE_BUDGET, parsePersistedRuns, RunsCache, slimRun, type RunStorage } from '../../src/runs/persistence';
import { groupRuns, hasBranchToBringBack, hasChangesToBringBack, pullRequestToBringBack, runTitle, shouldNotify, type RunTransition } from '../../src/runs/runModel';
import { RunStore, type RunStoreChange } from '../../src/runs/runStore';
import { FakeClock } from '../../src/util/clock';

function run(id: number, status: string | undefined, extra: Partial<AgentRun> = {}): AgentRun {
  const value: AgentRun = { id, organizationId: 1, pullRequests: [], ...extra };
  if (status !== undefined) value.status = status;
  return value;
}

function record(store: RunStore): { changes: RunStoreChange[]; transitions: RunTransition[] } {
  const changes: RunStoreChange[] = [];
  const transitions: RunTransition[] = [];
  store.onDidChange((change) => changes.push(change));
  store.onDidTransition((transition) => transitions.push(transition));
  return { changes, transitions };
}

class MemoryStorage implements RunStorage {
  saves = 0;
  constructor(public value: unknown = undefined) {}
  load(): Promise<unknown> {
    return Promise.resolve(structuredClone(this.value));
  }
  save(value: unknown): Promise<void> {
    this.saves++;
    this.value = JSON.parse(JSON.stringify(value));
    return Promise.resolve();
  }
}

describe('RunStore', () => {
  describe('applyPage', () => {
    it('reports added runs on the first load without any transition', () => {
      const store = new RunStore();
      const { changes, transitions } = record(store);
      store.applyPage([run(3, 'RUNNING'), run(2, 'COMPLETE'), run(1, 'PAUSED')], { mode: 'replace', fetchedAt: 100 });
      assert.deepEqual(changes.map((change) => change.added), [[3, 2, 1]]);
      assert.equal(transitions.length, 0);
      assert.deepEqual(store.runs.map((r) => r.id), [3, 2, 1]);
      assert.equal(store.loaded, true);
      assert.equal(store.lastSuccessAt, 100);
    });

    it('fires exactly one transition per category change of a known run', () => {
      const store = new RunStore();
      const { transitions, changes } = record(store);
      store.applyPage([run(2, 'RUNNING'), run(1, 'ACTIVE')], { mode: 'replace' });
      // RUNNING -> EVALUATION stays in progress: an update, not a transition.
      store.applyPage([run(2, 'EVALUATION'), run(1, 'COMPLETE')], { mode: 'replace' });
      store.applyPage([run(2, 'EVALUATION'), run(1, 'COMPLETE')], { mode: 'replace' });
      store.applyPage([run(2, 'failed'), run(1, 'COMPLETE')], { mode: 'replace' });
      assert.deepEqual(
        transitions.map((t) => [t.run.id, t.from, t.to]),
        [
          [1, 'inProgress', 'succeeded'],
          [2, 'inProgress', 'failed'],
        ],
      );
      // The identical page changed nothing, so it fired nothing.
      assert.equal(changes.length, 3);
      assert.deepEqual(changes[1]!.updated, [2, 1]);
    });

    it('does not treat a run first seen after the first load as a transition', () => {
      const store = new RunStore();
      const { transitions, changes } = record(store);
      store.applyPage([run(1, 'RUNNING')], { mode: 'replace' });
      store.applyPage([run(2, 'COMPLETE'), run(1, 'RUNNING')], { mode: 'replace' });
      assert.equal(transitions.length, 0);
      assert.deepEqual(changes[1]!.added, [2]);
      assert.equal(changes[1]!.reordered, true);
    });

    it('removes runs missing from a page that covers everything', () => {
      const store = new RunStore();
      const { changes } = record(store);
      store.applyPage([run(3, 'RUNNING'), run(2, 'COMPLETE'), run(1, 'COMPLETE')], { mode: 'replace' });
      store.applyPage([run(3, 'RUNNING'), run(1, 'COMPLETE')], { mode: 'replace', hasMore: false });
      assert.deepEqual(changes[1]!.removed, [2]);
      assert.deepEqual(store.runs.map((r) => r.id), [3, 1]);
    });

    it('keeps runs loaded further down when a full page covers only the newest', () => {
      const store = new RunStore();
      store.applyPage([run(5, 'RUNNING'), run(4, 'COMPLETE')], { mode: 'replace', hasMore: true });
      store.applyPage([run(3, 'COMPLETE'), run(2, 'COMPLETE')], { mode: 'append', hasMore: true });
      assert.deepEqual(store.runs.map((r) => r.id), [5, 4, 3, 2]);
      // A new run pushed 4 out of the first page of two: 3 and 2 are older and stay.
      store.applyPage([run(6, 'RUNNING'), run(5, 'RUNNING')], { mode: 'replace', hasMore: true });
      assert.deepEqual(store.runs.map((r) => r.id), [6, 5, 4, 3, 2]);
      assert.equal(store.hasMore, true);
    });

    it('appends a page after the loaded runs and updates duplicates in place', () => {
      const store = new RunStore();
      store.applyPage([run(4, 'RUNNING'), run(3, 'COMPLETE')], { mode: 'replace', hasMore: true });
      const change = store.applyPage([run(3, 'COMPLETE', { summary: 'done' }), run(2, 'FAILED')], { mode: 'append', hasMore: false });
      assert.deepEqual(change.added, [2]);
      assert.deepEqual(change.updated, [3]);
      assert.deepEqual(store.runs.map((r) => r.id), [4, 3, 2]);
      assert.equal(store.hasMore, false);
    });

    it('keeps a run upserted after the request was sent, as it is', async () => {
      const clock = new FakeClock();
      const store = new RunStore({ clock });
      store.applyPage([run(1, 'PAUSED')], { mode: 'replace' });
      const requestedAt = clock.now();
      await clock.advance(10);
      // A resume answered while the poll was in flight: 1 is ACTIVE again, and 2 was just created.
      store.upsert(run(1, 'ACTIVE'), { createdHere: true });
      store.upsert(run(2, 'PENDING'), { createdHere: true });
      const { transitions } = record(store);
      store.applyPage([run(1, 'PAUSED')], { mode: 'replace', requestedAt });
      assert.deepEqual(store.runs.map((r) => [r.id, r.status]), [
        [2, 'PENDING'],
        [1, 'ACTIVE'],
      ]);
      assert.equal(transitions.length, 0);
    });
  });

  describe('upsert and created-here runs', () => {
    it('knows a run created here before the first load, so its transition notifies', () => {
      const store = new RunStore();
      const { transitions } = record(store);
      store.upsert(run(9, 'PENDING'), { createdHere: true });
      store.applyPage([run(9, 'COMPLETE'), run(8, 'COMPLETE')], { mode: 'replace' });
      assert.deepEqual(
        transitions.map((t) => [t.run.id, t.from, t.to, t.createdHere]),
        [[9, 'inProgress', 'succeeded', true]],
      );
      assert.equal(store.isCreatedHere(9), true);
      assert.equal(store.isCreatedHere(8), false);
    });

    it('fires a transition when an upsert changes the category of a known run', () => {
      const store = new RunStore();
      store.applyPage([run(1, 'PAUSED')], { mode: 'replace' });
      const { transitions, changes } = record(store);
      store.upsert(run(1, 'ACTIVE'));
      assert.deepEqual(transitions.map((t) => [t.from, t.to]), [['needsUser', 'inProgress']]);
      assert.deepEqual(changes[0]!.updated, [1]);
    });

    it('remembers created-here runs across a filter change', () => {
      const store = new RunStore();
      const { transitions } = record(store);
      store.upsert(run(5, 'RUNNING'), { createdHere: true });
      store.setFilter({ scope: 'organization' });
      assert.equal(store.size, 0);
      store.applyPage([run(5, 'FAILED')], { mode: 'replace' });
      assert.deepEqual(transitions.map((t) => [t.run.id, t.to]), [[5, 'failed']]);
    });
  });

  describe('status and filter', () => {
    it('fires statusChanged only when the status really changes', () => {
      const store = new RunStore();
      const { changes } = record(store);
      store.setStatus({ kind: 'offline', since: 5 });
      store.setStatus({ kind: 'offline', since: 5 });
      store.setStatus({ kind: 'idle' });
      assert.deepEqual(changes.map((change) => change.statusChanged), [true, true]);
    });

    it('empties the list on a filter change and ignores an identical filter', () => {
      const store = new RunStore({ filter: { scope: 'mine' } });
      store.applyPage([run(1, 'RUNNING')], { mode: 'replace', fetchedAt: 1 });
      const { changes } = record(store);
      assert.equal(store.setFilter({ scope: 'mine', sourceType: '  ' }), false);
      assert.equal(store.setFilter({ scope: 'mine', sourceType: 'API' }), true);
      assert.deepEqual(store.filter, { scope: 'mine', sourceType: 'API' });
      assert.equal(store.size, 0);
      assert.equal(store.loaded, false);
      assert.equal(store.lastSuccessAt, undefined);
      assert.deepEqual(changes.map((change) => [change.filterChanged, change.removed]), [[true, [1]]]);
    });
  });

  describe('helpers', () => {
    it('notifies per the setting: off, created here, all; never for a run going back in progress', () => {
      const finished: RunTransition = { run: run(1, 'COMPLETE'), from: 'inProgress', to: 'succeeded', createdHere: true };
      const needsYou: RunTransition = { run: run(2, 'PAUSED'), from: 'inProgress', to: 'needsUser', createdHere: false };
      const resumed: RunTransition = { run: run(1, 'ACTIVE'), from: 'needsUser', to: 'inProgress', createdHere: true };
      const unknownEnd: RunTransition = { run: run(3, 'WIBBLING'), from: 'inProgress', to: 'unknown', createdHere: false };
      const mine = new Set([1]);
      assert.equal(shouldNotify(finished, 'off', mine), false);
      assert.equal(shouldNotify(finished, 'mine', mine), true);
      assert.equal(shouldNotify(needsYou, 'mine', mine), false);
      assert.equal(shouldNotify(needsYou, 'all', mine), true);
      // An unknown status is still followed, not an end: no notification until a known one comes.
      assert.equal(shouldNotify(unknownEnd, 'all', mine), false);
      assert.equal(shouldNotify(resumed, 'all', mine), false);
      assert.equal(shouldNotify(resumed, 'mine', mine), false);
    });

    it('groups runs by what they need, keeping their order', () => {
      const runs = [run(6, 'RUNNING'), run(5, 'PAUSED'), run(4, 'COMPLETE'), run(3, 'PENDING'), run(2, 'paused'), run(1, 'WIBBLING')];
      const groups = groupRuns(runs);
      assert.deepEqual(groups.needsYou.map((r) => r.id), [5, 2]);
      assert.deepEqual(groups.running.map((r) => r.id), [6, 3]);
      // An unknown status is shown as sent, under "Other", never under "Finished".
      assert.deepEqual(groups.finished.map((r) => r.id), [4]);
      assert.deepEqual(groups.other.map((r) => r.id), [1]);
      const store = new RunStore();
      store.applyPage(runs, { mode: 'replace' });
      assert.deepEqual(store.counts(), { running: 2, needsYou: 2 });
      assert.equal(store.hasRunToFollow(), true);
    });

    it('has changes to bring back: a pull request with a head branch and an https link (one rule for the tree, notifications, panel, commands)', () => {
      const https = 'https://github.com/o/r/pull/1';
      assert.equal(hasBranchToBringBack({ headBranchName: 'codegen/fix', url: https }), true);
      assert.equal(hasBranchToBringBack({ headBranchName: 'codegen/fix' }), false, 'no link: no repository to fetch from');
      assert.equal(hasBranchToBringBack({ headBranchName: 'codegen/fix', url: 'http://github.com/o/r/pull/1' }), false, 'not https');
      assert.equal(hasBranchToBringBack({ headBranchName: 'codegen/fix', url: 'javascript:alert(1)' }), false);
      assert.equal(hasBranchToBringBack({ headBranchName: '  ', url: https }), false, 'no branch');
      assert.equal(hasBranchToBringBack({ url: https }), false);
      const noBranch = { id: 1, url: https };
      const withBranch = { id: 2, url: 'https://github.com/o/r/pull/2', headBranchName: 'codegen/b' };
      assert.equal(pullRequestToBringBack(run(1, 'COMPLETE', { pullRequests: [noBranch, withBranch] })), withBranch, 'the first that has one');
      assert.equal(hasChangesToBringBack(run(1, 'COMPLETE', { pullRequests: [noBranch] })), false);
      assert.equal(hasChangesToBringBack(run(1, 'COMPLETE', { pullRequests: [] })), false);
      assert.equal(hasChangesToBringBack(run(1, 'COMPLETE', { pullRequests: [noBranch, withBranch] })), true);
    });

    it('titles a run from metadata, else the summary, else its id, within 80 characters', () => {
      assert.equal(runTitle(run(1, 'RUNNING', { metadata: { title: '  Fix the\nlogin bug ' }, summary: 'other' })), 'Fix the login bug');
      assert.equal(runTitle(run(1, 'RUNNING', { metadata: { title: 42 }, summary: '\n  First line  \nsecond' })), 'First line');
      assert.equal(runTitle(run(1, 'COMPLETE', { summary: '## **Done.** Added `greet()` — see [the PR](https://x.example/1)' })), 'Done. Added greet() — see the PR');
      assert.equal(runTitle(run(17, 'RUNNING', { metadata: { title: '   ' } })), 'Run #17');
      const long = runTitle(run(1, 'RUNNING', { summary: 'x'.repeat(200) }));
      assert.equal(long.length, 80);
      assert.ok(long.endsWith('…'));
    });
  });

  describe('persistence', () => {
    it('round-trips the runs, the created-here ids and lastSuccessAt', async () => {
      const storage = new MemoryStorage();
      const store = new RunStore({ storage, filter: { scope: 'organization' } });
      const full = run(2, 'COMPLETE', {
        summary: 'done',
        webUrl: 'https://codegen.com/agent/trace/2',
        pullRequests: [{ id: 5, title: 'PR', url: 'https://github.com/acme/widgets/pull/5', merged: false }],
        metadata: { title: 'Two', nested: { a: [1, 2] } },
      });
      store.applyPage([full, run(1, 'RUNNING')], { mode: 'replace', hasMore: true, fetchedAt: 1234 });
      store.upsert(run(3, 'PENDING'), { createdHere: true });
      await store.flush();

      const restored = new RunStore({ storage, filter: { scope: 'organization' } });
      const { transitions } = record(restored);
      assert.equal(await restored.restore(), true);
      // Slim records: what the tree needs, not the full metadata.
      assert.deepEqual(restored.runs, store.runs.map(slimRun));
      assert.deepEqual(restored.get(2)?.metadata, { title: 'Two' });
      assert.equal(restored.lastSuccessAt, 1234);
      assert.equal(restored.hasMore, true);
      assert.equal(restored.isCreatedHere(3), true);
      assert.equal(restored.loaded, false);
      // Restored data is stale: the next poll is a first load, except for run 3, created here, which
      // finished while the window was closed: that one the user wants to hear about.
      restored.applyPage([run(3, 'COMPLETE'), full, run(1, 'COMPLETE')], { mode: 'replace' });
      assert.deepEqual(transitions.map((t) => [t.run.id, t.from, t.to]), [[3, 'inProgress', 'succeeded']]);
    });

    it('starts empty on corrupt or foreign data', async () => {
      const valid = { version: 2, filter: { scope: 'mine' }, runs: [run(1, 'RUNNING')], hasMore: false, createdHere: [1], lastSuccessAt: 5, savedAt: 1 };
      const corrupt: unknown[] = [
        undefined,
        null,
        'runs',
        42,
        [],
        { ...valid, version: 1 },
        { ...valid, savedAt: 'now' },
        { ...valid, runs: [{ organizationId: 1, pullRequests: [] }] },
        { ...valid, runs: [{ ...run(1, 'RUNNING'), webUrl: 'javascript:alert(1)' }] },
        { ...valid, runs: [{ ...run(1, 'RUNNING'), pullRequests: 'none' }] },
        { ...valid, createdHere: ['1'] },
        { ...valid, filter: { scope: 'everyone' } },
      ];
      for (const value of corrupt) {
        const store = new RunStore({ storage: new MemoryStorage(value) });
        assert.equal(await store.restore(), false, JSON.stringify(value));
        assert.equal(store.size, 0);
        assert.equal(parsePersistedRuns(value), undefined);
      }
      const failing = new RunStore({ storage: { load: () => Promise.reject(new Error('disk')), save: () => Promise.resolve() } });
      assert.equal(await failing.restore(), false);
      // The same data, valid, restores.
      const store = new RunStore({ storage: new MemoryStorage(valid) });
      assert.equal(await store.restore(), true);
      assert.equal(store.size, 1);
    });

    it('restores the filter the runs were saved under', async () => {
      const saved = { version: 2, filter: { scope: 'organization', sourceType: 'API' }, runs: [run(1, 'RUNNING')], hasMore: false, createdHere: [], savedAt: 1 };
      const store = new RunStore({ storage: new MemoryStorage(saved) });
      assert.equal(await store.restore(), true);
      assert.deepEqual(store.filter, { scope: 'organization', sourceType: 'API' });
    });

    it('keeps each account apart and the whole cache within its byte budget, oldest account dropped first', async () => {
      let value: unknown;
      const cache = new RunsCache({ load: () => value, save: (next) => Promise.resolve(void (value = next)) }, 60_000);
      const alice = accountKey('https://api.codegen.com', 1, 7);
      const bob = accountKey('https://api.codegen.com', 1, 8);
      const staging = accountKey('https://staging.example', 1, 7);
      const big = (id: number): AgentRun => run(id, 'COMPLETE', { summary: 's'.repeat(900) });
      const aliceStore = new RunStore({ storage: cache.forAccount(alice) });
      aliceStore.applyPage([run(1, 'RUNNING')], { mode: 'replace' });
      await aliceStore.flush();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const bobStore = new RunStore({ storage: cache.forAccount(bob) });
      bobStore.applyPage([run(2, 'RUNNING')], { mode: 'replace' });
      await bobStore.flush();
      // Another user and another service see none of Alice's runs.
      for (const [key, expected] of [[bob, [2]], [staging, []], [alice, [1]]] as const) {
        const store = new RunStore({ storage: cache.forAccount(key) });
        await store.restore();
        assert.deepEqual(store.runs.map((r) => r.id), expected, key);
      }
      // A large save keeps within the budget: its oldest runs go, and the least recently saved account.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const stagingStore = new RunStore({ storage: cache.forAccount(staging) });
      stagingStore.applyPage(Array.from({ length: 200 }, (_, i) => big(1000 - i)), { mode: 'replace' });
      await stagingStore.flush();
      const bytes = Buffer.byteLength(JSON.stringify(value));
      assert.ok(bytes <= 60_000, `${bytes} bytes`);
      const accounts = (value as { accounts: Record<string, unknown> }).accounts;
      const stagingSaved = parsePersistedRuns(accounts[staging]);
      assert.ok(stagingSaved && stagingSaved.runs.length > 0 && stagingSaved.runs.length < 200);
      assert.equal(stagingSaved.runs[0]?.id, 1000, 'the newest runs are kept');
      assert.equal(stagingSaved.hasMore, true);
      assert.ok(CACHE_BYTE_BUDGET >= 1024 * 1024);
      await cache.remove(staging);
      assert.equal((value as { accounts: Record<string, unknown> }).accounts[staging], undefined);
    });

    it('clear() for another account forgets the created-here and unreviewed ids; each account gets its own back', async () => {
      const first = new MemoryStorage({ version: 2, filter: { scope: 'mine' }, runs: [run(6, 'COMPLETE')], hasMore: false, createdHere: [5], unreviewed: [6], savedAt: 1 });
      const store = new RunStore({ storage: first });
      await store.restore();
      assert.equal(store.isCreatedHere(5), true);
      assert.equal(store.isUnreviewed(6), true);
      // Another account: nothing of the first one's is known, notified about or saved with it.
      store.clear();
      const second = new MemoryStorage();
      store.useStorage(second);
      await store.restore();
      assert.equal(store.isCreatedHere(5), false, 'a run created here by the first account is not the next one\'s');
      assert.equal(store.isUnreviewed(6), false);
      assert.equal(store.unreviewedCount(), 0);
      store.upsert(run(7, 'RUNNING'), { createdHere: true });
      await store.flush();
      const saved = parsePersistedRuns(second.value);
      assert.deepEqual([saved?.createdHere, saved?.unreviewed], [[7], []]);
      // Back to the first account: its ids come back with it, and the second one's stay with the second.
      store.clear();
      store.useStorage(first);
      await store.restore();
      assert.deepEqual([store.isCreatedHere(5), store.isUnreviewed(6), store.isCreatedHere(7)], [true, true, false]);
    });

    it('keeps at most the newest 200 runs and saves only when something changed', async () => {
      const storage = new MemoryStorage();
      const store = new RunStore({ storage });
      const runs = Array.from({ length: 250 }, (_, index) => run(1000 - index, 'COMPLETE'));
      store.applyPage(runs, { mode: 'replace', fetchedAt: 1 });
      await store.flush();
      const saved = parsePersistedRuns(storage.value);
      assert.equal(saved?.runs.length, 200);
      assert.equal(saved?.runs[0]?.id, 1000);
      assert.equal(saved?.hasMore, true);
      const saves = storage.saves;
      store.applyPage(runs, { mode: 'replace', fetchedAt: 2 });
      await store.flush();
      assert.equal(storage.saves, saves);
    });
  });
});
