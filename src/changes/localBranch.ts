// The local branch a PR branch is checked out as (same name): whether it exists, and how it relates to the
// fetched tip. A local branch with commits the tip lacks is moved only when it still sits where this extension
// put it (the agent force-pushed; nothing there is the user's), or when the user agreed to a reset, and then
// only after a backup branch keeps its commits.

import { assertValidBranchName } from './branchName';
import { ChangesError } from './errors';
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
export async function fastForwardBranch(runner: GitRunner, root: string, branch: string, from: string, to: string, why = 'fast-forward to the pull request branch'): Promise<void> {
  await mustSucceed(runner, root, ['update-ref', '-m', `codegen: ${why}`, `refs/heads/${branch}`, to, from]);
}

/** What may move a diverged local branch: it is where this extension last put it, or the user agreed to a reset. */
export interface DivergedConsent {
  /** The commit this extension last set the local branch to (created or moved it there). */
  ownTip?: string;
  /** The user agreed to reset the branch from `localSha`, after keeping it as the branch `backup`. */
  resetDiverged?: { localSha: string; backup: string };
}

/** How a diverged branch may move: from where, and the backup to make first (none when the commits are not the user's). */
export function divergedMove(plan: LocalBranchPlan, consent: DivergedConsent): { from: string; backup?: string } | undefined {
  if (plan.kind !== 'diverged') return undefined;
  if (consent.ownTip !== undefined && consent.ownTip === plan.localSha) return { from: plan.localSha };
  if (consent.resetDiverged?.localSha === plan.localSha) return { from: plan.localSha, backup: consent.resetDiverged.backup };
  return undefined;
}

/** The branch that keeps a diverged local branch's commits before a reset: `codegen/backup/<branch>-<short sha>`. */
export function backupBranchName(branch: string, localSha: string): string {
  return `codegen/backup/${branch}-${localSha.slice(0, 7)}`;
}

/** Creates the backup branch at `sha`; one already there (an earlier attempt) is fine, one elsewhere is an error. */
export async function createBackupBranch(runner: GitRunner, root: string, backup: string, sha: string): Promise<void> {
  assertValidBranchName(backup);
  const existing = await refSha(runner, root, `refs/heads/${backup}`);
  if (existing === sha) return;
  if (existing !== undefined) throw new ChangesError('gitFailed', `The backup branch ${backup} exists already at another commit: nothing was changed.`);
  await mustSucceed(runner, root, ['update-ref', '-m', 'codegen: backup before resetting to the pull request branch', `refs/heads/${backup}`, sha, '']);
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
