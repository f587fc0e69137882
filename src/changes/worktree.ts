// Checking out a PR branch in a new worktree: a second folder on the branch, sharing the repository, so the
// current working tree (and whatever is uncommitted in it) stays exactly as it is. A force-pushed branch is
// followed as in checkout.ts: moved when it sits where this extension put it, reset after a backup when asked.

import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { assertValidBranchName } from './branchName';
import { ChangesError } from './errors';
import { mustSucceed, type GitRunner } from './gitRunner';
import { exactCommit } from './checkout';
import { backupBranchName, createBackupBranch, divergedMove, fastForwardBranch, planLocalBranch, setUpstream, worktreeHolding, type DivergedConsent } from './localBranch';

export interface WorktreeRequest extends DivergedConsent {
  /** Absolute folder for the new worktree; must not exist, or be an empty folder. */
  dir: string;
  branch: string;
  /** The commit fetched (and reviewed), exactly. */
  tipSha: string;
  /** Upstream of a newly created local branch. */
  remoteName?: string;
}

export type WorktreeResult =
  | { kind: 'added'; path: string; branch: string; tipSha: string; createdBranch: boolean; fastForwarded: boolean; movedFrom?: string; backup?: string }
  | { kind: 'diverged'; branch: string; localSha: string; tipSha: string; backup: string }
  | { kind: 'checkedOutElsewhere'; branch: string; worktreePath: string }
  | { kind: 'pathNotEmpty'; path: string };

/** Adds a worktree at `dir` on the PR branch (created, or moved forward if it is only behind). */
export async function addWorktree(runner: GitRunner, root: string, request: WorktreeRequest): Promise<WorktreeResult> {
  assertValidBranchName(request.branch);
  if (!path.isAbsolute(request.dir)) throw new ChangesError('gitFailed', `The worktree folder must be an absolute path, not ${JSON.stringify(request.dir)}.`);
  const dir = path.resolve(request.dir);
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) return { kind: 'pathNotEmpty', path: dir };
  const { branch } = request;
  const tipSha = await exactCommit(runner, root, request.tipSha);
  const plan = await planLocalBranch(runner, root, branch, tipSha);
  const move = divergedMove(plan, request);
  if (plan.kind === 'diverged' && !move) return { kind: 'diverged', branch, localSha: plan.localSha, tipSha, backup: backupBranchName(branch, plan.localSha) };
  const holder = await worktreeHolding(runner, root, branch);
  if (holder !== undefined) return { kind: 'checkedOutElsewhere', branch, worktreePath: holder };

  if (plan.kind === 'fastForward') await fastForwardBranch(runner, root, branch, plan.localSha, tipSha);
  if (move?.backup !== undefined) await createBackupBranch(runner, root, move.backup, move.from);
  if (move) await fastForwardBranch(runner, root, branch, move.from, tipSha, 'reset to the force-pushed pull request branch');
  const args = plan.kind === 'create' ? ['worktree', 'add', '--no-track', '-b', branch, dir, tipSha] : ['worktree', 'add', dir, branch];
  await mustSucceed(runner, root, args);
  if (plan.kind === 'create' && request.remoteName !== undefined) await setUpstream(runner, root, branch, request.remoteName);
  return {
    kind: 'added', path: dir, branch, tipSha, createdBranch: plan.kind === 'create', fastForwarded: plan.kind === 'fastForward',
    ...(move ? { movedFrom: move.from } : {}),
    ...(move?.backup !== undefined ? { backup: move.backup } : {}),
  };
}
