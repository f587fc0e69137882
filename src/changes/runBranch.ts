// A run's pull request branch, fetched into the working tree that holds the PR's repository: which of the
// candidate folders it is (the workspace may hold several repositories), and how it is fetched, through
// the vscode.git extension when the extension gives a fetcher (so the editor's own credentials are used),
// else, or when that fails for another reason than the branch or the access, with the git CLI.

import { assertValidBranchName } from './branchName';
import { ChangesError, isChangesError } from './errors';
import { fetchPullRequestBranch, runRef, type FetchedBranch } from './fetchBranch';
import type { GitRunner } from './gitRunner';
import { listRemotes, pickRemote, requirePullRequestUrl, type GitRemote } from './prRemote';
import { refSha, resolveRepository } from './repository';

/** Fetches a branch with the editor's git (vscode.git); throws when it cannot. */
export interface EditorGitFetcher {
  fetch(root: string, remoteName: string, branch: string): Promise<void>;
}

export interface RunBranchTarget {
  runId: number;
  /** The PR's url (untrusted: parsed strictly). */
  pullRequestUrl: string;
  /** The PR's head_branch_name (untrusted: checked as a branch name). */
  branch: string;
}

export interface RunBranchLog {
  info(message: string): void;
  warn(message: string): void;
}

/** The working tree (among `folders`) whose remote points at the PR's repository, with that remote. */
export async function locateRepository(runner: GitRunner, folders: readonly string[], pullRequestUrl: string): Promise<{ root: string; remote: GitRemote }> {
  const pullRequest = requirePullRequestUrl(pullRequestUrl);
  if (folders.length === 0) throw new ChangesError('notAGitRepository', 'Open the folder of a git repository first: the workspace has no folder.');
  let sawRepository = false;
  const seen = new Set<string>();
  for (const folder of folders) {
    let root: string;
    try {
      root = await resolveRepository(runner, folder);
    } catch (error) {
      if (isChangesError(error) && error.kind === 'notAGitRepository') continue;
      throw error;
    }
    if (seen.has(root)) continue;
    seen.add(root);
    sawRepository = true;
    const remote = pickRemote(pullRequest, await listRemotes(runner, root));
    if (remote) return { root, remote };
  }
  if (!sawRepository) throw new ChangesError('notAGitRepository', 'No folder of this workspace is a git repository: open a clone of the pull request\u2019s repository.');
  throw new ChangesError('noMatchingRemote', `No repository of this workspace has a remote pointing at ${pullRequest.fullName}: open a clone of it, or add it as a remote.`);
}

/** Fetches the run's PR branch into its private ref (refs/codegen/runs/<id>). */
export async function fetchRunBranch(
  runner: GitRunner,
  target: RunBranchTarget,
  folders: readonly string[],
  options: { editorGit?: EditorGitFetcher; log?: RunBranchLog } = {},
): Promise<FetchedBranch> {
  assertValidBranchName(target.branch);
  const { root, remote } = await locateRepository(runner, folders, target.pullRequestUrl);
  if (options.editorGit) {
    try {
      await options.editorGit.fetch(root, remote.name, target.branch);
      const tracking = await refSha(runner, root, `refs/remotes/${remote.name}/${target.branch}`);
      if (tracking) {
        const ref = runRef(target.runId);
        const updated = await runner.run(root, ['update-ref', ref, tracking]);
        if (updated.code === 0) {
          options.log?.info(`Fetched ${target.branch} from ${remote.name} with the editor's git.`);
          return { root, remote, branch: target.branch, ref, tipSha: tracking };
        }
      }
      options.log?.info(`The editor's git fetched ${target.branch} but no remote-tracking ref came of it: fetching with the git CLI.`);
    } catch (error) {
      options.log?.warn(`The editor's git could not fetch ${target.branch} (${error instanceof Error ? error.message.slice(0, 300) : String(error)}): fetching with the git CLI.`);
    }
  }
  return fetchPullRequestBranch(runner, { folder: root, pullRequestUrl: target.pullRequestUrl, branch: target.branch, runId: target.runId });
}
