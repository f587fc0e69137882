// Reading a file to send: the one way, for "Run on file", chat references and tool calls. An open editor's
// document is sent as it is (unsaved edits included); any other file is read only when it is a file within
// the size limit. Chat and tools read only files inside the workspace folders (a model may name any path;
// /etc/passwd is not one of ours), bounded in lines too.
import * as path from 'path';
import * as vscode from 'vscode';
import { formatBytes } from '../context';
import { fileAttachment, type FileReference } from '../delegate/toolInputs';

/** Files larger than this are not read for sending: select the part that matters instead. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** A file read for sending, or why it is not sent ("it is a folder"), in words that follow its name. */
export type FileToSend = { document: vscode.TextDocument } | { notSent: string; problem: 'folder' | 'tooLarge' | 'unreadable' };

/** Reads a file for sending: its open document, else the file if it is one and within MAX_FILE_BYTES. Never throws. */
export async function openFileToSend(uri: vscode.Uri): Promise<FileToSend> {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  if (open) return { document: open };
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type & vscode.FileType.Directory) return { notSent: vscode.l10n.t('it is a folder'), problem: 'folder' };
    if (stat.size > MAX_FILE_BYTES) {
      return { notSent: vscode.l10n.t('it is {0}, over the {1} a file sent to Codegen may have', formatBytes(stat.size), formatBytes(MAX_FILE_BYTES)), problem: 'tooLarge' };
    }
    return { document: await vscode.workspace.openTextDocument(uri) };
  } catch (error) {
    return { notSent: vscode.l10n.t('it could not be read: {0}', (error instanceof Error ? error.message : String(error)).slice(0, 200)), problem: 'unreadable' };
  }
}

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

/** Reads referenced files (with optional 1-based line ranges). Files outside the workspace, too large or unreadable get a `notSent` reason. */
export async function readFileReferences(refs: readonly FileReference[]): Promise<{ attachments: FileAttachmentText[]; labels: Array<{ label: string; notSent?: string }> }> {
  const attachments: FileAttachmentText[] = [];
  const labels: Array<{ label: string; notSent?: string }> = [];
  for (const ref of refs) {
    const uri = workspaceFileUri(ref.path);
    if (!uri) {
      labels.push({ label: ref.path, notSent: 'outside the workspace folders' });
      continue;
    }
    const file = await openFileToSend(uri);
    if ('notSent' in file) {
      labels.push({ label: ref.path, notSent: file.notSent });
      continue;
    }
    const attachment = fileAttachment({ ...ref, path: vscode.workspace.asRelativePath(uri, false) }, file.document.getText());
    attachments.push({ label: attachment.label, text: attachment.text });
    labels.push({ label: attachment.label });
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
