// The Runs tree's nodes, kept stable from one store change to the next, and what a change redraws. VS Code
// knows tree elements by identity: a group or a run keeps the same node object for as long as it is shown,
// so a change can name just the nodes it touched (a new run: its group; an updated run: its row) instead of
// redrawing the whole tree. No vscode here; the view fires what `update` answers.

import type { AgentRun } from '../api/types';
import type { RunsNode } from './runNodes';
import { attemptOf } from './attempts';
import { GROUP_ORDER, groupRuns, type GroupId } from './runModel';

export type GroupNode = Extract<RunsNode, { kind: 'group' }>;
export type RunNode = Extract<RunsNode, { kind: 'run' }>;
export type PrNode = Extract<RunsNode, { kind: 'pr' }>;
export type AttemptsNode = Extract<RunsNode, { kind: 'attempts' }>;
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
  /** Attempt groups shown as one row, by group id. */
  private readonly attemptNodes = new Map<string, AttemptsNode>();
  private readonly loadMoreNode: LoadMoreNode = { kind: 'loadMore' };
  /** Row keys per group, in order, as last shown: `r:<run id>` or `a:<attempt group>`. */
  private members = new Map<GroupId, string[]>();
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
        return (this.members.get(node.group) ?? []).flatMap((key) => {
          const row = this.rowOf(key);
          return row ? [row] : [];
        });
      case 'attempts':
        return node.runs.flatMap((run) => {
          const runNode = this.runNodes.get(run.id);
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
    const key = node.kind === 'run' ? this.rowKeyOf(node.run) : node.kind === 'attempts' ? `a:${node.group}` : undefined;
    if (key === undefined) return undefined;
    if (node.kind === 'run' && key.startsWith('a:')) {
      const attempts = this.attemptNodes.get(key.slice(2));
      if (attempts) return attempts;
    }
    for (const [group, keys] of this.members) if (keys.includes(key)) return this.groupNodes.get(group);
    return undefined;
  }

  /** The row of an attempt group, when it is shown. */
  attemptsNode(group: string): AttemptsNode | undefined {
    return this.attemptNodes.get(group);
  }

  /** The key of the row a run shows in (its attempt group's, when that is shown as one row). */
  private rowKeyOf(run: AgentRun): string {
    const tag = attemptOf(run);
    return tag && this.attemptNodes.has(tag.group) ? `a:${tag.group}` : `r:${run.id}`;
  }

  private rowOf(key: string): RunsNode | undefined {
    return key.startsWith('a:') ? this.attemptNodes.get(key.slice(2)) : this.runNodes.get(Number(key.slice(2)));
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
    const attemptsBefore = new Map([...this.attemptNodes].map(([id, node]) => [id, node.runs.map((run) => run.id).join(',')]));
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
    for (const [id, node] of this.attemptNodes) {
      const group = this.groupOfShown(`a:${id}`);
      if (group !== undefined && !redrawnGroups.has(group) && attemptsBefore.get(id) !== node.runs.map((run) => run.id).join(',')) nodes.push(node);
    }
    for (const id of change.updated) {
      const node = this.runNodes.get(id);
      if (!node) continue;
      const key = this.rowKeyOf(node.run);
      const group = this.groupOfShown(key);
      if (group === undefined || redrawnGroups.has(group)) continue;
      // An attempt's row, and its group's row (whose label counts the attempts' statuses).
      const attempts = key.startsWith('a:') ? this.attemptNodes.get(key.slice(2)) : undefined;
      if (attempts && !nodes.includes(attempts)) nodes.push(attempts);
      nodes.push(node);
    }
    return { kind: 'nodes', nodes };
  }

  private groupOfShown(key: string): GroupId | undefined {
    for (const [group, keys] of this.members) if (keys.includes(key)) return group;
    return undefined;
  }

  /** Reads the store: group membership, counts, and one node per run (the same object, with the latest run). */
  private rebuild(): void {
    const runs = this.source.runs;
    const groups = groupRuns(runs);
    const members = new Map<GroupId, string[]>();
    const shown = new Set<number>();
    // An attempt group of two or more known runs is one row, in the first status group (in GROUP_ORDER) that
    // holds one of its attempts: a group with an attempt that needs the user shows under "Needs you".
    const attemptRuns = new Map<string, AgentRun[]>();
    for (const run of runs) {
      const tag = attemptOf(run);
      if (tag) attemptRuns.set(tag.group, [...(attemptRuns.get(tag.group) ?? []), run]);
    }
    for (const [id, list] of attemptRuns) if (list.length < 2) attemptRuns.delete(id);
    const placedAttempts = new Set<string>();
    for (const group of GROUP_ORDER) {
      const inGroup = groups[group];
      if (inGroup.length === 0) {
        this.groupNodes.delete(group);
        continue;
      }
      const keys: string[] = [];
      // The runs this status group shows: its own, and all attempts of a group whose row it holds.
      let count = 0;
      for (const run of inGroup) {
        const tag = attemptOf(run);
        const attempts = tag ? attemptRuns.get(tag.group) : undefined;
        if (tag && attempts) {
          if (placedAttempts.has(tag.group)) continue;
          placedAttempts.add(tag.group);
          keys.push(`a:${tag.group}`);
          count += attempts.length;
          continue;
        }
        keys.push(`r:${run.id}`);
        count++;
      }
      for (const run of inGroup) shown.add(run.id);
      if (keys.length === 0) {
        // Every run here is an attempt shown under an earlier status group's row.
        this.groupNodes.delete(group);
        continue;
      }
      members.set(group, keys);
      let node = this.groupNodes.get(group);
      if (!node) {
        node = { kind: 'group', group, count };
        this.groupNodes.set(group, node);
      }
      node.count = count;
    }
    for (const run of runs) {
      if (!shown.has(run.id)) continue;
      const runNode = this.runNodes.get(run.id);
      if (runNode) runNode.run = run;
      else this.runNodes.set(run.id, { kind: 'run', run });
    }
    for (const id of this.runNodes.keys()) {
      if (!shown.has(id)) {
        this.runNodes.delete(id);
        this.prNodes.delete(id);
      }
    }
    for (const [id, list] of attemptRuns) {
      const sorted = [...list].sort((a, b) => (attemptOf(a)?.attempt ?? 0) - (attemptOf(b)?.attempt ?? 0) || a.id - b.id);
      const node = this.attemptNodes.get(id);
      if (node) node.runs = sorted;
      else this.attemptNodes.set(id, { kind: 'attempts', group: id, runs: sorted });
    }
    for (const id of this.attemptNodes.keys()) if (!attemptRuns.has(id)) this.attemptNodes.delete(id);
    this.members = members;
    this.moreShown = this.source.hasMore;
  }
}
