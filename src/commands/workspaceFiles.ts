// Files sent with a chat request or a tool call, read from the editor: only files inside the workspace
// folders (a model may name any path; /etc/passwd is not one of ours), bounded in size and lines.
import * as path from 'path';
import * as vscode from 'vscode';
import { fileAttachment, type FileReference } from '../delegate/toolInputs';

export interface FileAttachmentText {
  label: string;
  text: string;
}

/** The workspace file a (workspace-relative or absolute) path names, or undefined when it is outside every folder. */
export function workspaceFileUri(filePath: string): vscode.Uri | undefined {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
  for (const folder of folders) {
    const absolute = path.isAbsolute(filePath) ? path.normalize(filePath) : path.join(folder.uri.fsPath, filePath);
    const relative = path.relative(folder.uri.fsPath, absolute);
    if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) return vscode.Uri.file(absolute);
  }
  return undefined;
}

/** Reads referenced files (with optional 1-based line ranges). Files outside the workspace or unreadable are named in `skipped`. */
export async function readFileReferences(refs: readonly FileReference[]): Promise<{ attachments: FileAttachmentText[]; labels: Array<{ label: string; notSent?: string }> }> {
  const attachments: FileAttachmentText[] = [];
  const labels: Array<{ label: string; notSent?: string }> = [];
  for (const ref of refs) {
    const uri = workspaceFileUri(ref.path);
    if (!uri) {
      labels.push({ label: ref.path, notSent: 'outside the workspace folders' });
      continue;
    }
    try {
      const document = await vscode.workspace.openTextDocument(uri);
      const attachment = fileAttachment({ ...ref, path: vscode.workspace.asRelativePath(uri, false) }, document.getText());
      attachments.push({ label: attachment.label, text: attachment.text });
      labels.push({ label: attachment.label });
    } catch (error) {
      labels.push({ label: ref.path, notSent: error instanceof Error ? error.message.slice(0, 200) : 'could not be read' });
    }
  }
  return { attachments, labels };
}

/** The chat's references (files and selections) as attachments; anything else is named as skipped. */
export async function attachmentsFromReferences(references: readonly vscode.ChatPromptReference[]): Promise<{ attachments: FileAttachmentText[]; skipped: string[] }> {
  const refs: FileReference[] = [];
  const skipped: string[] = [];
  for (const reference of references.slice(0, 20)) {
    const value = reference.value;
    if (value instanceof vscode.Uri) refs.push({ path: value.fsPath });
    else if (value instanceof vscode.Location) refs.push({ path: value.uri.fsPath, startLine: value.range.start.line + 1, endLine: value.range.end.line + 1 });
    else skipped.push(vscode.l10n.t('A reference that is not a file or a selection was not sent.'));
  }
  const { attachments, labels } = await readFileReferences(refs);
  for (const label of labels) if (label.notSent !== undefined) skipped.push(vscode.l10n.t('{0} was not sent: {1}.', label.label, label.notSent));
  return { attachments, skipped };
}
