// The one way to find a repository of the workspace, for sending (the repository of a file, or of the
// workspace for a request without one) and for bringing back (the repository of a pull request). Candidates
// are the workspace's local folders and the clones directly inside them (as VS Code's git scans one level),
// each resolved with `git rev-parse --show-toplevel` (resolveRepository). A file outside the workspace's
// folders has no repository here: the workspace's trust does not cover a repository elsewhere. A repository
// above a workspace folder counts only when it tracks that folder (a monorepo's package opened alone), not
// when the folder merely sits below its working tree (a home folder kept in git): its remote, branch and
// commit would say nothing true about the work, and its config is not the trusted folder's.

import { existsSync, readdirSync, realpathSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { ChangesError, isChangesError } from './errors';
import type { GitRunner } from './gitRunner';
import { chooseRemoteForPullRequest, readRemotes, requirePullRequestUrl, type GitRemote } from './remotes';
import { resolveRepository } from './repository';

/** Clones looked at directly inside each folder, at most. */
export const MAX_NESTED_CLONES = 50;
/** Folders resolved at once. */
const CONCURRENCY = 8;

/** What sending needs of a repository: where it is, HEAD, and its remotes (to choose one with chooseRemote). */
export interface RepositoryInfo {
  root: string;
  /** The current branch; undefined when HEAD is detached. */
  branch?: string;
  /** HEAD's commit; undefined in a repository without commits. */
  commit?: string;
  remotes: GitRemote[];
  /** The remote the current branch tracks, if any. */
  trackingRemote?: string;
}

/** The workspace's folders, then the clones directly inside them (folders holding a `.git`; no symlinks). */
export function repositoryCandidates(folders: readonly string[]): string[] {
  return [...folders, ...folders.flatMap(nestedClones)];
}

/**
 * The working trees holding `candidates`, each once, in the candidates' order, that belong to the workspace
 * whose folders are `folders` (at or below one of them, or above one and tracking it); other candidates are
 * skipped. With `limit`, it stops looking once it found that many.
 */
export async function findRepositories(runner: GitRunner, candidates: readonly string[], folders: readonly string[], limit = Number.POSITIVE_INFINITY): Promise<string[]> {
  const realFolders = folders.map(realPath);
  const roots = new Set<string>();
  for (let start = 0; start < candidates.length && roots.size < limit; start += CONCURRENCY) {
    const batch = await Promise.all(candidates.slice(start, start + CONCURRENCY).map((folder) => rootOrNothing(runner, folder)));
    for (const root of batch) if (root !== undefined && !roots.has(root) && (await belongsToWorkspace(runner, root, realFolders))) roots.add(root);
  }
  return [...roots].slice(0, limit);
}

/** The repository holding `file` (absolute path), when the file is inside one of the workspace's folders. */
export async function repositoryOfFile(runner: GitRunner, folders: readonly string[], file: string): Promise<string | undefined> {
  if (!folders.some((folder) => isInside(file, folder))) return undefined;
  const [root] = await findRepositories(runner, [path.dirname(file)], folders);
  return root;
}

/** The repository of the workspace, for a request without a file: the first folder's, else the only one there is. */
export async function repositoryOfWorkspace(runner: GitRunner, folders: readonly string[]): Promise<string | undefined> {
  const [first] = await findRepositories(runner, folders.slice(0, 1), folders);
  if (first !== undefined) return first;
  const roots = await findRepositories(runner, repositoryCandidates(folders), folders, 2);
  return roots.length === 1 ? roots[0] : undefined;
}

/**
 * The repository of the workspace with a remote holding the pull request's repository, and that remote
 * (chooseRemote). Throws ChangesError invalidPullRequestUrl, notAGitRepository, noMatchingRemote.
 */
export async function repositoryOfPullRequest(runner: GitRunner, folders: readonly string[], pullRequestUrl: string): Promise<{ root: string; remote: GitRemote }> {
  const pullRequest = requirePullRequestUrl(pullRequestUrl);
  if (folders.length === 0) throw new ChangesError('notAGitRepository', 'Open the folder of a git repository first: the workspace has no folder.');
  const roots = await findRepositories(runner, repositoryCandidates(folders), folders);
  if (roots.length === 0) throw new ChangesError('notAGitRepository', 'No folder of this workspace is a git repository: open a clone of the pull request\u2019s repository.');
  const seen: string[] = [];
  for (const root of roots) {
    const [{ remotes, tracking }, head] = await Promise.all([readRemotes(runner, root), currentBranch(runner, root)]);
    const remote = await chooseRemoteForPullRequest(pullRequest, remotes, head === undefined ? undefined : tracking.get(head));
    if (remote) return { root, remote };
    seen.push(...remotes.map((candidate) => candidate.name));
  }
  const known = roots.length > 1 ? '' : seen.length === 0 ? ' (it has no remote)' : ` (its remotes are ${seen.join(', ')})`;
  throw new ChangesError('noMatchingRemote', `No repository of this workspace has a remote pointing at ${pullRequest.fullName}${known}: open a clone of it, or add it as a remote.`);
}

/**
 * Whether `root` is the top folder of one of the workspace's repositories (the ones bringing back looks at:
 * its folders and the clones directly inside them), compared by real path. Anything else (a path a URI
 * carries, a repository elsewhere on disk) is not the workspace's, and its trust does not cover it.
 */
export async function isRepositoryOfWorkspace(runner: GitRunner, folders: readonly string[], root: string): Promise<boolean> {
  if (!path.isAbsolute(root) || folders.length === 0) return false;
  const wanted = realPath(root);
  const roots = await findRepositories(runner, repositoryCandidates(folders), folders);
  return roots.some((candidate) => realPath(candidate) === wanted);
}

/** Branch, HEAD commit and remotes of the repository at `root` (two git commands, run together; no status scan). */
export async function readRepositoryInfo(runner: GitRunner, root: string): Promise<RepositoryInfo> {
  const [head, { remotes, tracking }] = await Promise.all([readHead(runner, root), readRemotes(runner, root)]);
  const info: RepositoryInfo = { root, remotes };
  if (head.branch !== undefined) info.branch = head.branch;
  if (head.commit !== undefined) info.commit = head.commit;
  const trackingRemote = head.branch === undefined ? undefined : tracking.get(head.branch);
  if (trackingRemote !== undefined) info.trackingRemote = trackingRemote;
  return info;
}

/** HEAD's commit and branch (`rev-parse`, no status scan); an unborn branch has a name and no commit. */
async function readHead(runner: GitRunner, root: string): Promise<{ branch?: string; commit?: string }> {
  const result = await runner.run(root, ['rev-parse', 'HEAD', '--symbolic-full-name', 'HEAD']);
  const [commit = '', fullName = ''] = result.stdout.split('\n');
  if (result.code === 0 && /^[0-9a-f]{40,64}$/.test(commit)) {
    return fullName.startsWith('refs/heads/') ? { commit, branch: fullName.slice('refs/heads/'.length) } : { commit };
  }
  const branch = await currentBranch(runner, root);
  return branch === undefined ? {} : { branch };
}

/** The branch HEAD is on (born or not); undefined when detached. */
async function currentBranch(runner: GitRunner, root: string): Promise<string | undefined> {
  const result = await runner.run(root, ['symbolic-ref', '-q', 'HEAD']);
  const ref = result.stdout.trim();
  return result.code === 0 && ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

async function rootOrNothing(runner: GitRunner, folder: string): Promise<string | undefined> {
  try {
    return await resolveRepository(runner, folder);
  } catch (error) {
    if (isChangesError(error, 'notAGitRepository')) return undefined;
    throw error;
  }
}

function nestedClones(folder: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && existsSync(path.join(folder, entry.name, '.git')))
    .slice(0, MAX_NESTED_CLONES)
    .map((entry) => path.join(folder, entry.name));
}

/** At or below a workspace folder; or above one whose folder it tracks (a tree in HEAD). */
async function belongsToWorkspace(runner: GitRunner, root: string, realFolders: readonly string[]): Promise<boolean> {
  if (realFolders.some((folder) => path.relative(folder, root) === '' || isInside(root, folder))) return true;
  for (const folder of realFolders) {
    if (!isInside(folder, root)) continue;
    const prefix = path.relative(root, folder).split(path.sep).join('/');
    const listed = await runner.run(root, ['--literal-pathspecs', 'ls-tree', '-d', '-z', '--name-only', 'HEAD', '--', prefix]);
    if (listed.code === 0 && listed.stdout.split('\0').includes(prefix)) return true;
  }
  return false;
}

/** The path with symlinks resolved, as git reports roots (the path itself when it cannot be resolved). */
function realPath(folder: string): string {
  try {
    return realpathSync.native(folder);
  } catch {
    return path.resolve(folder);
  }
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
