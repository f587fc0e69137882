// Dialogs for entry points where nobody can be asked (the API for other extensions, agent-mode tools
// after their own confirmation): every question is answered "no", so a guard that would ask stops the
// send instead, and the outcome says why.
import type { SendDialogs } from './sendTypes';

export function silentDialogs(options: { signal?: AbortSignal; allowSecrets?: boolean } = {}): SendDialogs {
  return {
    fixReadiness: () => Promise.resolve(undefined),
    pickRequest: () => Promise.resolve(undefined),
    overLimit: () => Promise.resolve('cancel'),
    secretsFound: () => Promise.resolve(options.allowSecrets === true),
    scanFailed: () => Promise.resolve(false),
    repositoryLookupFailed: () => Promise.resolve(false),
    accessProblem: () => Promise.resolve(),
    creating: async (task) => {
      const controller = new AbortController();
      const onAbort = (): void => controller.abort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      // Cancelled before the create began (no abort event comes any more): it is not sent at all.
      const cancelledBefore = options.signal?.aborted === true;
      if (cancelledBefore) controller.abort();
      try {
        return { value: await task(controller.signal) };
      } catch (error) {
        return { error, cancelledWhileSending: !cancelledBefore && options.signal?.aborted === true };
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
      }
    },
    createFailed: () => Promise.resolve('stop'),
    failed: () => Promise.resolve(),
    mayExist: () => undefined,
    created: () => undefined,
  };
}

/** Why nothing was sent, in words another extension or a language model can act on. */
export function describeNotSent(reason: string, message?: string): string {
  const why: Record<string, string> = {
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
  };
  return `Codegen: the run was not created: ${why[reason] ?? reason}${message ? `: ${message}` : ''}.`;
}
