import * as vscode from 'vscode';
import { adviseOnError } from '../util/errorAdvice';
import { isSafeExternalUrl } from '../util/url';
import type { Interaction } from './interaction';
import type { Log } from '../util/log';

/** Shows a failure with the action that fixes it, and runs that action when chosen. */
export async function showError(interaction: Interaction, log: Log, error: unknown, what: string): Promise<void> {
  const advice = adviseOnError(error, what);
  log.error(advice.message);
  if (advice.actions.length === 0 && /cancelled/.test(advice.message)) return;
  const choice = await interaction.showMessage({ severity: 'error', message: advice.message, actions: advice.actions.map((a) => a.label) });
  const action = advice.actions.find((a) => a.label === choice);
  if (!action) return;
  switch (action.kind) {
    case 'setToken':
      await vscode.commands.executeCommand('codegen.setToken');
      return;
    case 'selectOrganization':
      await vscode.commands.executeCommand('codegen.selectOrganization');
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
