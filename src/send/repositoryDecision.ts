// Step 4 of the send pipeline: which repository the run goes to. The setting wins; else the git remote's
// owner/name matched against the organization's repositories; else the organization's default. The lookup
// runs while the user types the request. A lookup refused for the token (401) or the access (403) stops
// the send: another repository is never offered for a token that cannot see this one.

import { isApiError } from '../api/errors';
import { parseGitRemote } from '../context';
import type { RepositoryResolver } from './repositoryResolver';
import type { GitContext } from './sendTypes';

export type RepositoryLookup =
  | { kind: 'chosen'; repoId?: number; why: string }
  | { kind: 'access'; fullName: string; error: unknown }
  | { kind: 'failed'; fullName: string; error: unknown; message: string };

/** Never rejects: every failure is a lookup result the pipeline decides on. */
export async function lookUpRepository(options: {
  orgId: number;
  settingRepoId: number | undefined;
  git: GitContext | undefined;
  resolver: Pick<RepositoryResolver, 'findByFullName'>;
}): Promise<RepositoryLookup> {
  if (options.settingRepoId !== undefined) return { kind: 'chosen', repoId: options.settingRepoId, why: `repository ${options.settingRepoId} from the codegen.repositoryId setting` };
  const fullName = options.git?.remoteUrl !== undefined ? parseGitRemote(options.git.remoteUrl) : undefined;
  if (fullName === undefined) return { kind: 'chosen', why: "no git remote of the form owner/name: the organization's default repository" };
  try {
    const repository = await options.resolver.findByFullName(options.orgId, fullName);
    if (repository) return { kind: 'chosen', repoId: repository.id, why: `the git remote ${fullName} is Codegen repository ${repository.id}` };
    return { kind: 'chosen', why: `organization ${options.orgId} has no repository named ${fullName}: the organization's default repository` };
  } catch (error) {
    if (isApiError(error, 'unauthorized') || isApiError(error, 'forbidden')) return { kind: 'access', fullName, error };
    return { kind: 'failed', fullName, error, message: error instanceof Error ? error.message : String(error) };
  }
}
