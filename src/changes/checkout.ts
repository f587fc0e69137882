// Checking out a PR branch in the current working tree, and switching back. Uncommitted work is never lost:
// every check happens before anything changes; changes (untracked files included) go into a stash named after
// the run; git never overwrites an ignored file (`--no-overwrite-ignore`: the files in the way are named
// instead); a switch that fails undoes only what it wrote (a two-tree move back, which keeps every file changed
// meanwhile) and puts the stash back; a local branch with the user's own commits is moved only when the user
// agreed, after a backup branch keeps them. What the caller must decide about is a result, not an error.

import { assertValidBranchName } from './branchName';
import { ChangesError, filesGitNamed, isChangesError } from './errors';
import { gitFailure, mustSucceed, type GitRunner } from './gitRunner';
import { backupBranchName, createBackupBranch, divergedMove, fastForwardBranch, planLocalBranch, setUpstream, worktreeHolding, type DivergedConsent } from './localBranch';
import { resolveCommit } from './repository';
import { KeptStashError, keptIn, pushStash, stashEntry, stashMessage, untrackedInStash, type PreviousHead, type SavedStash } from './stashes';
import { workingTreeState } from './workingTree';

export { stashEntry, stashMessage, type PreviousHead, type SavedStash } from './stashes';

export interface SwitchRequest extends DivergedConsent {
  /** The PR branch name; the local branch gets the same name. */
  branch: string;
  /** The commit fetched (and reviewed): the switch lands exactly there, whatever the run's private ref says by now. */
  tipSha: string;
  runId: number;
  /** Set as upstream of a newly created local branch, so pull and push reach the PR branch. */
  remoteName?: string;
}

export type SwitchResult =
  | {
      kind: 'switched'; previous: PreviousHead; branch: string; tipSha: string; createdBranch: boolean; fastForwarded: boolean; stash: SavedStash | undefined;
      /** The local branch was moved from this commit (a force-pushed PR branch). */
      movedFrom?: string;
      /** Where the local branch's own commits were kept before the reset. */
      backup?: string;
    }
  /** HEAD is on the branch already, at the tip or ahead of it: nothing changed. */
  | { kind: 'alreadyOnBranch'; branch: string; tipSha: string }
  /** The local branch has commits the PR branch lacks (and the other way round): nothing changed. `backup`: the branch a reset would keep them on. */
  | { kind: 'diverged'; branch: string; localSha: string; tipSha: string; backup: string }
  /** Another worktree has the branch checked out: nothing changed. */
  | { kind: 'checkedOutElsewhere'; branch: string; worktreePath: string }
  /** Unresolved conflicts: they cannot be stashed; nothing changed. */
  | { kind: 'unmergedFiles'; files: string[] }
  /** Files here git would overwrite (untracked or ignored files the branch has too, or edits saved meanwhile): nothing changed. */
  | { kind: 'filesInTheWay'; files: string[] };

/** The commit `sha` (a full id, not a ref that can move), checked to be in the repository. */
export async function exactCommit(runner: GitRunner, root: string, sha: string): Promise<string> {
  if (!/^[0-9a-f]{40,64}$/.test(sha)) throw new ChangesError('gitFailed', `${JSON.stringify(sha.slice(0, 80))} is not a commit id.`);
  if ((await resolveCommit(runner, root, sha)) !== sha) throw new ChangesError('gitFailed', `The commit ${sha.slice(0, 12)} is not in this repository; fetch the branch first.`);
  return sha;
}

/**
 * Switches the working tree at `root` to the PR branch, stashing uncommitted changes and untracked files first.
 * Throws ChangesError when git fails: by then what the switch wrote is undone and the stash applied back, or
 * (KeptStashError) the message says which stash holds the changes.
 */
export async function stashAndSwitch(runner: GitRunner, root: string, request: SwitchRequest): Promise<SwitchResult> {
  assertValidBranchName(request.branch);
  const { branch } = request;
  const tipSha = await exactCommit(runner, root, request.tipSha);
  const state = await workingTreeState(runner, root);
  if (state.conflicted.length > 0) return { kind: 'unmergedFiles', files: state.conflicted };
  const plan = await planLocalBranch(runner, root, branch, tipSha);
  const move = divergedMove(plan, request);
  if (plan.kind === 'diverged' && !move) return { kind: 'diverged', branch, localSha: plan.localSha, tipSha, backup: backupBranchName(branch, plan.localSha) };
  const onBranch = state.branch === branch;
  if (onBranch && (plan.kind === 'upToDate' || plan.kind === 'ahead')) return { kind: 'alreadyOnBranch', branch, tipSha };
  if (!onBranch) {
    const holder = await worktreeHolding(runner, root, branch);
    if (holder !== undefined) return { kind: 'checkedOutElsewhere', branch, worktreePath: holder };
  }
  const headSha = state.headSha;
  if (!headSha) throw new ChangesError('gitFailed', 'HEAD has no commit yet: commit something before checking out a pull request branch.');
  const previous: PreviousHead = state.branch !== undefined ? { kind: 'branch', name: state.branch } : { kind: 'detached', sha: headSha };

  const stash = state.dirty ? await pushStash(runner, root, stashMessage(request.runId, branch), previous) : undefined;
  let created = false;
  try {
    if (move?.backup !== undefined) await createBackupBranch(runner, root, move.backup, move.from);
    if (onBranch && plan.kind === 'fastForward') {
      await mustSucceed(runner, root, ['merge', '--ff-only', '--no-overwrite-ignore', '--no-edit', tipSha]);
    } else if (onBranch && move) {
      // A checked-out branch is not moved under its files: detach onto the tip (files updated as a switch does), move the branch, attach.
      await mustSucceed(runner, root, ['switch', '--no-guess', '--no-overwrite-ignore', '--detach', tipSha]);
      await fastForwardBranch(runner, root, branch, move.from, tipSha, 'reset to the force-pushed pull request branch');
      await mustSucceed(runner, root, ['switch', '--no-guess', branch]);
    } else {
      // The branch first, then the switch: `switch -c` can update the files and then fail to create the ref.
      if (plan.kind === 'create') await mustSucceed(runner, root, ['branch', '--no-track', branch, tipSha]);
      created = plan.kind === 'create';
      if (plan.kind === 'fastForward') await fastForwardBranch(runner, root, branch, plan.localSha, tipSha);
      if (move) await fastForwardBranch(runner, root, branch, move.from, tipSha, 'reset to the force-pushed pull request branch');
      await mustSucceed(runner, root, ['switch', '--no-guess', '--no-overwrite-ignore', branch]);
    }
  } catch (error) {
    return undoFailedSwitch(runner, root, { previous, headSha, tipSha, stash, created: created ? branch : undefined }, error);
  }
  if (plan.kind === 'create' && request.remoteName !== undefined) await setUpstream(runner, root, branch, request.remoteName);
  return {
    kind: 'switched', previous, branch, tipSha, createdBranch: plan.kind === 'create', fastForwarded: plan.kind === 'fastForward', stash,
    ...(move ? { movedFrom: move.from } : {}),
    ...(move?.backup !== undefined ? { backup: move.backup } : {}),
  };
}

export type SwitchBackResult =
  | { kind: 'switchedBack'; previous: PreviousHead; stash: 'none' | 'restored' | 'notFound' | 'conflicts'; conflicted: string[] }
  /** Uncommitted changes here (or untracked files the stash holds too): nothing changed. */
  | { kind: 'dirty'; files: string[] }
  /** Untracked or ignored files here that the previous branch tracks (git would overwrite them): nothing changed. */
  | { kind: 'filesInTheWay'; files: string[] };

/**
 * Switches back to where stashAndSwitch came from, and (with `restoreStash`) applies that stash and drops it.
 * Refuses (`dirty`, `filesInTheWay`, naming the files) rather than carry or clobber uncommitted changes or
 * ignored files. Untracked files that clash with nothing come along. A stash that conflicts stays in the list.
 */
export async function switchBack(runner: GitRunner, root: string, previous: PreviousHead, options: { restoreStash?: SavedStash } = {}): Promise<SwitchBackResult> {
  const state = await workingTreeState(runner, root);
  const stashed = options.restoreStash ? await untrackedInStash(runner, root, options.restoreStash.sha) : new Set<string>();
  const blocking = [...state.conflicted, ...state.changed, ...state.untracked.filter((file) => stashed.has(file))];
  if (blocking.length > 0) return { kind: 'dirty', files: blocking };
  let args: string[];
  if (previous.kind === 'branch') {
    assertValidBranchName(previous.name);
    args = ['switch', '--no-guess', '--no-overwrite-ignore', previous.name];
  } else {
    const sha = await resolveCommit(runner, root, previous.sha);
    if (!sha) throw new ChangesError('gitFailed', `The previous commit ${previous.sha} is gone.`);
    args = ['switch', '--no-guess', '--no-overwrite-ignore', '--detach', sha];
  }
  const switched = await runner.run(root, args);
  if (switched.code !== 0) {
    // git checks every file before it writes one: files it names as in the way mean nothing changed.
    const inTheWay = filesGitNamed(switched.stderr);
    if (inTheWay.length > 0) return { kind: 'filesInTheWay', files: inTheWay };
    throw gitFailure(args, switched);
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

/**
 * After a failed switch: if HEAD is still where it was, what the switch wrote is undone by a two-tree move from
 * the tip back to HEAD (`read-tree -m -u`), which, like a switch, keeps every file changed meanwhile and refuses,
 * changing nothing, where the switch and an edit touched the same file. Never a reset: an edit saved after the
 * status check stays. Then a branch made for the switch is removed and the stash applied back. If git named
 * files in the way (an ignored file, say), that is the answer; otherwise the error, saying where the changes are.
 */
async function undoFailedSwitch(
  runner: GitRunner,
  root: string,
  attempt: { previous: PreviousHead; headSha: string; tipSha: string; stash: SavedStash | undefined; created: string | undefined },
  cause: unknown,
): Promise<SwitchResult> {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const said = isChangesError(cause) ? cause.gitMessage : '';
  const fail = (message: string): Error =>
    attempt.stash
      ? new KeptStashError(isChangesError(cause) ? cause.kind : 'gitFailed', `${message}${keptIn(attempt.stash)}`, said, attempt.stash, attempt.previous)
      : new ChangesError(isChangesError(cause) ? cause.kind : 'gitFailed', message, said);
  const now = await workingTreeState(runner, root);
  const stillThere = (attempt.previous.kind === 'branch' ? now.branch === attempt.previous.name : now.detached) && now.headSha === attempt.headSha;
  if (!stillThere) throw fail(reason);
  const undone = await runner.run(root, ['read-tree', '-m', '-u', attempt.tipSha, attempt.headSha]);
  if (undone.code !== 0) {
    throw fail(`${reason} The switch stopped part way; files you changed meanwhile were left as they are (git said: ${gitFailure(['read-tree'], undone).gitMessage.split('\n')[0] ?? ''}).`);
  }
  if (attempt.created !== undefined) await runner.run(root, ['update-ref', '-d', `refs/heads/${attempt.created}`, attempt.tipSha]);
  if (attempt.stash) {
    const entry = await stashEntry(runner, root, attempt.stash.sha);
    const applied = entry ? await runner.run(root, ['stash', 'pop', '--index', '--quiet', entry]) : undefined;
    if (!applied || applied.code !== 0) throw fail(reason);
  }
  const inTheWay = filesGitNamed(said);
  if (inTheWay.length > 0) return { kind: 'filesInTheWay', files: inTheWay };
  throw cause;
}
