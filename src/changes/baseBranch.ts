// "Start from my uncommitted changes": the working tree's state (tracked changes and untracked, non-ignored
// files) as a commit on HEAD, made from a TEMPORARY index (GIT_INDEX_FILE: read-tree HEAD, add -A, write-tree,
// commit-tree -p HEAD), pushed to the remote as `codegen/base/<id>` with the user's own git credentials, and
// deleted from the remote later. The user's branch, index, stash and working tree are never written; no local
// branch or ref is left (the remote-tracking ref a push may create is removed; the temp index always is).

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BASE_BRANCH_NAME, BASE_BRANCH_PREFIX, isBaseBranchName } from './baseBranchPrompt';
import { ChangesError, sanitizeGitMessage } from './errors';
import { mustSucceed, type GitRunner } from './gitRunner';
import { chooseRemote, readRemotes, type GitRemote } from './remotes';
import { workingTreeState } from './workingTree';

export interface SnapshotFile {
  /** `A` added (untracked or new), `M` modified, `D` deleted, `R` renamed, `T` type changed. */
  status: string;
  path: string;
}

/** The working tree's state as a tree object (objects only: no ref, no index of the user's was written). */
export interface WorkingTreeSnapshot {
  root: string;
  headSha: string;
  /** The current branch (undefined when detached); only for messages. */
  branch: string | undefined;
  tree: string;
  /** What goes, relative to HEAD. */
  files: SnapshotFile[];
  /** `git diff HEAD <tree>` (text; binary files as "Binary files differ"): what the secret scan reads. */
  diff: string;
}

export interface PublishedBaseBranch {
  /** `codegen/base/<id>`. */
  branch: string;
  /** The commit pushed (parent: HEAD). */
  commit: string;
  remote: GitRemote;
  headSha: string;
}

/** The largest diff of uncommitted changes sent: the secret scan reads all of it. */
export const MAX_DIFF_BYTES = 16 * 1024 * 1024;

/** True when anything is changed or untracked (ignored files do not count). */
export async function hasUncommittedChanges(runner: GitRunner, root: string): Promise<boolean> {
  return (await workingTreeState(runner, root)).dirty;
}

/**
 * The working tree's state as a tree, from a temporary index. Refuses (ChangesError `nothingToSend`) without a
 * commit, with unresolved conflicts, or when nothing differs from HEAD.
 */
export async function snapshotWorkingTree(runner: GitRunner, root: string): Promise<WorkingTreeSnapshot> {
  const state = await workingTreeState(runner, root);
  if (state.headSha === undefined) throw new ChangesError('nothingToSend', 'This repository has no commit yet: commit once, then send your uncommitted changes.');
  if (state.conflicted.length > 0) throw new ChangesError('nothingToSend', `Resolve the merge conflicts first (${state.conflicted.slice(0, 5).join(', ')}).`);
  if (!state.dirty) throw new ChangesError('nothingToSend', 'There are no uncommitted changes to send.');
  const tree = await withTemporaryIndex(async (indexFile) => {
    await mustSucceed(runner, root, ['read-tree', state.headSha ?? 'HEAD'], { indexFile });
    await mustSucceed(runner, root, ['add', '--all', '--', '.'], { indexFile });
    return (await mustSucceed(runner, root, ['write-tree'], { indexFile })).stdout.trim();
  });
  const names = await mustSucceed(runner, root, ['diff-tree', '-r', '-z', '--name-status', '--no-renames', state.headSha, tree]);
  const files = parseNameStatusZ(names.stdout);
  if (files.length === 0) throw new ChangesError('nothingToSend', 'The uncommitted changes add up to nothing: the files equal HEAD.');
  const diff = await mustSucceed(runner, root, ['diff-tree', '-p', '--no-ext-diff', '--no-textconv', '--no-color', state.headSha, tree], { timeoutMs: 60_000 });
  // The secret scan reads the whole diff: what it cannot read is not pushed.
  if (diff.stdout.length > MAX_DIFF_BYTES) throw new ChangesError('nothingToSend', `Your uncommitted changes make a diff over ${MAX_DIFF_BYTES / 1024 / 1024} MB, too large to scan for secrets: commit or set aside the large files, then send again.`);
  return { root, headSha: state.headSha, branch: state.branch, tree, files, diff: diff.stdout };
}

export interface PublishRequest {
  /** The remote to push to (the one the repository decision chose); default: the best-ranked remote. */
  remote?: GitRemote;
  /** The id after `codegen/base/` (lowercase hex); default: 10 random hex digits. */
  id?: string;
  message?: string;
}

/** The snapshot as a commit on HEAD (commit-tree: an object only, no ref) and the branch name it will be pushed as. */
export async function commitSnapshot(runner: GitRunner, snapshot: WorkingTreeSnapshot, request: { id?: string; message?: string } = {}): Promise<{ branch: string; commit: string }> {
  const branch = `${BASE_BRANCH_PREFIX}${request.id ?? randomBytes(5).toString('hex')}`;
  if (!BASE_BRANCH_NAME.test(branch)) throw new ChangesError('invalidBranchName', `${branch} is not a base branch name.`);
  const message = request.message ?? `Codegen: uncommitted changes on ${snapshot.branch ?? snapshot.headSha.slice(0, 12)}`;
  const commit = (await mustSucceed(runner, snapshot.root, ['commit-tree', snapshot.tree, '-p', snapshot.headSha, '-m', message])).stdout.trim();
  return { branch, commit };
}

/** Pushes `commit` as `refs/heads/<branch>` to the remote; a refusal is ChangesError `pushRejected`. No local ref is left. */
export async function pushBaseBranch(runner: GitRunner, root: string, remote: GitRemote, branch: string, commit: string): Promise<void> {
  if (!isBaseBranchName(branch)) throw new ChangesError('invalidBranchName', 'Only codegen/base/<id> branches are pushed.');
  const trackingBefore = await trackingRefs(runner, root);
  try {
    const args = ['push', '--quiet', '--no-follow-tags', '--porcelain', '--', remote.name, `${commit}:refs/heads/${branch}`];
    const result = await runner.run(root, args, { timeoutMs: 120_000 });
    if (result.code !== 0) {
      const said = sanitizeGitMessage(`${result.stderr}\n${result.stdout}`);
      throw new ChangesError('pushRejected', `The remote ${remote.name} refused the branch ${branch}${said ? `: ${said.split('\n').find((line) => line.trim() !== '') ?? ''}` : '.'}`, said);
    }
  } finally {
    await removeNewTrackingRefs(runner, root, trackingBefore);
  }
}

/** Commits the snapshot on HEAD and pushes it as `codegen/base/<id>`; nothing is left locally on failure. */
export async function publishBaseBranch(runner: GitRunner, snapshot: WorkingTreeSnapshot, request: PublishRequest = {}): Promise<PublishedBaseBranch> {
  const remote = request.remote ?? (await chooseBaseRemote(runner, snapshot.root));
  const { branch, commit } = await commitSnapshot(runner, snapshot, request);
  await pushBaseBranch(runner, snapshot.root, remote, branch, commit);
  return { branch, commit, remote, headSha: snapshot.headSha };
}

/** Deletes `codegen/base/<id>` from the remote (named as configured); false when the remote has no such branch. */
export async function deleteBaseBranch(runner: GitRunner, root: string, remoteName: string, branch: string): Promise<boolean> {
  if (!isBaseBranchName(branch)) throw new ChangesError('invalidBranchName', `${JSON.stringify(String(branch).slice(0, 100))} is not a Codegen base branch; it is not deleted.`);
  const remotes = await readRemotes(runner, root);
  const remote = remotes.remotes.find((candidate) => candidate.name === remoteName);
  if (!remote) throw new ChangesError('noRemote', `The remote ${JSON.stringify(remoteName.slice(0, 100))} is not configured in ${root}.`);
  const listed = await mustSucceed(runner, root, ['ls-remote', '--heads', '--', remote.name, `refs/heads/${branch}`], { timeoutMs: 60_000 });
  if (listed.stdout.trim() === '') return false;
  const trackingBefore = await trackingRefs(runner, root);
  try {
    const result = await runner.run(root, ['push', '--quiet', '--porcelain', '--', remote.name, `:refs/heads/${branch}`], { timeoutMs: 120_000 });
    if (result.code !== 0) {
      const said = sanitizeGitMessage(`${result.stderr}\n${result.stdout}`);
      throw new ChangesError('pushRejected', `The remote ${remote.name} refused to delete ${branch}${said ? `: ${said.split('\n').find((line) => line.trim() !== '') ?? ''}` : '.'}`, said);
    }
  } finally {
    await removeNewTrackingRefs(runner, root, trackingBefore);
  }
  return true;
}

/** The remote a base branch goes to: the current branch's tracking remote, origin, upstream, then config order. */
export async function chooseBaseRemote(runner: GitRunner, root: string): Promise<GitRemote> {
  const { remotes, tracking } = await readRemotes(runner, root);
  const state = await workingTreeState(runner, root);
  const trackingRemote = state.branch === undefined ? undefined : tracking.get(state.branch);
  const chosen = await chooseRemote(remotes, () => true, trackingRemote === undefined ? {} : { trackingRemote });
  const remote = chosen?.remote ?? remotes[0];
  if (!remote) throw new ChangesError('noRemote', 'This repository has no remote: add one (git remote add) to start Codegen from your uncommitted changes.');
  return remote;
}

/** Remote-tracking refs under `refs/remotes/*\/codegen/base/` with their values. */
async function trackingRefs(runner: GitRunner, root: string): Promise<Set<string>> {
  const listed = await mustSucceed(runner, root, ['for-each-ref', '--format=%(refname)', 'refs/remotes/']);
  return new Set(listed.stdout.split('\n').filter((ref) => ref.includes(`/${BASE_BRANCH_PREFIX}`)));
}

/** A push updates the remote-tracking ref when a fetch refspec maps the branch: such refs made now are removed. */
async function removeNewTrackingRefs(runner: GitRunner, root: string, before: ReadonlySet<string>): Promise<void> {
  for (const ref of await trackingRefs(runner, root)) {
    if (!before.has(ref)) await runner.run(root, ['update-ref', '-d', ref]);
  }
  // A deleted branch's tracking ref is gone by itself; a stale one of ours that the push removed stays removed.
}

async function withTemporaryIndex<T>(task: (indexFile: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'codegen-base-index-'));
  try {
    return await task(path.join(dir, 'index'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseNameStatusZ(output: string): SnapshotFile[] {
  const fields = output.split('\0');
  const files: SnapshotFile[] = [];
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const status = fields[index] ?? '';
    const file = fields[index + 1] ?? '';
    if (status === '' || file === '') continue;
    files.push({ status: status.charAt(0), path: file });
  }
  return files;
}
