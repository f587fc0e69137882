// The one fetch: a run's pull request, from the remote of the workspace's repository that holds the PR's
// repository (repositoryOfPullRequest), with the git CLI and an explicit refspec into one private ref per pull
// request (`refs/codegen/pulls/<number>-<repository hash>`, pullRequestRef), which no branch list shows and
// nothing but this code moves; refs no held run names any more are removed (pruneCodegenRefs). On github.com
// the PR's own ref `refs/pull/<number>/head` is fetched: it holds a fork's commits (the base repository's
// branch of the same name, often `main`, is another branch) and stays after a merged PR's branch is deleted.
// Elsewhere, the head branch. `--refmap=` keeps git from updating refs/remotes/*: the working tree, the index,
// HEAD and the user's branches and remote-tracking refs are never touched. Credentials are git's own
// (credential helpers, SSH keys); nothing prompts. Each failure is worded here, once, for the user.

import { createHash } from 'node:crypto';
import { assertGitAcceptsBranchName, assertValidBranchName } from './branchName';
import { ChangesError, isChangesError, sanitizeGitMessage, type ChangesErrorKind } from './errors';
import type { GitRunner } from './gitRunner';
import { remoteHost, requirePullRequestUrl, type GitRemote, type PullRequestLocation } from './remotes';
import { findRepositories, repositoryCandidates, repositoryOfPullRequest } from './repositories';
import { refSha } from './repository';

/** Every ref this extension makes lives below this prefix (and only pruneCodegenRefs removes them). */
export const CODEGEN_REF_PREFIX = 'refs/codegen/';
export const PULL_REQUEST_REF_PREFIX = `${CODEGEN_REF_PREFIX}pulls/`;

export interface RunBranchTarget {
  runId: number;
  /** The PR's `url`, e.g. `https://github.com/acme/widgets/pull/107` (untrusted: parsed strictly). */
  pullRequestUrl: string;
  /** The PR's `head_branch_name` (untrusted: checked as a branch name). */
  branch: string;
}

export interface FetchRunBranchRequest extends RunBranchTarget {
  /** The workspace's local folders (see repositoryOfPullRequest). */
  folders: readonly string[];
  /** Default: the runner's. */
  timeoutMs?: number;
}

export interface FetchedBranch {
  /** The working tree's top folder. */
  root: string;
  remote: GitRemote;
  branch: string;
  /** The private ref now pointing at the pull request's tip (pullRequestRef). */
  ref: string;
  tipSha: string;
}

/** The one private ref of a pull request (by its URL; throws invalidPullRequestUrl): the same for every run of it. */
export function pullRequestRef(pullRequestUrl: string): string {
  const location = requirePullRequestUrl(pullRequestUrl);
  const repository = createHash('sha256').update(`${location.host}/${location.fullName}`.toLowerCase()).digest('hex').slice(0, 12);
  return `${PULL_REQUEST_REF_PREFIX}${location.number}-${repository}`;
}

/** What the remote holds of the pull request: its own ref on github.com (forks, deleted branches), else its head branch. */
export function pullRequestSource(location: PullRequestLocation, branch: string): string {
  return location.host === 'github.com' ? `refs/pull/${location.number}/head` : `refs/heads/${branch}`;
}

/**
 * Fetches the pull request (pullRequestSource) from its remote into pullRequestRef. Throws ChangesError: invalidBranchName,
 * invalidPullRequestUrl, notAGitRepository, noMatchingRemote, branchNotFound, authFailed, fetchFailed,
 * timedOut, gitMissing, untrustedWorkspace. Nothing runs git before the run id, branch and url are checked.
 */
export async function fetchRunBranch(runner: GitRunner, request: FetchRunBranchRequest): Promise<FetchedBranch> {
  const ref = pullRequestRef(request.pullRequestUrl);
  const source = pullRequestSource(requirePullRequestUrl(request.pullRequestUrl), request.branch);
  assertValidBranchName(request.branch);
  const { root, remote } = await repositoryOfPullRequest(runner, request.folders, request.pullRequestUrl);
  await assertGitAcceptsBranchName(runner, root, request.branch);
  const args = [
    '-c', 'gc.auto=0', '-c', 'maintenance.auto=false',
    // --refmap= : no opportunistic update of refs/remotes/<remote>/<branch>; only the private ref moves.
    'fetch', '--no-tags', '--no-recurse-submodules', '--refmap=', '--quiet', '--', remote.name, `+${source}:${ref}`,
  ];
  const result = await runner.run(root, args, request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }).catch((error: unknown) => {
    if (!isChangesError(error, 'timedOut')) throw error;
    throw new ChangesError('timedOut', `Fetching ${request.branch} from ${remote.name} took too long and was stopped: the remote did not answer in time.`, error.gitMessage);
  });
  if (result.code !== 0) {
    const kind = classifyFetchFailure(result.stderr);
    const said = sanitizeGitMessage(result.stderr);
    throw new ChangesError(kind, fetchFailureMessage(kind, request.branch, source, remote, said), said);
  }
  const tipSha = await refSha(runner, root, ref);
  if (!tipSha) throw new ChangesError('fetchFailed', `The fetch of ${request.branch} from ${remote.name} reported success but left no ${ref}.`);
  return { root, remote, branch: request.branch, ref, tipSha };
}

/**
 * Removes this extension's refs in the repository at `root` (below CODEGEN_REF_PREFIX, including the older
 * per-run refs) except those in `keep` (the pullRequestRef of every run still held). Answers the refs removed.
 */
export async function pruneCodegenRefs(runner: GitRunner, root: string, keep: ReadonlySet<string>): Promise<string[]> {
  const listed = await runner.run(root, ['for-each-ref', '--format=%(refname)', CODEGEN_REF_PREFIX]);
  if (listed.code !== 0) return [];
  const stale = listed.stdout.split('\n').filter((ref) => ref.startsWith(CODEGEN_REF_PREFIX) && !keep.has(ref));
  if (stale.length === 0) return [];
  const result = await runner.run(root, ['update-ref', '--stdin'], { input: stale.map((ref) => `delete ${ref}\n`).join('') });
  return result.code === 0 ? stale : [];
}

/**
 * Keeps one private ref per pull request a held run names: in every repository of the workspace (its folders
 * and the clones directly inside them), removes this extension's refs of any other pull request. `held` are
 * the PR urls of the runs still held (an invalid url names no ref). Answers the refs removed, by repository.
 */
export async function pruneWorkspaceRefs(runner: GitRunner, folders: readonly string[], held: Iterable<string>): Promise<Map<string, string[]>> {
  const keep = new Set<string>();
  for (const url of held) {
    try {
      keep.add(pullRequestRef(url));
    } catch {
      // not a pull request url: it names no ref
    }
  }
  const removed = new Map<string, string[]>();
  for (const root of await findRepositories(runner, repositoryCandidates(folders), folders)) {
    const refs = await pruneCodegenRefs(runner, root, keep);
    if (refs.length > 0) removed.set(root, refs);
  }
  return removed;
}

const BRANCH_MISSING = /couldn't find remote ref|no such ref was fetched/i;
/** The remote location is wrong or not allowed: not a credentials problem, even if git adds "access rights". */
const NOT_A_REMOTE = /does not appear to be a git repository|transport '[^']*' not allowed|unable to access '[^']*': (?:Could not resolve|Failed to connect|Couldn't connect)|Could not resolve host/i;
const AUTH_REFUSED = new RegExp(
  [
    'Authentication failed', 'could not read (?:Username|Password)', 'terminal prompts disabled', 'Permission denied',
    'HTTP Basic: Access denied', 'The requested URL returned error: 40[13]', 'Repository not found', 'correct access rights',
    'Invalid username or password', 'access denied', 'Host key verification failed', 'no supported authentication',
  ].join('|'),
  'i',
);

/** What git's stderr of a failed fetch means. */
export function classifyFetchFailure(stderr: string): Extract<ChangesErrorKind, 'branchNotFound' | 'authFailed' | 'fetchFailed'> {
  if (BRANCH_MISSING.test(stderr)) return 'branchNotFound';
  if (NOT_A_REMOTE.test(stderr)) return 'fetchFailed';
  if (AUTH_REFUSED.test(stderr)) return 'authFailed';
  return 'fetchFailed';
}

/** The one wording of each fetch failure, shown to the user as it is. */
function fetchFailureMessage(kind: ChangesErrorKind, branch: string, source: string, remote: GitRemote, said: string): string {
  switch (kind) {
    case 'branchNotFound':
      return source.startsWith('refs/pull/')
        ? `${remote.name} has no ${source}: it holds no such pull request (is ${remote.name} the pull request's repository?).`
        : `The pull request branch ${branch} is gone from ${remote.name} (deleted after the merge?).`;
    case 'authFailed': {
      const host = remoteHost(remote.fetchUrl) ?? remote.name;
      return `${remote.name} refused the fetch of ${branch}: git's credentials for ${host} are missing or have no access to it. Set them up for git itself (a credential helper for https, an SSH key for ssh), check with "git fetch ${remote.name}" in a terminal, then try again.`;
    }
    default:
      return `Fetching ${branch} from ${remote.name} failed${said ? `: ${said.split('\n')[0]}` : '.'}`;
  }
}
