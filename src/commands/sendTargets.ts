// What is sent, taken from VS Code: an editor's document as it is now (text, selections, problems), with
// the path the agent will find it at and its repository's git.
import * as path from 'path';
import * as vscode from 'vscode';
import type { DiagnosticInfo, DiagnosticSeverityName, SelectionRange } from '../context';
import type { BareTarget, DocumentTarget, GitContext } from '../send/sendTypes';

/** Git of the repository holding a file (or of the workspace), as the git adapter knows it. */
export type GitLookup = (uri: vscode.Uri | undefined) => Promise<GitContext | undefined>;

/** The editor a command from a menu was invoked on (menus pass the document's uri), else the active one. */
export function editorFor(argument: unknown): vscode.TextEditor | undefined {
  const active = vscode.window.activeTextEditor;
  if (!(argument instanceof vscode.Uri)) return active;
  const wanted = argument.toString();
  if (active?.document.uri.toString() === wanted) return active;
  return vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === wanted);
}

export function toSelectionRange(range: vscode.Range): SelectionRange {
  return { startLine: range.start.line, startCharacter: range.start.character, endLine: range.end.line, endCharacter: range.end.character };
}

const SEVERITY_NAMES: Record<vscode.DiagnosticSeverity, DiagnosticSeverityName> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

export function toDiagnosticInfo(diagnostic: vscode.Diagnostic): DiagnosticInfo {
  const info: DiagnosticInfo = {
    startLine: diagnostic.range.start.line,
    endLine: diagnostic.range.end.line,
    severity: SEVERITY_NAMES[diagnostic.severity] ?? 'info',
    message: diagnostic.message,
  };
  if (diagnostic.source) info.source = diagnostic.source;
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  if (code !== undefined && code !== '') info.code = String(code);
  return info;
}

export function labelOf(document: vscode.TextDocument): string {
  return document.isUntitled ? path.posix.basename(document.uri.path) : vscode.workspace.asRelativePath(document.uri, hasSeveralFolders());
}

function hasSeveralFolders(): boolean {
  return (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
}

/**
 * The path the agent will find the file at: relative to the git repository's root when git knows it (the
 * workspace may be a subfolder of the repository), else to the workspace folder, else just the name.
 */
function relativePathOf(uri: vscode.Uri, git: GitContext | undefined): string | undefined {
  if (uri.scheme === 'untitled') return undefined;
  if (git?.rootPath !== undefined) {
    const relative = path.posix.relative(git.rootPath, uri.path);
    if (relative !== '' && !relative.startsWith('..') && !path.posix.isAbsolute(relative)) return relative;
  }
  if (vscode.workspace.getWorkspaceFolder(uri)) return vscode.workspace.asRelativePath(uri, hasSeveralFolders());
  return path.posix.basename(uri.path);
}

/** The document as it is now, with the given selections (none or all empty: the whole file). */
export function documentTarget(
  document: vscode.TextDocument,
  selections: readonly vscode.Range[],
  mode: 'selection' | 'file',
  gitLookup: GitLookup,
  diagnostics: readonly vscode.Diagnostic[] = vscode.languages.getDiagnostics(document.uri),
): DocumentTarget {
  const uri = document.uri;
  return {
    kind: 'document',
    label: labelOf(document),
    source: {
      untitledName: document.isUntitled ? path.posix.basename(uri.path) : undefined,
      isUntitled: document.isUntitled,
      isDirty: document.isDirty,
      languageId: document.languageId,
      text: document.getText(),
      eol: document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n',
    },
    selections: selections.map(toSelectionRange),
    mode,
    diagnostics: diagnostics.map(toDiagnosticInfo),
    relativePath: (git) => relativePathOf(uri, git),
    git: () => gitLookup(uri),
  };
}

/** A request without a document: the workspace's repository, or `repository.git`: the repository of the files it references (chat, tools). */
export function bareTarget(gitLookup: GitLookup, attachments?: BareTarget['attachments'], repository?: { git: GitContext | undefined }): BareTarget {
  const git = repository ? () => Promise.resolve(repository.git) : () => gitLookup(undefined);
  return attachments && attachments.length > 0 ? { kind: 'bare', git, attachments } : { kind: 'bare', git };
}

/** "path:12-14,20" for titles. */
export function selectionLabel(selections: readonly SelectionRange[]): string {
  return selections
    .filter((s) => s.startLine !== s.endLine || s.startCharacter !== s.endCharacter)
    .map((s) => {
      const start = Math.min(s.startLine, s.endLine) + 1;
      const end = Math.max(s.startLine, s.endLine) + 1;
      return start === end ? `${start}` : `${start}-${end}`;
    })
    .join(',');
}
