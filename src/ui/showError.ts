import * as vscode from 'vscode';
import { adviseOnError, type FixAction } from '../util/errorAdvice';
import { isSafeExternalUrl } from '../util/urlPolicy';
import type { Interaction } from './interaction';
import type { Log } from '../util/log';
import { Commands } from '../ids';

/** Shows a failure with the action that fixes it, and runs that action when chosen. */
export async function showError(interaction: Interaction, log: Log, error: unknown, what: string): Promise<void> {
  const advice = adviseOnError(error, what);
  log.error(advice.message);
  if (advice.actions.length === 0 && /cancelled/.test(advice.message)) return;
  const labeled = advice.actions.map((action) => ({ action, label: actionLabel(action) }));
  const choice = await interaction.showMessage({ severity: 'error', message: advice.message, actions: labeled.map((a) => a.label) });
  const action = labeled.find((a) => a.label === choice)?.action;
  if (!action) return;
  switch (action.kind) {
    case 'setToken':
      await vscode.commands.executeCommand(Commands.setToken);
      return;
    case 'selectOrganization':
      await vscode.commands.executeCommand(Commands.selectOrganization);
      return;
    case 'openUrl':
      if (isSafeExternalUrl(action.url)) await interaction.openExternal(action.url);
      return;
    case 'openSettings':
      await vscode.commands.executeCommand('workbench.action.openSettings', action.query);
      return;
    case 'showLog':
      log.show();
      return;
  }
}

/** The button of a fix, localized (errorAdvice's messages stay English: core modules cannot reach vscode.l10n). */
function actionLabel(action: FixAction): string {
  switch (action.kind) {
    case 'setToken':
      return vscode.l10n.t('Set API token');
    case 'selectOrganization':
      return vscode.l10n.t('Select organization');
    case 'openSettings':
      return vscode.l10n.t('Open settings');
    case 'showLog':
      return vscode.l10n.t('Show log');
    case 'openUrl':
      if (action.label === 'Open billing') return vscode.l10n.t('Open billing');
      if (action.label === 'Open repository settings') return vscode.l10n.t('Open repository settings');
      return action.label;
  }
}
