// The one door every bring-back entry point goes through (the palette and context menus, the finish
// notification's Review changes button, the details panel's buttons, the Switch back button): nothing runs
// while the workspace is not trusted (the message offers Manage Workspace Trust), and whatever fails is
// explained to the user, worded by the git layer (bringBackFailureNotice), and the git view is refreshed, so
// no door swallows an error. No vscode import: the editor passes its calls in (see bringBackCommands.ts).
import { assertTrustedWorkspace, bringBackFailureNotice } from '../changes/bringBackGate';
import type { Interaction } from '../ui/interaction';
import type { Log } from '../util/log';

export interface BringBackDoorDeps {
  /** The workspace's trust, asked at every call. */
  isTrusted(): boolean;
  interaction: Pick<Interaction, 'showMessage'>;
  log: Pick<Log, 'warn' | 'show'>;
  /** Re-reads the repositories in the git view (after a failure half-way, what git did shows). */
  refreshGitView(): Promise<void>;
  /** Opens Manage Workspace Trust (`workbench.trust.manage`). */
  manageTrust(): PromiseLike<unknown>;
  /** The buttons' labels, translated by the editor. */
  labels: { manageTrust: string; showLog: string };
}

/**
 * `work` behind the door: refused (with the trust message) while the workspace is not trusted, and every
 * failure shown (never thrown to a caller that would drop it). Answers what `work` answered, or undefined.
 */
export function throughBringBackDoor<A extends unknown[]>(deps: BringBackDoorDeps, name: string, work: (...args: A) => Promise<string | undefined>): (...args: A) => Promise<string | undefined> {
  return async (...args: A) => {
    try {
      assertTrustedWorkspace(deps.isTrusted());
      return await work(...args);
    } catch (error) {
      await showBringBackFailure(deps, name, error);
      return undefined;
    }
  };
}

/** Explains a failure of `name` (log, message with its one button) and refreshes the git view (when git may run). */
export async function showBringBackFailure(deps: BringBackDoorDeps, name: string, error: unknown): Promise<void> {
  const notice = bringBackFailureNotice(error);
  deps.log.warn(`${name} failed: ${notice.message}${notice.gitMessage ? ` git said: ${notice.gitMessage}` : ''}`);
  const action = notice.offer === 'manageTrust' ? deps.labels.manageTrust : deps.labels.showLog;
  void deps.interaction.showMessage({ severity: notice.severity, message: notice.message, actions: [action] }).then(async (choice) => {
    if (choice !== action) return;
    if (notice.offer === 'manageTrust') await deps.manageTrust();
    else deps.log.show();
  }, () => undefined);
  if (deps.isTrusted()) await deps.refreshGitView().catch(() => undefined);
}
