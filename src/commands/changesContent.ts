// The `codegen-changes:` content provider: the files of the review's multi-diff editor, read-only from git
// objects. Its URIs come from anywhere (a restored tab, a link, another extension), so their `root` is not
// trusted: nothing is served until the workspace is trusted, and only from a repository of the workspace's
// folders (readChangeContent); otherwise the editor shows the clear error thrown here.
import * as vscode from 'vscode';
import { readChangeContent, type GitRunner } from '../changes';
import { parseContentQuery } from './changesCommands';

export class ChangesContentProvider implements vscode.TextDocumentContentProvider {
  constructor(
    private readonly runner: GitRunner,
    private readonly localFolders: () => string[],
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const query = parseContentQuery(uri.query);
    if (!query) throw new Error(vscode.l10n.t('This Codegen review link is not valid.'));
    if (query.absent) return '';
    const bytes = await readChangeContent(this.runner, vscode.workspace.isTrusted, this.localFolders(), query);
    return bytes ? new TextDecoder().decode(bytes) : '';
  }
}
