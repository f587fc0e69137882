// Several agents on one request, in plain Node: the one send pipeline against the simulator (N creates with one
// group id, one secret scan, pacing within the create limit on a fake clock), the tree's grouping, persistence
// across a reload, the figures parser, and the status transitions the exported API reports.
import * as assert from 'node:assert/strict';
import { CodegenClient } from '../../src/api/client';
import { RateGovernor, type RateWaitEvent } from '../../src/api/rateGovernor';
import type { AgentRun } from '../../src/api/types';
import { PromptHistory } from '../../src/context';
import { attemptOf, parseNumstat } from '../../src/runs/attempts';
import { slimRun, type RunStorage } from '../../src/runs/persistence';
import { RunStore } from '../../src/runs/runStore';
import { RunTreeNodes } from '../../src/runs/runTreeNodes';
import type { RunsNode } from '../../src/runs/runNodes';
import { RunStatusTracker } from '../../src/runs/statusEvents';
import { SendPipeline } from '../../src/send/pipeline';
import { secretScanner } from '../../src/send/secretGuard';
import { silentDialogs } from '../../src/send/silentDialogs';
import type { SendHost, SendInput, SecretScanner } from '../../src/send/sendTypes';
import { FakeClock, systemClock } from '../../src/util/clock';
import { CodegenSimulator, SIM } from '../simulator/simulator';

const CREATE_PATH = `/v1/organizations/${SIM.orgId}/agent/run`;
const quiet = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, show: () => undefined };

describe('Several agents: the send pipeline (simulator)', function () {
  this.timeout(20_000);
  let sim: CodegenSimulator;
  let client: CodegenClient;
  let scans: number;
  let inTree: number[];

  beforeEach(async () => {
    sim = await CodegenSimulator.start();
    scans = 0;
    inTree = [];
  });

  afterEach(async () => {
    client?.dispose();
    await sim.stop();
  });

  function pipeline(api: CodegenClient): SendPipeline {
    const counting: SecretScanner = {
      scanForSecrets: (text, options) => {
        scans++;
        return secretScanner.scanForSecrets(text, options);
      },
    };
    const history: string[] = [];
    const host: SendHost = {
      api,
      readiness: () => ({ kind: 'ready', organizationId: SIM.orgId }),
      scanner: () => counting,
      settings: { maxChars: () => 100_000, reviewBeforeSend: () => false, repositoryId: () => undefined, model: () => undefined, agentType: () => undefined },
      history: new PromptHistory({ get: () => history, set: () => Promise.resolve() }),
      runCreated: (run: AgentRun) => inTree.push(run.id),
      refreshSoon: () => undefined,
      extensionVersion: '9.9.9',
      clock: systemClock,
      log: quiet,
    };
    return new SendPipeline(host);
  }

  const input = (prompt: string, attempts?: number): SendInput => ({
    origin: 'tool',
    target: { kind: 'bare', git: () => Promise.resolve(undefined) },
    request: { request: prompt, typed: prompt, images: [] },
    ...(attempts !== undefined ? { attempts } : {}),
  });

  function createBodies(): Array<{ prompt: string; metadata: Record<string, unknown> }> {
    return sim.requests.filter((r) => r.method === 'POST' && r.path === CREATE_PATH).map((r) => r.body as { prompt: string; metadata: Record<string, unknown> });
  }

  it('a group of 3 makes exactly 3 creates with one group id and attempts 1..3, after one secret scan; all 3 reach the tree', async () => {
    client = new CodegenClient({ baseUrl: sim.url, getToken: () => SIM.token, maxReadRetries: 0, random: () => 0 });
    // What the scan of one send costs (the prompt and the metadata are scanned): the group must cost the same.
    await pipeline(client).send(input('Add a cache'), silentDialogs());
    const oneSend = scans;
    assert.ok(oneSend > 0);
    sim.clearRequests();
    scans = 0;
    inTree = [];
    const outcome = await pipeline(client).send(input('Add a cache', 3), silentDialogs());
    assert.equal(outcome.kind, 'created');
    const runs = outcome.kind === 'created' ? (outcome.attempts?.runs ?? []) : [];
    assert.equal(runs.length, 3);
    const bodies = createBodies();
    assert.equal(bodies.length, 3);
    const groups = new Set(bodies.map((body) => body.metadata['attempt_group']));
    assert.equal(groups.size, 1, 'one group id for the three');
    assert.match(String([...groups][0]), /^[0-9a-f-]{36}$/);
    assert.deepEqual(bodies.map((body) => body.metadata['attempt']), [1, 2, 3]);
    assert.deepEqual(new Set(bodies.map((body) => body.prompt)).size, 1, 'the same prompt for each');
    assert.equal(scans, oneSend, 'the secret scan ran once for the group, as for one run');
    assert.deepEqual(inTree, runs.map((run) => run.id));
    // The service's answers carry the tags back: the group is recognised from them.
    assert.deepEqual(runs.map((run) => attemptOf(run)?.attempt), [1, 2, 3]);
  });

  it('a secret stops the whole group: nothing is created, the scan ran once', async () => {
    client = new CodegenClient({ baseUrl: sim.url, getToken: () => SIM.token, maxReadRetries: 0, random: () => 0 });
    await pipeline(client).send(input('push with ghp_M0XvqZjxTW3xvboSRt5Mh3dAwVtRMflhbmua'), silentDialogs());
    const oneSend = scans;
    scans = 0;
    const outcome = await pipeline(client).send(input('push with ghp_M0XvqZjxTW3xvboSRt5Mh3dAwVtRMflhbmua', 3), silentDialogs());
    assert.equal(outcome.kind, 'notSent');
    assert.equal(scans, oneSend);
    assert.equal(createBodies().length, 0);
  });

  it('the size guard runs for the group: an over-long prompt sends no attempt', async () => {
    client = new CodegenClient({ baseUrl: sim.url, getToken: () => SIM.token, maxReadRetries: 0, random: () => 0 });
    const outcome = await pipeline(client).send({ ...input('x'.repeat(200), 2), maxChars: 100 }, silentDialogs());
    assert.deepEqual(outcome, { kind: 'notSent', reason: 'overLimit', message: 'The prompt is 200 characters, over the limit of 100.' });
    assert.equal(createBodies().length, 0);
  });

  it('a group larger than what the create limit allows now waits (on the clock) for the window instead of exceeding it', async () => {
    const clock = new FakeClock();
    const governor = new RateGovernor({ clock, limits: { create: { requests: 2, windowMs: 60_000 } }, safetyMargin: 0, windowPaddingMs: 0 });
    const waits: RateWaitEvent[] = [];
    governor.onDidWait((event) => waits.push(event));
    client = new CodegenClient({ baseUrl: sim.url, getToken: () => SIM.token, maxReadRetries: 0, random: () => 0, governor });
    let settled = false;
    const sending = pipeline(client).send(input('Add a cache', 3), silentDialogs()).finally(() => (settled = true));
    // Two creates fit in the window; the third waits for it (a send that ends first fails below).
    while (!settled && !(createBodies().length === 2 && waits.some((wait) => wait.rateClass === 'create'))) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(settled, false, 'the group is still sending: its third create waits');
    assert.equal(createBodies().length, 2, 'the third create waits');
    const wait = waits.find((event) => event.rateClass === 'create')!;
    assert.equal(wait.reason, 'budget');
    assert.ok(wait.waitMs > 0 && wait.waitMs <= 60_000, `a wait within one window (${wait.waitMs} ms)`);
    await clock.advance(60_001);
    const outcome = await sending;
    assert.equal(createBodies().length, 3);
    assert.equal(outcome.kind === 'created' ? outcome.attempts?.runs.length : 0, 3);
    governor.dispose();
  });
});

function run(id: number, status: string, extra: Partial<AgentRun> = {}): AgentRun {
  return { id, organizationId: 1, pullRequests: [], status, ...extra };
}
const tagged = (id: number, status: string, group: string, attempt: number): AgentRun => run(id, status, { metadata: { title: 'Add a cache', attempt_group: group, attempt } });

function describeRows(nodes: RunTreeNodes): string[] {
  const label = (node: RunsNode): string => (node.kind === 'group' ? `group:${node.group}` : node.kind === 'run' ? `run:${node.run.id}` : node.kind === 'attempts' ? `attempts:${node.group}` : node.kind);
  const out: string[] = [];
  const walk = (node: RunsNode, depth: number): void => {
    out.push(`${'  '.repeat(depth)}${label(node)}`);
    if (node.kind !== 'run') for (const child of nodes.children(node)) walk(child, depth + 1);
  };
  for (const root of nodes.roots()) walk(root, 0);
  return out;
}

describe('Several agents: the tree and persistence', () => {
  it('the attempts of a group are one row (in the first status group holding one of them) with its attempts as children, by attempt number', () => {
    const store = new RunStore();
    const nodes = new RunTreeNodes(store);
    store.onDidChange((change) => nodes.update(change));
    store.applyPage([tagged(13, 'COMPLETE', 'g-1', 3), run(12, 'RUNNING'), tagged(11, 'RUNNING', 'g-1', 1), tagged(10, 'FAILED', 'g-1', 2), run(9, 'COMPLETE')], { mode: 'replace' });
    assert.deepEqual(describeRows(nodes), ['group:running', '  run:12', '  attempts:g-1', '    run:11', '    run:10', '    run:13', 'group:finished', '  run:9']);
    const attempts = nodes.attemptsNode('g-1')!;
    assert.equal(nodes.parent(nodes.runNode(13)!), attempts, 'an attempt row is the group row\'s child');
    assert.equal(nodes.parent(attempts)?.kind, 'group');
    const counts = nodes.roots().map((node) => (node.kind === 'group' ? `${node.group}:${node.count}` : node.kind));
    assert.deepEqual(counts, ['running:4', 'finished:1'], 'each run counted once, where its row is');
  });

  it('a status group whose only runs are attempts shown under another group\'s row is not shown empty', () => {
    const store = new RunStore();
    const nodes = new RunTreeNodes(store);
    store.onDidChange((change) => nodes.update(change));
    store.applyPage([tagged(32, 'COMPLETE', 'g-4', 2), tagged(31, 'RUNNING', 'g-4', 1)], { mode: 'replace' });
    assert.deepEqual(describeRows(nodes), ['group:running', '  attempts:g-4', '    run:31', '    run:32']);
    store.upsert(tagged(31, 'COMPLETE', 'g-4', 1));
    assert.deepEqual(describeRows(nodes), ['group:finished', '  attempts:g-4', '    run:31', '    run:32']);
  });

  it('one known attempt of a group shows as a plain run; the row appears when the second arrives, and an attempt update redraws the group row', () => {
    const store = new RunStore();
    const nodes = new RunTreeNodes(store);
    const redraws: string[][] = [];
    store.onDidChange((change) => {
      const redraw = nodes.update(change);
      redraws.push(redraw.kind === 'all' ? ['all'] : redraw.nodes.map((node) => node.kind));
    });
    store.applyPage([tagged(11, 'RUNNING', 'g-2', 1)], { mode: 'replace' });
    assert.deepEqual(describeRows(nodes), ['group:running', '  run:11']);
    store.upsert(tagged(12, 'RUNNING', 'g-2', 2), { createdHere: true });
    assert.deepEqual(describeRows(nodes), ['group:running', '  attempts:g-2', '    run:11', '    run:12']);
    store.upsert(tagged(12, 'RUNNING', 'g-2', 2));
    store.upsert({ ...tagged(12, 'RUNNING', 'g-2', 2), summary: 'halfway' });
    assert.deepEqual(redraws.at(-1), ['attempts', 'run']);
  });

  it('metadata that is not a well-formed tag groups nothing (the service and other windows are untrusted)', () => {
    assert.equal(attemptOf({ metadata: { attempt_group: 'g 1', attempt: 1 } }), undefined);
    assert.equal(attemptOf({ metadata: { attempt_group: 'g-1', attempt: 9 } }), undefined);
    assert.equal(attemptOf({ metadata: { attempt_group: 'g-1', attempt: '1' } }), undefined);
    assert.deepEqual(attemptOf({ metadata: { attempt_group: 'g-1', attempt: 2 } }), { group: 'g-1', attempt: 2 });
  });

  it('the group survives a reload: the saved runs keep their tags and the restored tree shows the same group row', async () => {
    let saved: unknown;
    const storage: RunStorage = { load: () => Promise.resolve(saved), save: (value) => Promise.resolve(void (saved = value)) };
    const store = new RunStore({ storage, filter: { scope: 'organization' } });
    store.applyPage([tagged(21, 'RUNNING', 'g-3', 1), tagged(22, 'RUNNING', 'g-3', 2)], { mode: 'replace', fetchedAt: 1 });
    await store.flush();
    assert.deepEqual(slimRun(tagged(21, 'RUNNING', 'g-3', 1)).metadata, { title: 'Add a cache', attempt_group: 'g-3', attempt: 1 });
    const restored = new RunStore({ storage, filter: { scope: 'organization' } });
    assert.equal(await restored.restore(), true);
    const nodes = new RunTreeNodes(restored);
    assert.deepEqual(describeRows(nodes), ['group:running', '  attempts:g-3', '    run:21', '    run:22']);
  });

  it('numstat figures: files, lines added and removed (binary files count as files)', () => {
    assert.deepEqual(parseNumstat('3\t1\tsrc/a.ts\n0\t5\tsrc/b.ts\n-\t-\timg.png\n'), { files: 3, added: 3, removed: 6 });
    assert.deepEqual(parseNumstat(''), { files: 0, added: 0, removed: 0 });
  });
});

describe('Run status events for other extensions', () => {
  it('the first sighting of a run is not a transition; each change of status is reported once', () => {
    const tracker = new RunStatusTracker();
    assert.deepEqual(tracker.update([run(1, 'PENDING'), run(2, 'RUNNING')]), []);
    assert.deepEqual(tracker.update([run(1, 'RUNNING'), run(2, 'RUNNING')]), [{ runId: 1, previousStatus: 'PENDING', status: 'RUNNING', pullRequests: [] }]);
    assert.deepEqual(tracker.update([run(1, 'RUNNING'), run(2, 'RUNNING')]), [], 'the same state again reports nothing');
    assert.deepEqual(tracker.update([run(1, 'running')]), [], 'case does not make a transition');
    const pr = { id: 7, url: 'https://github.com/acme/widgets/pull/7' };
    assert.deepEqual(tracker.update([run(1, 'COMPLETE', { pullRequests: [pr] }), run(3, 'PENDING')]), [{ runId: 1, previousStatus: 'running', status: 'COMPLETE', pullRequests: [pr] }]);
  });
});
