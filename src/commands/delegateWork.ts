// "Fix with Codegen" and "Delegate to Codegen": the problems or the TODO become a
// request and a selection of the code around them, and go through the one send pipeline, starting in the
// prompt picker so the user reads (and may change) the request before anything is sent.
import * as vscode from 'vscode';
import type { CommentSyntax } from '../delegate/commentSyntax';
import { diagnosticsRequest, rangeAround } from '../delegate/diagnosticRequest';
import type { TodoComment } from '../delegate/todoComments';
import { todoRequest } from '../delegate/todoRequest';
import { labelOf, toDiagnosticInfo } from './sendTargets';
import type { WorkSender } from './sendWork';

/** Lines of code around the problems sent with them. */
export const DIAGNOSTIC_CONTEXT_LINES = 10;

export class DelegateCommands {
  constructor(private readonly sender: WorkSender) {}

  /** One run for every problem given (several in a selection go together), with the code around them. */
  async fixDiagnostics(document: vscode.TextDocument, diagnostics: readonly vscode.Diagnostic[]): Promise<number | undefined> {
    const infos = diagnostics.map(toDiagnosticInfo);
    const span = rangeAround(infos, document.lineCount, DIAGNOSTIC_CONTEXT_LINES);
    if (!span) return undefined;
    const range = new vscode.Range(span.startLine, 0, span.endLine, document.lineAt(span.endLine).text.length);
    const target = this.sender.targetFor(document, [range], diagnostics);
    const outcome = await this.sender.send({ origin: 'quickFix', target }, { initialText: diagnosticsRequest(infos, labelOf(document)) });
    return outcome.kind === 'created' ? outcome.run.id : undefined;
  }

  /** The TODO comment and the code it is about. */
  async delegateTodo(document: vscode.TextDocument, line: number, todo: TodoComment, syntax: CommentSyntax, words: readonly string[]): Promise<number | undefined> {
    const { request, range } = todoRequest(todo, {
      fileLabel: labelOf(document),
      line,
      lineCount: document.lineCount,
      lineAt: (index) => document.lineAt(index).text,
      syntax,
      words,
    });
    const selection = new vscode.Range(range.startLine, 0, range.endLine, document.lineAt(range.endLine).text.length);
    const target = this.sender.targetFor(document, [selection]);
    const outcome = await this.sender.send({ origin: 'todo', target }, { initialText: request });
    return outcome.kind === 'created' ? outcome.run.id : undefined;
  }
}
