// A surface the user can turn off in the settings (the Accounts menu entry, quick fixes, TODO actions and
// CodeLens, chat, tools): registered while its setting is on, disposed the moment it is turned off.
import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../ids';

export function toggled(settingKey: string, register: () => vscode.Disposable, defaultValue = true): vscode.Disposable {
  let registration: vscode.Disposable | undefined;
  const apply = (): void => {
    const on = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<boolean>(settingKey, defaultValue) !== false;
    if (on && !registration) registration = register();
    else if (!on && registration) {
      registration.dispose();
      registration = undefined;
    }
  };
  apply();
  const subscription = vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(`${SETTINGS_SECTION}.${settingKey}`)) apply();
  });
  return {
    dispose: () => {
      subscription.dispose();
      registration?.dispose();
      registration = undefined;
    },
  };
}
