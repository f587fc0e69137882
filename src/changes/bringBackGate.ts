// The decisions behind every door that brings a run's work back (Review changes, Check out, Apply, Switch back,
// the review's file contents), without VS Code: refuse while the workspace is not trusted (a repository's
// config and hooks can run programs: no git may start), and what to tell the user about a failure (the
// wording is the git layer's, once; this only picks the severity and the one button to offer). The review's
// file contents come only from the workspace's own repositories (readChangeContent).

import { readBlob } from './changedFiles';
import { ChangesError, isChangesError, untrustedWorkspaceError } from './errors';
import type { GitRunner } from './gitRunner';
import { isRepositoryOfWorkspace } from './repositories';

/** Throws ChangesError `untrustedWorkspace` unless the workspace is trusted: call before anything runs git. */
export function assertTrustedWorkspace(isTrusted: boolean): void {
  if (!isTrusted) throw untrustedWorkspaceError();
}

/** What a failed bring-back shows: the message, how loud, and the one button it offers. */
export interface BringBackFailureNotice {
  message: string;
  severity: 'warning' | 'error';
  /** `manageTrust`: open Manage Workspace Trust; `showLog`: open the log (git's own words are there). */
  offer: 'manageTrust' | 'showLog';
  /** git's sanitized words, for the log (empty when there are none). */
  gitMessage: string;
}

/** The notice of any error a bring-back door met: a ChangesError as the git layer worded it, anything else in one sentence. */
export function bringBackFailureNotice(error: unknown): BringBackFailureNotice {
  if (isChangesError(error, 'untrustedWorkspace')) return { message: error.message, severity: 'warning', offer: 'manageTrust', gitMessage: '' };
  if (isChangesError(error)) return { message: error.message, severity: 'error', offer: 'showLog', gitMessage: error.gitMessage };
  const said = error instanceof Error ? error.message : String(error);
  return { message: `Could not bring the pull request's changes back: ${said}`, severity: 'error', offer: 'showLog', gitMessage: '' };
}

/** A file of the review's diff editor: the repository, the commit and the path its URI names (untrusted). */
export interface ChangeContentQuery {
  root: string;
  rev: string;
  path: string;
}

/**
 * The bytes of `query.path` at `query.rev` (undefined when absent there), served only in a trusted workspace
 * and only from one of the workspace's repositories (isRepositoryOfWorkspace): a URI naming another folder
 * is refused with ChangesError `notAGitRepository` before any git runs there.
 */
export async function readChangeContent(runner: GitRunner, isTrusted: boolean, folders: readonly string[], query: ChangeContentQuery): Promise<Uint8Array | undefined> {
  assertTrustedWorkspace(isTrusted);
  if (!(await isRepositoryOfWorkspace(runner, folders, query.root))) {
    throw new ChangesError('notAGitRepository', `${query.root.slice(0, 300)} is not a git repository of this workspace: Codegen shows files only from the repositories of the open folders.`);
  }
  return readBlob(runner, query.root, query.rev, query.path);
}
