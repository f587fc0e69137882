// The local branch a pull request is checked out as. A PR from a fork (or one whose branch was deleted after
// the merge) is fetched from its own ref (refs/pull/<n>/head); its head branch name may be the name of one of
// the base repository's branches, often `main`. Checking it out under that name would move the user's own
// `main` to the fork's commits and make `git push` on it reach the base repository's `main`. So the head
// name is used only when the remote's branch of that name is this pull request (same tip); otherwise the
// branch is `codegen/pr-<number>`, with no upstream.

import type { FetchedBranch } from './fetchBranch';
import { pullRequestSource } from './fetchBranch';
import type { GitRunner } from './gitRunner';
import { requirePullRequestUrl } from './remotes';

export interface PullRequestLocalBranch {
  /** The local branch to create or move. */
  name: string;
  /** The remote to set as upstream of a new local branch (pull and push reach the PR branch), when the head lives there. */
  upstreamRemote?: string;
}

/** The local branch for a pull request that is not the remote's branch of its head name. */
export function forkBranchName(pullRequestNumber: number): string {
  return `codegen/pr-${pullRequestNumber}`;
}

export async function pullRequestLocalBranch(runner: GitRunner, fetched: FetchedBranch, pullRequestUrl: string, timeoutMs?: number): Promise<PullRequestLocalBranch> {
  const location = requirePullRequestUrl(pullRequestUrl);
  const source = pullRequestSource(location, fetched.branch);
  if (source === `refs/heads/${fetched.branch}`) return { name: fetched.branch, upstreamRemote: fetched.remote.name };
  const head = `refs/heads/${fetched.branch}`;
  const listed = await runner
    .run(fetched.root, ['ls-remote', '--heads', '--', fetched.remote.name, head], timeoutMs === undefined ? {} : { timeoutMs })
    .catch(() => undefined);
  const remoteSha = listed?.code === 0 ? listed.stdout.split('\n').map((line) => line.split('\t')).find(([, ref]) => ref === head)?.[0] : undefined;
  if (remoteSha === fetched.tipSha) return { name: fetched.branch, upstreamRemote: fetched.remote.name };
  return { name: forkBranchName(location.number) };
}
