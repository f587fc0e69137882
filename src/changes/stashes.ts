// The stashes a checkout makes: pushed under a message naming the run (found again by that message and by the
// stash commit's sha, whatever else was stashed since), never lost track of: a push that fails or times out
// after git saved the stash says where the changes are, and the error carries the stash so it stays recorded.

import { ChangesError, isChangesError, type ChangesErrorKind } from './errors';
import { gitFailure, mustSucceed, type GitResult, type GitRunner } from './gitRunner';
import { refSha } from './repository';

/** Where HEAD was, to switch back to. */
export type PreviousHead = { kind: 'branch'; name: string } | { kind: 'detached'; sha: string };

export interface SavedStash {
  /** The stash commit: finds the entry even after other stashes were pushed. */
  sha: string;
  message: string;
}

/** What every stash this extension makes starts with (then the run id and branch). */
export const CODEGEN_STASH_PREFIX = 'codegen: before checking out run ';

export function stashMessage(runId: number, branch: string): string {
  return `${CODEGEN_STASH_PREFIX}${runId} (${branch})`;
}

/** A failure after which the user's changes are in a stash this extension made: the error says so, and carries it. */
export class KeptStashError extends ChangesError {
  constructor(
    kind: ChangesErrorKind,
    message: string,
    gitMessage: string,
    readonly stash: SavedStash,
    /** Where HEAD was before the checkout: switching back there and applying the stash restores everything. */
    readonly previous: PreviousHead,
  ) {
    super(kind, message, gitMessage);
  }
}

export function keptIn(stash: SavedStash): string {
  return ` Your changes are safe in the stash "${stash.message}" (${stash.sha.slice(0, 12)}).`;
}

/** `stash@{n}` of the stash commit `sha`, if it is still in the list. */
export async function stashEntry(runner: GitRunner, root: string, sha: string): Promise<string | undefined> {
  const listed = await mustSucceed(runner, root, ['stash', 'list', '--format=%H']);
  const index = listed.stdout.split('\n').indexOf(sha);
  return index < 0 ? undefined : `stash@{${index}}`;
}

/** Every stash in the list this extension made (by its message), newest first. */
export async function codegenStashes(runner: GitRunner, root: string): Promise<SavedStash[]> {
  const listed = await mustSucceed(runner, root, ['stash', 'list', '--format=%H%x00%gs']);
  const stashes: SavedStash[] = [];
  for (const line of listed.stdout.split('\n')) {
    const [sha = '', subject = ''] = line.split('\0');
    // `On <branch>: <message>` (or `WIP on …` without one): the message is what follows the first ": ".
    const message = subject.slice(subject.indexOf(': ') + 2);
    if (/^[0-9a-f]{40,64}$/.test(sha) && message.startsWith(CODEGEN_STASH_PREFIX)) stashes.push({ sha, message });
  }
  return stashes;
}

/** The untracked files a stash holds (its third parent), to know which untracked files here would clash with it. */
export async function untrackedInStash(runner: GitRunner, root: string, sha: string): Promise<Set<string>> {
  const third = await refSha(runner, root, `${sha}^3`);
  if (!third) return new Set();
  const listed = await runner.run(root, ['ls-tree', '-r', '-z', '--name-only', third]);
  return new Set(listed.code === 0 ? listed.stdout.split('\0').filter((file) => file !== '') : []);
}

/**
 * Stashes everything uncommitted (untracked files too) under `message`. Whether a stash was made is read from
 * `refs/stash` (before and after), not from git's exit: git can save the stash and then fail, or be stopped
 * at its timeout after saving it. Throws with nothing changed, or with the changes put back, or (KeptStashError)
 * with the changes in the stash, saying which.
 */
export async function pushStash(runner: GitRunner, root: string, message: string, previous: PreviousHead): Promise<SavedStash> {
  const before = await refSha(runner, root, 'refs/stash');
  const args = ['stash', 'push', '--include-untracked', '--quiet', '-m', message];
  let pushed: GitResult | undefined;
  let stopped: ChangesError | undefined;
  try {
    pushed = await runner.run(root, args);
  } catch (error) {
    if (!isChangesError(error, 'timedOut')) throw error;
    stopped = error;
  }
  const sha = await refSha(runner, root, 'refs/stash');
  const made = sha !== undefined && sha !== before && (await stashSubject(runner, root, sha)).endsWith(`: ${message}`);
  if (stopped) {
    if (!made) throw new ChangesError('timedOut', `${stopped.message} It made no stash: nothing was switched; your changes are where they were.`, stopped.gitMessage);
    // Stopped part way: the files may or may not have been cleared, so nothing more is done to them here.
    throw new KeptStashError('timedOut', `${stopped.message} It had saved your changes first.${keptIn({ sha, message })} Nothing was switched; Switch back puts them back.`, stopped.gitMessage, { sha, message }, previous);
  }
  const failure = pushed && pushed.code !== 0 ? gitFailure(args, pushed) : undefined;
  if (!failure && made) return { sha, message };
  if (!made) {
    const why = failure ?? new ChangesError('gitFailed', 'git stash push saved nothing.');
    throw new ChangesError('gitFailed', `${why.message} Nothing was switched; your changes are where they were.`, why.gitMessage);
  }
  // git can record the stash and clear the files, then fail (e.g. on a lock): put everything back before reporting.
  const entry = await stashEntry(runner, root, sha);
  const restored = entry ? await runner.run(root, ['stash', 'pop', '--index', '--quiet', entry]) : undefined;
  const reason = failure?.message ?? 'git stash push failed.';
  if (restored?.code === 0) throw new ChangesError('gitFailed', `${reason} Nothing was switched; your changes are back in place.`, failure?.gitMessage);
  throw new KeptStashError('gitFailed', `${reason}${keptIn({ sha, message })}`, failure?.gitMessage ?? '', { sha, message }, previous);
}

/** The subject of a stash commit: `On <branch>: <message>`. */
async function stashSubject(runner: GitRunner, root: string, sha: string): Promise<string> {
  const result = await runner.run(root, ['log', '-1', '--format=%s', sha]);
  return result.code === 0 ? result.stdout.trim() : '';
}
