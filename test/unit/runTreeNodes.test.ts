import * as assert from 'node:assert/strict';
import type { AgentRun } from '../../src/api/types';
import type { RunsNode } from '../../src/runs/runNodes';
import { RunStore } from '../../src/runs/runStore';
import { RunTreeNodes, type TreeRedraw } from '../../src/runs/runTreeNodes';

function run(id: number, status: string, extra: Partial<AgentRun> = {}): AgentRun {
  return { id, organizationId: 1, pullRequests: [], status, ...extra };
}

/** A store and its tree nodes, with every redraw the store's changes asked for. */
function harness(): { store: RunStore; nodes: RunTreeNodes; redraws: TreeRedraw[] } {
  const store = new RunStore();
  const nodes = new RunTreeNodes(store);
  const redraws: TreeRedraw[] = [];
  store.onDidChange((change) => redraws.push(nodes.update(change)));
  return { store, nodes, redraws };
}

function describeRedraw(redraw: TreeRedraw | undefined): string[] {
  if (!redraw) return ['none'];
  if (redraw.kind === 'all') return ['all'];
  return redraw.nodes.map((node: RunsNode) => (node.kind === 'group' ? `group:${node.group}` : node.kind === 'run' ? `run:${node.run.id}` : node.kind));
}

describe('RunTreeNodes: what a change redraws', () => {
  it('a new run in a group already shown redraws that group only, with the same node objects as before', () => {
    const { store, nodes, redraws } = harness();
    store.applyPage([run(2, 'RUNNING'), run(1, 'COMPLETE')], { mode: 'replace' });
    assert.deepEqual(describeRedraw(redraws.at(-1)), ['all'], 'the first load adds groups');
    const [running] = nodes.roots();
    const before = nodes.children(running!);

    store.upsert(run(3, 'PENDING'), { createdHere: true });
    assert.deepEqual(describeRedraw(redraws.at(-1)), ['group:running']);
    assert.equal(nodes.roots()[0], running, 'the group keeps its node');
    const after = nodes.children(running!);
    assert.equal(after.length, 2);
    assert.equal(after[1], before[0], 'the run already shown keeps its node');
    assert.equal(running?.kind === 'group' && running.count, 2, 'the count follows');
  });

  it('a run updated in place redraws its row alone; its node holds the new run', () => {
    const { store, nodes, redraws } = harness();
    store.applyPage([run(2, 'RUNNING'), run(1, 'COMPLETE')], { mode: 'replace' });
    const node = nodes.runNode(2);
    store.upsert(run(2, 'RUNNING', { summary: 'halfway' }));
    assert.deepEqual(describeRedraw(redraws.at(-1)), ['run:2']);
    assert.equal(nodes.runNode(2), node);
    assert.equal(node?.run.summary, 'halfway');
  });

  it('a run that finishes moves between groups: both groups redraw, not the whole tree', () => {
    const { store, redraws } = harness();
    store.applyPage([run(3, 'RUNNING'), run(2, 'RUNNING'), run(1, 'COMPLETE')], { mode: 'replace' });
    store.applyPage([run(3, 'RUNNING'), run(2, 'COMPLETE'), run(1, 'COMPLETE')], { mode: 'replace' });
    assert.deepEqual(describeRedraw(redraws.at(-1)).sort(), ['group:finished', 'group:running']);
  });

  it('a group that appears or empties, or the "Load more" row, redraws everything', () => {
    const { store, redraws } = harness();
    store.applyPage([run(1, 'COMPLETE')], { mode: 'replace' });
    store.upsert(run(2, 'PAUSED'));
    assert.deepEqual(describeRedraw(redraws.at(-1)), ['all'], 'Needs you appears');
    store.applyPage([run(2, 'PAUSED'), run(1, 'COMPLETE')], { mode: 'replace', hasMore: true });
    assert.deepEqual(describeRedraw(redraws.at(-1)), ['all'], 'Load more appears');
  });

  it('a change of the view status alone redraws no row', () => {
    const { store, redraws } = harness();
    store.applyPage([run(1, 'COMPLETE')], { mode: 'replace' });
    store.setStatus({ kind: 'loading' });
    assert.deepEqual(describeRedraw(redraws.at(-1)), []);
  });

  it('a refresh that brings nothing new redraws nothing', () => {
    const { store, redraws } = harness();
    store.applyPage([run(2, 'RUNNING'), run(1, 'COMPLETE')], { mode: 'replace' });
    const count = redraws.length;
    store.applyPage([run(2, 'RUNNING'), run(1, 'COMPLETE')], { mode: 'replace' });
    assert.ok(redraws.slice(count).every((redraw) => redraw.kind === 'nodes' && redraw.nodes.length === 0), JSON.stringify(redraws.slice(count).map(describeRedraw)));
  });

  it('parents and pull request children follow the same nodes', () => {
    const { store, nodes } = harness();
    store.applyPage([run(1, 'COMPLETE', { pullRequests: [{ id: 5, url: 'https://github.com/a/b/pull/1', headBranchName: 'x' }] })], { mode: 'replace' });
    const runNode = nodes.runNode(1)!;
    const [pr] = nodes.children(runNode);
    assert.equal(pr?.kind, 'pr');
    assert.equal(nodes.parent(pr), runNode);
    assert.equal(nodes.parent(runNode), nodes.roots()[0]);
    assert.equal(nodes.children(runNode)[0], pr, 'the same PR node while the run is unchanged');
  });

  it('a run that leaves the list leaves no node behind', () => {
    const { store, nodes } = harness();
    store.applyPage([run(2, 'COMPLETE'), run(1, 'COMPLETE')], { mode: 'replace' });
    store.setFilter({ scope: 'organization' });
    assert.equal(nodes.runNode(1), undefined);
    assert.deepEqual(nodes.roots(), []);
  });
});
