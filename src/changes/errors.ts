// Typed failures of the git operations that bring a run's work back, and the sanitizing of git's own words
// before they reach a message: git's stderr can carry remote URLs with tokens, terminal escapes and pages of text.

import { HIDDEN_CHARACTERS } from '../util/serviceText';

export type ChangesErrorKind =
  /** The git executable was not found. */
  | 'gitMissing'
  /** The folder is not inside a git working tree (or is a bare repository). */
  | 'notAGitRepository'
  /** No remote of the repository names the PR's owner/name. */
  | 'noMatchingRemote'
  /** The remote has no such branch (typically deleted after the merge). */
  | 'branchNotFound'
  /** The remote refused us: credentials missing or wrong, no access. */
  | 'authFailed'
  /** Any other fetch failure (network, remote not a repository, transport not allowed). */
  | 'fetchFailed'
  /** The service gave a branch name git would reject, or one that could be taken for an option. */
  | 'invalidBranchName'
  /** The PR url is not `https://<host>/<owner>/<name>/pull/<number>`. */
  | 'invalidPullRequestUrl'
  /** HEAD and the branch share no commit (or HEAD has no commit yet). */
  | 'noCommonHistory'
  /** git ran longer than its timeout and was stopped. */
  | 'timedOut'
  /** The workspace is not trusted: no git was started. */
  | 'untrustedWorkspace'
  /** The repository has no remote to push to. */
  | 'noRemote'
  /** The remote refused a push (hook, protection, credentials). */
  | 'pushRejected'
  /** The working tree cannot be sent as it is (no commit yet, unresolved conflicts, nothing changed). */
  | 'nothingToSend'
  /** A git command failed in a way none of the kinds above describes. */
  | 'gitFailed';

export class ChangesError extends Error {
  override readonly name = 'ChangesError';

  constructor(
    readonly kind: ChangesErrorKind,
    message: string,
    /** git's stderr, sanitized and clamped (see sanitizeGitMessage); empty when git said nothing useful. */
    readonly gitMessage = '',
  ) {
    super(message);
  }
}

/** The one sentence for an untrusted workspace: the runner's trust gate and every bring-back door say it. */
export const UNTRUSTED_WORKSPACE_MESSAGE = 'Codegen runs no git in an untrusted workspace: trust this workspace (Manage Workspace Trust) to use git with Codegen.';

export function untrustedWorkspaceError(): ChangesError {
  return new ChangesError('untrustedWorkspace', UNTRUSTED_WORKSPACE_MESSAGE);
}

export function isChangesError(error: unknown, kind?: ChangesErrorKind): error is ChangesError {
  return error instanceof ChangesError && (kind === undefined || error.kind === kind);
}

/** Longest git message kept, in characters. */
export const MAX_GIT_MESSAGE_CHARS = 1500;

// eslint-disable-next-line no-control-regex -- terminal escape sequences are what this removes
const ANSI_ESCAPES = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]/g;
/** Credentials in URLs: `scheme://user:password@host` keeps `scheme://host`. */
const URL_CREDENTIALS = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^\s/]+@/g;
/** Well-known token shapes (GitHub, GitLab), wherever they appear. */
const TOKENS = /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,})\b/g;

/** git's stderr made safe to show: no escapes or control characters, no credentials, blank runs collapsed, clamped. */
export function sanitizeGitMessage(text: string, maxChars = MAX_GIT_MESSAGE_CHARS): string {
  const cleaned = text
    .replace(/\r\n?/g, '\n')
    .replace(ANSI_ESCAPES, '')
    .replace(HIDDEN_CHARACTERS, '')
    .replace(URL_CREDENTIALS, '$1')
    .replace(TOKENS, '***')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return cleaned.length > maxChars ? `${cleaned.slice(0, maxChars - 1)}…` : cleaned;
}

/**
 * The files git names when it refuses to overwrite or remove them ("The following untracked working tree files
 * would be overwritten by checkout:", "Your local changes to the following files would be overwritten by merge:",
 * each file on its own line after a tab), cleaned for a message. Empty when git named none.
 */
export function filesGitNamed(stderr: string): string[] {
  const files: string[] = [];
  let listing = false;
  for (const line of stderr.replace(/\r\n?/g, '\n').split('\n')) {
    if (/following .*files? would be (?:overwritten|removed)/i.test(line)) listing = true;
    else if (listing && line.startsWith('\t') && line.trim() !== '') files.push(sanitizeGitMessage(line.slice(1), 300));
    else listing = false;
  }
  return [...new Set(files)];
}

/** Files for a message: the first `shown` by name, then how many more. */
export function nameFiles(files: readonly string[], shown = 8): string {
  const named = files.slice(0, shown).join(', ');
  return files.length > shown ? `${named} and ${files.length - shown} more` : named;
}
