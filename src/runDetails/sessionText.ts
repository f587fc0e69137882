// What the run details panel says: confirmations of the pull request actions, user-facing error messages
// and log descriptions of failures. Pure; English (the core cannot reach vscode.l10n).

import { isApiError } from '../api/errors';
import { assertNever, type ActionKind, type BringBackKind } from '../protocol/messages';
import { serviceLabel } from '../util/serviceText';

/** Confirmation texts: every action on the pull request says what it does to the agents on it. */
export function confirmationFor(kind: Exclude<ActionKind, 'openInBrowser' | BringBackKind>, runId: number): { message: string; detail: string; confirmLabel: string } {
  switch (kind) {
    case 'ban':
      return {
        message: `Ban checks on the pull request of run #${runId}?`,
        detail: 'This stops every agent on that pull request (not only this run) and makes Codegen ignore future CI check events on it.',
        confirmLabel: 'Ban checks',
      };
    case 'unban':
      return {
        message: `Unban checks on the pull request of run #${runId}?`,
        detail: 'This acts on the whole pull request, so it affects every agent on that PR: CI check events on it will start agents again.',
        confirmLabel: 'Unban checks',
      };
    case 'removeFromPr':
      return {
        message: `Remove Codegen from the pull request of run #${runId}?`,
        detail: 'This stops every agent on that pull request (not only this run) and flags the PR so Codegen does not process it again.',
        confirmLabel: 'Remove from PR',
      };
    default:
      return assertNever(kind);
  }
}

/** A user-facing message for a failure: the client's own message for API errors, a generic one otherwise. */
export function errorMessage(error: unknown): string {
  if (isApiError(error)) return serviceLabel(error.message, 500) || 'The Codegen service could not be reached.';
  return 'Something went wrong; see the Codegen output for details.';
}

export function isCancellation(error: unknown): boolean {
  return isApiError(error, 'cancelled') || (error instanceof Error && error.name === 'AbortError');
}

export function describeError(error: unknown): string {
  if (isApiError(error)) return `${error.kind}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The scheme of a refused URL, for the log (never the URL itself: it may carry secrets). */
export function schemeOf(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  return match?.[1] ? `${match[1].toLowerCase().slice(0, 20)}:` : '(relative)';
}
