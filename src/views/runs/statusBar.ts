// "2 running · 1 needs you" in the status bar; hidden when there is nothing to say.
import * as vscode from 'vscode';
import { Commands, Views } from '../../ids';
import type { RunStore } from '../../runs/runStore';

export class RunsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(Views.runs, vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: RunStore) {
    this.item.name = vscode.l10n.t('Codegen runs');
    this.item.command = Commands.openRun;
    this.subscription = store.onDidChange(() => this.update());
    this.update();
  }

  /** The text shown, or undefined when hidden (for tests). */
  get text(): string | undefined {
    return this.visible ? this.item.text : undefined;
  }

  private visible = false;

  private update(): void {
    const { running, needsYou } = this.store.counts();
    const parts: string[] = [];
    if (running > 0) parts.push(vscode.l10n.t('{0} running', running));
    if (needsYou > 0) parts.push(vscode.l10n.t('{0} needs you', needsYou));
    if (parts.length === 0) {
      this.item.hide();
      this.visible = false;
      return;
    }
    this.item.text = `${running > 0 ? '$(sync~spin)' : '$(bell-dot)'} ${parts.join(' · ')}`;
    this.item.tooltip = vscode.l10n.t('Codegen runs: click to open one');
    this.item.backgroundColor = needsYou > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: vscode.l10n.t('Codegen: {0}', parts.join(', ')) };
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
