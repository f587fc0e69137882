// The one fetch: a run's PR branch, from the remote of the workspace's repository that holds the PR's
// repository (repositoryOfPullRequest), with the git CLI and an explicit refspec into a private ref of the run
// (`refs/codegen/runs/<runId>`), which no branch list shows and nothing but this code moves. `--refmap=` keeps
// git from updating refs/remotes/*: the working tree, the index, HEAD and the user's branches and
// remote-tracking refs are never touched. Credentials are git's own (credential helpers, SSH keys); nothing
// prompts. Each failure is worded here, once, for the user.

import { assertGitAcceptsBranchName, assertValidBranchName } from './branchName';
import { ChangesError, isChangesError, sanitizeGitMessage, type ChangesErrorKind } from './errors';
import type { GitRunner } from './gitRunner';
import { remoteHost, type GitRemote } from './remotes';
import { repositoryOfPullRequest } from './repositories';
import { refSha, resolveRepository } from './repository';

export const RUN_REF_PREFIX = 'refs/codegen/runs/';

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
 * timedOut, gitMissing, untrustedWorkspace. Nothing runs git before the run id, branch and url are checked.
 */
export async function fetchRunBranch(runner: GitRunner, request: FetchRunBranchRequest): Promise<FetchedBranch> {
  const ref = runRef(request.runId);
  assertValidBranchName(request.branch);
  const { root, remote } = await repositoryOfPullRequest(runner, request.folders, request.pullRequestUrl);
  await assertGitAcceptsBranchName(runner, root, request.branch);
  const args = [
    '-c', 'gc.auto=0', '-c', 'maintenance.auto=false',
    // --refmap= : no opportunistic update of refs/remotes/<remote>/<branch>; only the private ref moves.
    'fetch', '--no-tags', '--no-recurse-submodules', '--refmap=', '--quiet', '--', remote.name, `+refs/heads/${request.branch}:${ref}`,
  ];
  const result = await runner.run(root, args, request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }).catch((error: unknown) => {
    if (!isChangesError(error, 'timedOut')) throw error;
    throw new ChangesError('timedOut', `Fetching ${request.branch} from ${remote.name} took too long and was stopped: the remote did not answer in time.`, error.gitMessage);
  });
  if (result.code !== 0) {
    const kind = classifyFetchFailure(result.stderr);
    const said = sanitizeGitMessage(result.stderr);
    throw new ChangesError(kind, fetchFailureMessage(kind, request.branch, remote, said), said);
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

/** The one wording of each fetch failure, shown to the user as it is. */
function fetchFailureMessage(kind: ChangesErrorKind, branch: string, remote: GitRemote, said: string): string {
  switch (kind) {
    case 'branchNotFound':
      return `The pull request branch ${branch} is gone from ${remote.name} (deleted after the merge?).`;
    case 'authFailed': {
      const host = remoteHost(remote.fetchUrl) ?? remote.name;
      return `${remote.name} refused the fetch of ${branch}: git's credentials for ${host} are missing or have no access to it. Set them up for git itself (a credential helper for https, an SSH key for ssh), check with "git fetch ${remote.name}" in a terminal, then try again.`;
    }
    default:
      return `Fetching ${branch} from ${remote.name} failed${said ? `: ${said.split('\n')[0]}` : '.'}`;
  }
}
