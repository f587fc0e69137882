// How a send that created no run is said to a caller nobody can be asked through (another extension, a
// language model, the chat): one wording for each outcome, with what the caller can do next.

import type { NotSentReason } from './sendTypes';

const WHY_NOT_SENT: Record<NotSentReason, string> = {
  notReady: 'not signed in to Codegen or no organization selected (the user must run "Codegen: Set API token" and "Codegen: Select organization")',
  noRequest: 'the prompt is empty',
  overLimit: 'the prompt is over the size limit (codegen.context.maxChars)',
  reviewCancelled: 'the review was cancelled',
  secrets: 'the prompt looks like it contains secrets',
  scanFailed: 'the secret scan could not run',
  repositoryLookup: 'the repository could not be looked up',
  access: 'Codegen refused the token or the access',
  cancelled: 'it was cancelled',
  failed: 'creating the run failed',
  baseBranch: 'the uncommitted changes could not be pushed as a base branch',
};

/** Why nothing was sent, in words another extension or a language model can act on. */
export function describeNotSent(reason: NotSentReason, message?: string): string {
  return `Codegen: the run was not created: ${WHY_NOT_SENT[reason]}${message ? `: ${message}` : ''}.`;
}

/** The create's answer was lost: the run may exist. `check` says how this caller finds out ("Ask /status"). */
export function describeMayExist(check: string): string {
  return `Codegen: no answer arrived, so the run may have been created. ${check} before creating it again.`;
}
