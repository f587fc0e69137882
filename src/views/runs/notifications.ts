// One notification per run transition that matters (finished, needs the user), per the
// codegen.notifications setting, with "Open pull request" and "Show details".
import * as vscode from 'vscode';
import { statusLabel } from '../../api/status';
import type { Settings } from '../../config/settings';
import { Commands } from '../../ids';
import { hasChangesToBringBack, runTitle, shouldNotify, type RunTransition } from '../../runs/runModel';
import type { RunStore } from '../../runs/runStore';
import { serviceLabel } from '../../util/serviceText';
import type { Interaction } from '../../ui/interaction';
import { isSafeExternalUrl } from '../../util/urlPolicy';

export class RunNotifier implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;
  /** How many notifications were raised (tests count them). */
  raised = 0;

  /**
   * @param isNotifyingWindow in 'all' mode every window sees the same transitions (non-holders apply the
   *   shared snapshot): only one window, the focused one or the lease holder, shows them.
   */
  constructor(
    store: RunStore,
    settings: Settings,
    private readonly interaction: Interaction,
    isNotifyingWindow: () => boolean,
  ) {
    this.subscription = store.onDidTransition((transition) => {
      const mode = settings.notifications;
      if (!shouldNotify(transition, mode, store.createdHereIds)) return;
      if (mode === 'all' && !transition.createdHere && !isNotifyingWindow()) return;
      void this.notify(transition);
    });
  }

  private async notify(transition: RunTransition): Promise<void> {
    this.raised++;
    const { run, to } = transition;
    const prUrl = run.pullRequests.map((pr) => pr.url).find(isSafeExternalUrl);
    const title = runTitle(run);
    const message =
      to === 'needsUser'
        ? vscode.l10n.t('Codegen needs you: "{0}" is waiting for your reply.', title)
        : to === 'succeeded'
          ? prUrl
            ? vscode.l10n.t('Codegen finished "{0}" and opened a pull request.', title)
            : vscode.l10n.t('Codegen finished "{0}".', title)
          : vscode.l10n.t('Codegen run "{0}" ended: {1}.', title, serviceLabel(statusLabel(run.status), 60));
    const openPullRequest = vscode.l10n.t('Open pull request');
    const reviewChanges = vscode.l10n.t('Review changes');
    const showDetails = vscode.l10n.t('Show details');
    const actions = [...(hasChangesToBringBack(run) && to === 'succeeded' ? [reviewChanges] : []), ...(prUrl ? [openPullRequest] : []), showDetails];
    const choice = await this.interaction.showMessage({ severity: to === 'failed' ? 'warning' : 'info', message, actions });
    if (choice === openPullRequest && prUrl) await this.interaction.openExternal(prUrl);
    else if (choice === reviewChanges) await vscode.commands.executeCommand(Commands.reviewChanges, run.id);
    else if (choice === showDetails) await vscode.commands.executeCommand(Commands.showRunDetails, run.id);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
