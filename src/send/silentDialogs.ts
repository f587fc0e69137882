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
