// Delegate from where the work is found: "Fix with Codegen" as a quick fix on problems, "Delegate to
// Codegen" on TODO / FIXME / HACK comments (code action, and an opt-in CodeLens). Detecting a TODO is
// cheap: the index reads only the lines asked for and forgets only the lines an edit changed, never the
// whole file per keystroke. What is sent, and how, is DelegateCommands' (the one send pipeline).
import * as vscode from 'vscode';
import { Commands, Settings as SettingKeys, SETTINGS_SECTION } from '../../ids';
import { commentSyntaxFor, type CommentSyntax } from '../../delegate/commentSyntax';
import { findTodoOnLine, normalizeTodoWords, type TodoComment } from '../../delegate/todoComments';
import { lineChangeOf, TodoIndex, type TodoDocument } from '../../delegate/todoIndex';
import { toggled } from '../../ui/toggled';

/** What is done with a delegated problem or TODO (DelegateCommands). */
export interface DelegateWork {
  fixDiagnostics(document: vscode.TextDocument, diagnostics: readonly vscode.Diagnostic[]): Promise<number | undefined>;
  delegateTodo(document: vscode.TextDocument, line: number, todo: TodoComment, syntax: CommentSyntax, words: readonly string[]): Promise<number | undefined>;
}

const SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-remote' }];

export class DelegateProviders implements vscode.Disposable, vscode.CodeActionProvider, vscode.CodeLensProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly index: TodoIndex;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly codeLensChanges = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.codeLensChanges.event;

  constructor(
    /** Signed in with an organization: only then is anything offered. */
    private readonly ready: () => boolean,
    private readonly work: DelegateWork,
    /** Signing in or out, or choosing an organization: the CodeLenses come or go with it. */
    onDidChangeReady: (listener: () => void) => { dispose(): void },
  ) {
    this.index = new TodoIndex({ words: this.words() });
    this.subscriptions.push(
      this.codeLensChanges,
      onDidChangeReady(() => this.codeLensChanges.fire()),
      vscode.languages.registerCodeActionsProvider(SELECTOR, this, { providedCodeActionKinds: DelegateProviders.providedCodeActionKinds }),
      toggled(SettingKeys.todoCodeLens, () => vscode.languages.registerCodeLensProvider(SELECTOR, this), false),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length === 0) return;
        this.index.applyChanges(
          event.document.uri.toString(),
          event.document.version,
          event.contentChanges.map((change) => lineChangeOf(change.range.start.line, change.range.end.line, change.text)),
        );
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.index.forget(document.uri.toString())),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!event.affectsConfiguration(`${SETTINGS_SECTION}.${SettingKeys.todoWords}`)) return;
        this.index.setWords(this.words());
        this.codeLensChanges.fire();
      }),
      vscode.commands.registerCommand(Commands.fixWithCodegen, (uri: unknown, diagnostics: unknown) => this.fix(uri, diagnostics)),
      vscode.commands.registerCommand(Commands.delegateTodo, (uri: unknown, line: unknown) => this.delegate(uri, line)),
    );
  }

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (!this.ready() || !this.inWorkspace(document)) return [];
    const actions: vscode.CodeAction[] = [];
    if (this.enabled(SettingKeys.quickFixEnabled) && context.diagnostics.length > 0) {
      const count = context.diagnostics.length;
      const action = new vscode.CodeAction(count === 1 ? vscode.l10n.t('Fix with Codegen') : vscode.l10n.t('Fix {0} problems with Codegen', count), vscode.CodeActionKind.QuickFix);
      action.diagnostics = [...context.diagnostics];
      action.isPreferred = false;
      action.command = { command: Commands.fixWithCodegen, title: action.title, arguments: [document.uri, [...context.diagnostics]] };
      actions.push(action);
    }
    if (this.enabled(SettingKeys.todoCodeActions)) {
      const hit = this.index.linesWith(this.adapt(document), { startLine: range.start.line, endLine: range.end.line })[0];
      if (hit) {
        const action = new vscode.CodeAction(vscode.l10n.t('Delegate this {0} to Codegen', hit.word), vscode.CodeActionKind.QuickFix);
        action.isPreferred = false;
        action.command = { command: Commands.delegateTodo, title: action.title, arguments: [document.uri, hit.line] };
        actions.push(action);
      }
    }
    return actions;
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.ready() || !this.inWorkspace(document)) return [];
    return this.index.linesWith(this.adapt(document), { startLine: 0, endLine: document.lineCount - 1 }).map(
      (hit) => new vscode.CodeLens(new vscode.Range(hit.line, hit.start, hit.line, hit.end), { command: Commands.delegateTodo, title: vscode.l10n.t('Delegate to Codegen'), arguments: [document.uri, hit.line] }),
    );
  }

  /** How many lines the index holds (for tests: it reads only what it is asked). */
  get indexSize(): { documents: number; lines: number } {
    return this.index.size;
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }

  private async fix(uri: unknown, diagnostics: unknown): Promise<number | undefined> {
    const document = await this.documentOf(uri);
    if (!document) return undefined;
    const given = Array.isArray(diagnostics) ? diagnostics.filter((d): d is vscode.Diagnostic => d instanceof vscode.Diagnostic) : [];
    const all = given.length > 0 ? given : vscode.languages.getDiagnostics(document.uri);
    if (all.length === 0) return undefined;
    return this.work.fixDiagnostics(document, all);
  }

  private async delegate(uri: unknown, line: unknown): Promise<number | undefined> {
    const document = await this.documentOf(uri);
    if (!document || typeof line !== 'number' || !Number.isInteger(line) || line < 0 || line >= document.lineCount) return undefined;
    const syntax = commentSyntaxFor(document.languageId);
    const words = this.words();
    const todo = findTodoOnLine(document.lineAt(line).text, syntax, words);
    if (!todo) return undefined;
    return this.work.delegateTodo(document, line, todo, syntax, words);
  }

  private async documentOf(uri: unknown): Promise<vscode.TextDocument | undefined> {
    if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
    return vscode.window.activeTextEditor?.document;
  }

  private adapt(document: vscode.TextDocument): TodoDocument {
    return { uri: document.uri.toString(), version: document.version, lineCount: document.lineCount, languageId: document.languageId, lineAt: (line) => document.lineAt(line).text };
  }

  private inWorkspace(document: vscode.TextDocument): boolean {
    return document.isUntitled || vscode.workspace.getWorkspaceFolder(document.uri) !== undefined;
  }

  private enabled(key: string): boolean {
    return vscode.workspace.getConfiguration(SETTINGS_SECTION).get<boolean>(key, true) !== false;
  }

  private words(): string[] {
    return normalizeTodoWords(vscode.workspace.getConfiguration(SETTINGS_SECTION).get<unknown>(SettingKeys.todoWords));
  }
}
