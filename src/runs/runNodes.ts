// The nodes of the Runs tree, as plain data: the tree renders them, and commands invoked from the tree
// receive them as their argument. Both depend on this module, never on each other.

import type { AgentRun, PullRequest } from '../api/types';
import { pullRequestToBringBack, type GroupId } from './runModel';

export type RunsNode =
  | { kind: 'group'; group: GroupId; count: number }
  | { kind: 'run'; run: AgentRun }
  /** Several agents on one request: the group's row; its children are the attempts' run rows. */
  | { kind: 'attempts'; group: string; runs: AgentRun[] }
  | { kind: 'pr'; run: AgentRun; pr: PullRequest; index: number }
  | { kind: 'loadMore' };

/** Resolves a command argument (a tree node, a run id, or a run) to a run, preferring the store's copy. */
export function runFromArgument(store: { get(id: number): AgentRun | undefined }, argument: unknown): AgentRun | undefined {
  if (typeof argument === 'number') return store.get(argument);
  if (typeof argument === 'string' && /^\d{1,12}$/.test(argument)) return store.get(Number(argument));
  if (argument && typeof argument === 'object') {
    const node = argument as Partial<Extract<RunsNode, { kind: 'run' }>> & { kind?: unknown; id?: unknown };
    if ((node.kind === 'run' || node.kind === 'pr') && node.run && typeof node.run.id === 'number') return store.get(node.run.id) ?? node.run;
    if (typeof node.id === 'number') return store.get(node.id);
  }
  return undefined;
}

/** The pull request a command argument names: a PR node's, else the run's first. */
export function pullRequestFromArgument(argument: unknown, run: AgentRun | undefined): PullRequest | undefined {
  if (argument && typeof argument === 'object' && (argument as { kind?: unknown }).kind === 'pr') {
    const pr = (argument as { pr?: PullRequest }).pr;
    if (pr) return pr;
  }
  return run?.pullRequests[0];
}

/** The run and pull request an argument names: a PR node's, else the run's first PR with changes to bring back, else its first. */
export function resolvePullRequest(store: { get(id: number): AgentRun | undefined }, argument: unknown): { run: AgentRun; pr: PullRequest } | undefined {
  const run = runFromArgument(store, argument);
  if (!run) return undefined;
  const fromNode = argument && typeof argument === 'object' && (argument as { kind?: unknown }).kind === 'pr' ? pullRequestFromArgument(argument, run) : undefined;
  const pr = fromNode ?? pullRequestToBringBack(run) ?? run.pullRequests[0];
  return pr ? { run, pr } : undefined;
}
