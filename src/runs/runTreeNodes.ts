// The Runs tree's nodes, kept stable from one store change to the next, and what a change redraws. VS Code
// knows tree elements by identity: a group or a run keeps the same node object for as long as it is shown,
// so a change can name just the nodes it touched (a new run: its group; an updated run: its row) instead of
// redrawing the whole tree. No vscode here; the view fires what `update` answers.

import type { AgentRun } from '../api/types';
import type { RunsNode } from './runNodes';
import { GROUP_ORDER, groupRuns, type GroupId } from './runModel';

export type GroupNode = Extract<RunsNode, { kind: 'group' }>;
export type RunNode = Extract<RunsNode, { kind: 'run' }>;
export type PrNode = Extract<RunsNode, { kind: 'pr' }>;
type LoadMoreNode = Extract<RunsNode, { kind: 'loadMore' }>;

/** What the store says changed (the RunStoreChange's list part). */
export interface TreeChange {
  added: readonly number[];
  updated: readonly number[];
  removed: readonly number[];
  reordered: boolean;
}

/** The runs the tree shows, as the store holds them. */
export interface TreeSource {
  readonly runs: readonly AgentRun[];
  readonly hasMore: boolean;
}

/** Redraw everything, or exactly these nodes (each with its children). */
export type TreeRedraw = { kind: 'all' } | { kind: 'nodes'; nodes: RunsNode[] };

export class RunTreeNodes {
  private readonly groupNodes = new Map<GroupId, GroupNode>();
  private readonly runNodes = new Map<number, RunNode>();
  private readonly prNodes = new Map<number, PrNode[]>();
  private readonly loadMoreNode: LoadMoreNode = { kind: 'loadMore' };
  /** Run ids per group, in order, as last shown. */
  private members = new Map<GroupId, number[]>();
  private moreShown = false;

  constructor(private readonly source: TreeSource) {
    this.rebuild();
  }

  roots(): RunsNode[] {
    const roots: RunsNode[] = GROUP_ORDER.flatMap((group) => {
      const node = this.groupNodes.get(group);
      return node ? [node] : [];
    });
    if (roots.length > 0 && this.moreShown) roots.push(this.loadMoreNode);
    return roots;
  }

  children(node: RunsNode): RunsNode[] {
    switch (node.kind) {
      case 'group':
        return (this.members.get(node.group) ?? []).flatMap((id) => {
          const runNode = this.runNodes.get(id);
          return runNode ? [runNode] : [];
        });
      case 'run': {
        const run = node.run;
        let prs = this.prNodes.get(run.id);
        if (!prs || prs.length !== run.pullRequests.length || prs.some((pr, index) => pr.run !== run || pr.pr !== run.pullRequests[index])) {
          prs = run.pullRequests.map((pr, index) => ({ kind: 'pr', run, pr, index }));
          this.prNodes.set(run.id, prs);
        }
        return prs;
      }
      case 'pr':
      case 'loadMore':
        return [];
    }
  }

  parent(node: RunsNode): RunsNode | undefined {
    if (node.kind === 'pr') return this.runNodes.get(node.run.id);
    if (node.kind !== 'run') return undefined;
    for (const [group, ids] of this.members) if (ids.includes(node.run.id)) return this.groupNodes.get(group);
    return undefined;
  }

  /** The node of a run, when it is shown. */
  runNode(id: number): RunNode | undefined {
    return this.runNodes.get(id);
  }

  /**
   * Takes in the store's new state and answers what to redraw: everything when groups appear or go (or the
   * "Load more" row), else the groups whose rows changed and the rows whose run changed, nothing for a
   * change that touches no row (a status message).
   */
  update(change: TreeChange): TreeRedraw {
    const before = this.members;
    const groupsBefore = new Set(this.groupNodes.keys());
    const moreBefore = this.moreShown;
    this.rebuild();
    const groupsNow = new Set(this.groupNodes.keys());
    if (moreBefore !== this.moreShown || groupsBefore.size !== groupsNow.size || [...groupsNow].some((group) => !groupsBefore.has(group))) {
      return { kind: 'all' };
    }
    const nodes: RunsNode[] = [];
    const redrawnGroups = new Set<GroupId>();
    for (const [group, ids] of this.members) {
      const previous = before.get(group) ?? [];
      if (previous.length !== ids.length || previous.some((id, index) => id !== ids[index])) {
        redrawnGroups.add(group);
        nodes.push(this.groupNodes.get(group)!);
      }
    }
    for (const id of change.updated) {
      const node = this.runNodes.get(id);
      if (!node) continue;
      const group = this.groupOfShown(id);
      if (group !== undefined && !redrawnGroups.has(group)) nodes.push(node);
    }
    return { kind: 'nodes', nodes };
  }

  private groupOfShown(id: number): GroupId | undefined {
    for (const [group, ids] of this.members) if (ids.includes(id)) return group;
    return undefined;
  }

  /** Reads the store: group membership, counts, and one node per run (the same object, with the latest run). */
  private rebuild(): void {
    const runs = this.source.runs;
    const groups = groupRuns(runs);
    const members = new Map<GroupId, number[]>();
    const shown = new Set<number>();
    for (const group of GROUP_ORDER) {
      const inGroup = groups[group];
      if (inGroup.length === 0) {
        this.groupNodes.delete(group);
        continue;
      }
      members.set(group, inGroup.map((run) => run.id));
      let node = this.groupNodes.get(group);
      if (!node) {
        node = { kind: 'group', group, count: inGroup.length };
        this.groupNodes.set(group, node);
      }
      node.count = inGroup.length;
      for (const run of inGroup) {
        shown.add(run.id);
        const runNode = this.runNodes.get(run.id);
        if (runNode) runNode.run = run;
        else this.runNodes.set(run.id, { kind: 'run', run });
      }
    }
    for (const id of this.runNodes.keys()) {
      if (!shown.has(id)) {
        this.runNodes.delete(id);
        this.prNodes.delete(id);
      }
    }
    this.members = members;
    this.moreShown = this.source.hasMore;
  }
}
