// The only composition root: builds the services, registers commands and views, and hands every
// disposable to the extension context.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Codegen', { log: true });
  context.subscriptions.push(log);
  log.info(`Codegen ${String(context.extension.packageJSON.version)} activated`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
