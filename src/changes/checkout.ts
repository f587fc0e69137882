// Checking out a PR branch in the current working tree, and switching back. Uncommitted work is never lost:
// every check happens before anything changes; changes (untracked files included) go into a stash named after
// the run; a switch that fails after the stash puts them back; a local branch with the user's own commits
// is never moved. What the caller must decide about is a result, not an error.

import { assertValidBranchName } from './branchName';
import { ChangesError } from './errors';
import { gitFailure, mustSucceed, type GitRunner } from './gitRunner';
import { fastForwardBranch, planLocalBranch, setUpstream, worktreeHolding } from './localBranch';
import { refSha, resolveCommit } from './repository';
import { workingTreeState } from './workingTree';

/** Where HEAD was, to switch back to. */
export type PreviousHead = { kind: 'branch'; name: string } | { kind: 'detached'; sha: string };

export interface SavedStash {
  /** The stash commit: finds the entry even after other stashes were pushed. */
  sha: string;
  message: string;
}

export interface SwitchRequest {
  /** The PR branch name; the local branch gets the same name. */
  branch: string;
  /** The fetched tip (a sha or the run's private ref). */
  tip: string;
  runId: number;
  /** Set as upstream of a newly created local branch, so pull and push reach the PR branch. */
  remoteName?: string;
}

export type SwitchResult =
  | { kind: 'switched'; previous: PreviousHead; branch: string; tipSha: string; createdBranch: boolean; fastForwarded: boolean; stash: SavedStash | undefined }
  /** HEAD is on the branch already, at the tip or ahead of it: nothing changed. */
  | { kind: 'alreadyOnBranch'; branch: string; tipSha: string }
  /** The local branch has commits the PR branch lacks (and the other way round): nothing changed. */
  | { kind: 'diverged'; branch: string; localSha: string; tipSha: string }
  /** Another worktree has the branch checked out: nothing changed. */
  | { kind: 'checkedOutElsewhere'; branch: string; worktreePath: string }
  /** Unresolved conflicts: they cannot be stashed; nothing changed. */
  | { kind: 'unmergedFiles'; files: string[] };

export function stashMessage(runId: number, branch: string): string {
  return `codegen: before checking out run ${runId} (${branch})`;
}

/**
 * Switches the working tree at `root` to the PR branch, stashing uncommitted changes and untracked files first.
 * Throws ChangesError (`gitFailed`) when git fails; by then any stash has been applied back.
 */
export async function stashAndSwitch(runner: GitRunner, root: string, request: SwitchRequest): Promise<SwitchResult> {
  assertValidBranchName(request.branch);
  const { branch } = request;
  const tipSha = await resolveCommit(runner, root, request.tip);
  if (!tipSha) throw new ChangesError('gitFailed', `${request.tip} names no commit; fetch the branch first.`);
  const state = await workingTreeState(runner, root);
  if (state.conflicted.length > 0) return { kind: 'unmergedFiles', files: state.conflicted };
  const plan = await planLocalBranch(runner, root, branch, tipSha);
  if (plan.kind === 'diverged') return { kind: 'diverged', branch, localSha: plan.localSha, tipSha };
  const onBranch = state.branch === branch;
  if (onBranch && (plan.kind === 'upToDate' || plan.kind === 'ahead')) return { kind: 'alreadyOnBranch', branch, tipSha };
  if (!onBranch) {
    const holder = await worktreeHolding(runner, root, branch);
    if (holder !== undefined) return { kind: 'checkedOutElsewhere', branch, worktreePath: holder };
  }
  const previous: PreviousHead | undefined = state.branch !== undefined ? { kind: 'branch', name: state.branch } : state.headSha ? { kind: 'detached', sha: state.headSha } : undefined;
  if (!previous) throw new ChangesError('gitFailed', 'HEAD has no commit yet: commit something before checking out a pull request branch.');

  const stash = state.dirty ? await pushStash(runner, root, stashMessage(request.runId, branch)) : undefined;
  let created = false;
  try {
    if (onBranch) {
      await mustSucceed(runner, root, ['merge', '--ff-only', '--no-edit', tipSha]);
    } else {
      // The branch first, then the switch: `switch -c` can update the files and then fail to create the ref.
      if (plan.kind === 'create') await mustSucceed(runner, root, ['branch', '--no-track', branch, tipSha]);
      created = plan.kind === 'create';
      if (plan.kind === 'fastForward') await fastForwardBranch(runner, root, branch, plan.localSha, tipSha);
      await mustSucceed(runner, root, ['switch', '--no-guess', branch]);
    }
  } catch (error) {
    await undoFailedSwitch(runner, root, { previous, stash, created: created ? { branch, sha: tipSha } : undefined }, error);
    throw error;
  }
  if (plan.kind === 'create' && request.remoteName !== undefined) await setUpstream(runner, root, branch, request.remoteName);
  return { kind: 'switched', previous, branch, tipSha, createdBranch: plan.kind === 'create', fastForwarded: plan.kind === 'fastForward', stash };
}

export type SwitchBackResult =
  | { kind: 'switchedBack'; previous: PreviousHead; stash: 'none' | 'restored' | 'notFound' | 'conflicts'; conflicted: string[] }
  /** Uncommitted changes here (or, to restore a stash, untracked files): nothing changed. */
  | { kind: 'dirty'; files: string[] };

/**
 * Switches back to where stashAndSwitch came from, and (with `restoreStash`) applies that stash and drops it.
 * Refuses (`dirty`) rather than carry or clobber uncommitted changes. A stash that conflicts stays in the list.
 */
export async function switchBack(runner: GitRunner, root: string, previous: PreviousHead, options: { restoreStash?: SavedStash } = {}): Promise<SwitchBackResult> {
  const state = await workingTreeState(runner, root);
  const blocking = [...state.conflicted, ...state.changed, ...(options.restoreStash ? state.untracked : [])];
  if (blocking.length > 0) return { kind: 'dirty', files: blocking };
  if (previous.kind === 'branch') {
    assertValidBranchName(previous.name);
    await mustSucceed(runner, root, ['switch', '--no-guess', previous.name]);
  } else {
    const sha = await resolveCommit(runner, root, previous.sha);
    if (!sha) throw new ChangesError('gitFailed', `The previous commit ${previous.sha} is gone.`);
    await mustSucceed(runner, root, ['switch', '--detach', sha]);
  }
  if (!options.restoreStash) return { kind: 'switchedBack', previous, stash: 'none', conflicted: [] };
  const entry = await stashEntry(runner, root, options.restoreStash.sha);
  if (!entry) return { kind: 'switchedBack', previous, stash: 'notFound', conflicted: [] };
  const applied = await runner.run(root, ['stash', 'apply', '--index', entry]);
  if (applied.code !== 0) {
    const after = await workingTreeState(runner, root);
    if (after.conflicted.length > 0) return { kind: 'switchedBack', previous, stash: 'conflicts', conflicted: after.conflicted };
    throw gitFailure(['stash', 'apply'], applied);
  }
  await mustSucceed(runner, root, ['stash', 'drop', '--quiet', entry]);
  return { kind: 'switchedBack', previous, stash: 'restored', conflicted: [] };
}

/** `stash@{n}` of the stash commit `sha`, if it is still in the list. */
export async function stashEntry(runner: GitRunner, root: string, sha: string): Promise<string | undefined> {
  const listed = await mustSucceed(runner, root, ['stash', 'list', '--format=%H']);
  const index = listed.stdout.split('\n').indexOf(sha);
  return index < 0 ? undefined : `stash@{${index}}`;
}

async function pushStash(runner: GitRunner, root: string, message: string): Promise<SavedStash> {
  const before = await refSha(runner, root, 'refs/stash');
  const args = ['stash', 'push', '--include-untracked', '--quiet', '-m', message];
  const pushed = await runner.run(root, args);
  const sha = await refSha(runner, root, 'refs/stash');
  const made = sha !== undefined && sha !== before;
  if (pushed.code === 0 && made) return { sha, message };
  if (!made) throw new ChangesError('gitFailed', `${gitFailure(args, pushed).message} Nothing was switched; your changes are where they were.`, gitFailure(args, pushed).gitMessage);
  // git can record the stash and clear the files, then fail (e.g. on a lock): put everything back before reporting.
  const entry = await stashEntry(runner, root, sha);
  const restored = entry ? await runner.run(root, ['stash', 'pop', '--index', '--quiet', entry]) : undefined;
  const where = restored?.code === 0 ? ' Nothing was switched; your changes are back in place.' : ` Your changes are safe in the stash "${message}" (${sha.slice(0, 12)}).`;
  throw new ChangesError('gitFailed', `${gitFailure(args, pushed).message}${where}`, gitFailure(args, pushed).gitMessage);
}

/**
 * After a failed switch: if HEAD is still where it was, the files are reset to it (after the stash they were
 * clean there, so only a partial checkout is undone), a branch made for the switch is removed, and the stash is
 * applied back. If HEAD moved, nothing is reset and the stash stays where the error message says.
 */
async function undoFailedSwitch(
  runner: GitRunner,
  root: string,
  attempt: { previous: PreviousHead; stash: SavedStash | undefined; created: { branch: string; sha: string } | undefined },
  cause: unknown,
): Promise<void> {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const now = await workingTreeState(runner, root);
  const stillThere = attempt.previous.kind === 'branch' ? now.branch === attempt.previous.name : now.detached && now.headSha === attempt.previous.sha;
  const keptIn = attempt.stash ? ` Your changes are safe in the stash "${attempt.stash.message}" (${attempt.stash.sha.slice(0, 12)}).` : '';
  if (!stillThere) throw new ChangesError('gitFailed', `${reason}${keptIn}`);
  // reset may fail to write HEAD's reflog (the lock that failed the switch) after restoring the files: check the files.
  await runner.run(root, ['reset', '--hard', '--quiet']);
  if ((await workingTreeState(runner, root)).changed.length > 0) throw new ChangesError('gitFailed', `${reason}${keptIn}`);
  if (attempt.created) await runner.run(root, ['update-ref', '-d', `refs/heads/${attempt.created.branch}`, attempt.created.sha]);
  if (!attempt.stash) return;
  const entry = await stashEntry(runner, root, attempt.stash.sha);
  const applied = entry ? await runner.run(root, ['stash', 'pop', '--index', '--quiet', entry]) : undefined;
  if (!applied || applied.code !== 0) throw new ChangesError('gitFailed', `${reason}${keptIn}`);
}
