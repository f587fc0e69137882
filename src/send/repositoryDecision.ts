// Step 4 of the send pipeline: which repository the run goes to. The setting wins; else the git remote chosen
// by chooseRemote (the one remote choice, which bringing back uses too): the best-ranked remote whose owner/name
// is one of the organization's repositories; else the organization's default. The lookup runs while the user
// types the request. A lookup refused for the token (401) or the access (403) stops the send: another
// repository is never offered for a token that cannot see this one.

import { isApiError } from '../api/errors';
import type { Repository } from '../api/types';
import { chooseRemote, rankRemotes, type GitRemote } from '../changes/remotes';
import type { RepositoryInfo } from '../changes/repositories';
import type { RepositoryResolver } from './repositoryResolver';
import type { GitContext } from './sendTypes';

export type RepositoryLookup =
  /** `remote`: the remote whose repository was chosen (its URL is the one sent). */
  | { kind: 'chosen'; repoId?: number; why: string; remote?: GitRemote }
  | { kind: 'access'; fullName: string; error: unknown }
  | { kind: 'failed'; fullName: string; error: unknown; message: string };

/**
 * What sending takes of a repository (readRepositoryInfo): its remotes to choose from, and until the choice,
 * the best-ranked remote's URL. `rootPath`: the root as the editor's paths spell it (posix).
 */
export function sendingGitContext(info: RepositoryInfo, rootPath: string): GitContext {
  const context: GitContext = { rootPath, remotes: info.remotes };
  if (info.trackingRemote !== undefined) context.trackingRemote = info.trackingRemote;
  const first = rankRemotes(info.remotes, context.trackingRemote === undefined ? {} : { trackingRemote: context.trackingRemote })[0];
  if (first) context.remoteUrl = first.remote.fetchUrl;
  if (info.branch !== undefined) context.branch = info.branch;
  if (info.commit !== undefined) context.commit = info.commit;
  return context;
}

/** Never rejects: every failure is a lookup result the pipeline decides on. */
export async function lookUpRepository(options: {
  orgId: number;
  settingRepoId: number | undefined;
  git: GitContext | undefined;
  resolver: Pick<RepositoryResolver, 'findByFullName'>;
}): Promise<RepositoryLookup> {
  if (options.settingRepoId !== undefined) return { kind: 'chosen', repoId: options.settingRepoId, why: `repository ${options.settingRepoId} from the codegen.repositoryId setting` };
  const git = options.git;
  const remotes = git?.remotes ?? (git?.remoteUrl !== undefined ? [{ name: 'remote', fetchUrl: git.remoteUrl }] : []);
  const preference = git?.trackingRemote === undefined ? {} : { trackingRemote: git.trackingRemote };
  const asked: string[] = [];
  try {
    const chosen = await chooseRemote<Repository>(
      remotes,
      (fullName) => {
        asked.push(fullName);
        return options.resolver.findByFullName(options.orgId, fullName);
      },
      preference,
    );
    if (chosen) return { kind: 'chosen', repoId: chosen.match.id, why: `the git remote ${chosen.fullName} is Codegen repository ${chosen.match.id}`, remote: chosen.remote };
    if (asked.length === 0) return { kind: 'chosen', why: "no git remote of the form owner/name: the organization's default repository" };
    return { kind: 'chosen', why: `organization ${options.orgId} has no repository named ${asked.join(' or ')}: the organization's default repository` };
  } catch (error) {
    const fullName = asked.at(-1) ?? '';
    if (isApiError(error, 'unauthorized') || isApiError(error, 'forbidden')) return { kind: 'access', fullName, error };
    return { kind: 'failed', fullName, error, message: error instanceof Error ? error.message : String(error) };
  }
}
