// The local branch a PR branch is checked out as (same name): whether it exists, and how it relates to the
// fetched tip. A local branch with commits the tip lacks is never moved: those commits are the user's.

import { mustSucceed, type GitRunner } from './gitRunner';
import { isAncestor, refSha } from './repository';

export type LocalBranchPlan =
  /** No local branch of that name: create it at the tip. */
  | { kind: 'create' }
  /** It is at the tip already. */
  | { kind: 'upToDate'; localSha: string }
  /** It is behind the tip: moving it forward loses nothing. */
  | { kind: 'fastForward'; localSha: string }
  /** It contains the tip and more (the user's commits on top): use it as it is. */
  | { kind: 'ahead'; localSha: string }
  /** Both have commits the other lacks: leave it alone and say so. */
  | { kind: 'diverged'; localSha: string };

export async function planLocalBranch(runner: GitRunner, root: string, branch: string, tipSha: string): Promise<LocalBranchPlan> {
  const localSha = await refSha(runner, root, `refs/heads/${branch}`);
  if (!localSha) return { kind: 'create' };
  if (localSha === tipSha) return { kind: 'upToDate', localSha };
  if (await isAncestor(runner, root, localSha, tipSha)) return { kind: 'fastForward', localSha };
  if (await isAncestor(runner, root, tipSha, localSha)) return { kind: 'ahead', localSha };
  return { kind: 'diverged', localSha };
}

/** The folder of a worktree (this one included) that has `branch` checked out, if any. */
export async function worktreeHolding(runner: GitRunner, root: string, branch: string): Promise<string | undefined> {
  const args = ['worktree', 'list', '--porcelain'];
  const result = await mustSucceed(runner, root, args);
  let current: string | undefined;
  for (const line of result.stdout.split('\n')) {
    if (line.startsWith('worktree ')) current = line.slice('worktree '.length);
    else if (line === `branch refs/heads/${branch}`) return current;
  }
  return undefined;
}

/** Moves a branch that is checked out nowhere from `from` to `to` (compare-and-swap: fails if it moved meanwhile). */
export async function fastForwardBranch(runner: GitRunner, root: string, branch: string, from: string, to: string): Promise<void> {
  await mustSucceed(runner, root, ['update-ref', '-m', 'codegen: fast-forward to the pull request branch', `refs/heads/${branch}`, to, from]);
}

/**
 * Makes `git pull` / `git push` on the new local branch talk to the PR branch on its remote. Called once
 * the branch is checked out (and work may be stashed): a failure here must not turn that into an error,
 * so it is only reported (false) and the branch stays as it is, without an upstream.
 */
export async function setUpstream(runner: GitRunner, root: string, branch: string, remoteName: string): Promise<boolean> {
  for (const [key, value] of [[`branch.${branch}.remote`, remoteName], [`branch.${branch}.merge`, `refs/heads/${branch}`]] as const) {
    const result = await runner.run(root, ['config', '--local', key, value]);
    if (result.code !== 0) return false;
  }
  return true;
}
