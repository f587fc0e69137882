// The "changes to review" marker as a file decoration on the run's row: a badge at the row's right edge,
// where a long title cannot push it out of sight (the description is cut off first), in the marker's
// theme color. The row carries a `codegen-run:/<id>` resource URI for it; the store says which runs
// are unreviewed, and a change to that set redraws exactly the rows it touched.
import * as vscode from 'vscode';
import { Colors, Views } from '../../ids';
import type { RunStore } from '../../runs/runStore';

export function runUri(id: number): vscode.Uri {
  return vscode.Uri.from({ scheme: Views.runScheme, path: `/${id}` });
}

export class RunDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.changed.event;
  private shown: Set<number>;
  private readonly subscription: { dispose(): void };

  constructor(private readonly store: RunStore) {
    this.shown = this.unreviewed();
    this.subscription = store.onDidChange(() => this.update());
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== Views.runScheme) return undefined;
    const id = Number(uri.path.slice(1));
    if (!Number.isSafeInteger(id) || !this.store.isUnreviewed(id)) return undefined;
    const decoration = new vscode.FileDecoration('●', vscode.l10n.t('Changes to review'), new vscode.ThemeColor(Colors.changesToReview));
    decoration.propagate = false;
    return decoration;
  }

  private unreviewed(): Set<number> {
    return new Set(this.store.runs.filter((run) => this.store.isUnreviewed(run.id)).map((run) => run.id));
  }

  private update(): void {
    const next = this.unreviewed();
    const touched = [...next].filter((id) => !this.shown.has(id)).concat([...this.shown].filter((id) => !next.has(id)));
    this.shown = next;
    if (touched.length > 0) this.changed.fire(touched.map(runUri));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
