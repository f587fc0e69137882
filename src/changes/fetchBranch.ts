// Fetching a run's PR branch: from the remote that holds the PR's repository, into a private ref of the run
// (`refs/codegen/runs/<runId>`), which no branch list shows and nothing but this code moves. The working tree,
// the index, HEAD and the user's branches and remote-tracking refs are never touched.

import { assertGitAcceptsBranchName, assertValidBranchName } from './branchName';
import { ChangesError, sanitizeGitMessage, type ChangesErrorKind } from './errors';
import type { GitRunner } from './gitRunner';
import { listRemotes, pickRemote, requirePullRequestUrl, type GitRemote } from './prRemote';
import { refSha, resolveRepository } from './repository';

export const RUN_REF_PREFIX = 'refs/codegen/runs/';

export interface FetchBranchRequest {
  /** Any folder of the working tree. */
  folder: string;
  /** The PR's `url`, e.g. `https://github.com/acme/widgets/pull/107`. */
  pullRequestUrl: string;
  /** The PR's `head_branch_name` (untrusted). */
  branch: string;
  runId: number;
  /** Default: the runner's. */
  timeoutMs?: number;
}

export interface FetchedBranch {
  /** The working tree's top folder. */
  root: string;
  remote: GitRemote;
  branch: string;
  /** The private ref now pointing at the branch tip. */
  ref: string;
  tipSha: string;
}

export function runRef(runId: number): string {
  if (!Number.isSafeInteger(runId) || runId <= 0) throw new ChangesError('gitFailed', `Run id ${String(runId)} is not a positive integer.`);
  return `${RUN_REF_PREFIX}${runId}`;
}

/**
 * Fetches `refs/heads/<branch>` of the PR's remote into runRef(runId). Throws ChangesError: invalidBranchName,
 * invalidPullRequestUrl, notAGitRepository, noMatchingRemote, branchNotFound, authFailed, fetchFailed,
 * timedOut, gitMissing.
 */
export async function fetchPullRequestBranch(runner: GitRunner, request: FetchBranchRequest): Promise<FetchedBranch> {
  const ref = runRef(request.runId);
  assertValidBranchName(request.branch);
  const pullRequest = requirePullRequestUrl(request.pullRequestUrl);
  const root = await resolveRepository(runner, request.folder);
  await assertGitAcceptsBranchName(runner, root, request.branch);
  const remotes = await listRemotes(runner, root);
  const remote = pickRemote(pullRequest, remotes);
  if (!remote) {
    const known = remotes.length === 0 ? 'it has no remote' : `its remotes are ${remotes.map((candidate) => candidate.name).join(', ')}`;
    throw new ChangesError('noMatchingRemote', `No remote of this repository points at ${pullRequest.fullName} (${known}).`);
  }
  const args = [
    '-c', 'gc.auto=0', '-c', 'maintenance.auto=false',
    // --refmap= : no opportunistic update of refs/remotes/<remote>/<branch>; only the private ref moves.
    'fetch', '--no-tags', '--no-recurse-submodules', '--refmap=', '--quiet', '--', remote.name, `+refs/heads/${request.branch}:${ref}`,
  ];
  const result = await runner.run(root, args, request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs });
  if (result.code !== 0) {
    const kind = classifyFetchFailure(result.stderr);
    throw new ChangesError(kind, fetchFailureMessage(kind, request.branch, remote), sanitizeGitMessage(result.stderr));
  }
  const tipSha = await refSha(runner, root, ref);
  if (!tipSha) throw new ChangesError('fetchFailed', `The fetch of ${request.branch} from ${remote.name} reported success but left no ${ref}.`);
  return { root, remote, branch: request.branch, ref, tipSha };
}

/** Removes a run's private ref (once its changes are no longer looked at). True when there was one. */
export async function deleteRunRef(runner: GitRunner, folder: string, runId: number): Promise<boolean> {
  const root = await resolveRepository(runner, folder);
  const ref = runRef(runId);
  if (!(await refSha(runner, root, ref))) return false;
  const result = await runner.run(root, ['update-ref', '-d', ref]);
  return result.code === 0;
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

function fetchFailureMessage(kind: ChangesErrorKind, branch: string, remote: GitRemote): string {
  switch (kind) {
    case 'branchNotFound':
      return `The branch ${branch} is not on ${remote.name} any more (it may have been deleted after the merge).`;
    case 'authFailed':
      return `${remote.name} refused the fetch of ${branch}: check your git credentials for it.`;
    default:
      return `Fetching ${branch} from ${remote.name} failed.`;
  }
}
