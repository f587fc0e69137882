// Reading a file to send. "Run on file" (a file the user chose) opens it as a document. Chat references and
// tool calls read through the core (delegate/fileReferences, delegate/workspaceReads): only files really
// inside a workspace folder (links resolved), never .git, size-capped while read; an open editor's document
// is sent as it is (unsaved edits included). Their run goes to the repository of the files they reference.
import * as vscode from 'vscode';
import { formatBytes } from '../context';
import { readReferencedFiles, type ReferencedFiles } from '../delegate/fileReferences';
import type { FileReference } from '../delegate/toolInputs';
import { MAX_FILE_BYTES, type ReadFolder } from '../delegate/workspaceReads';
import type { GitContext } from '../send/sendTypes';
import type { GitLookup } from './sendTargets';

export { MAX_FILE_BYTES } from '../delegate/workspaceReads';

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

/** The workspace's folders on this machine's disk, by name (a virtual folder has no files here). */
function readFolders(): ReadFolder[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => ({ name: folder.name, path: folder.uri.fsPath }));
}

/** The text of a document open in the editor at one of these paths. */
function openText(paths: readonly string[]): string | undefined {
  const wanted = new Set(paths.map((file) => vscode.Uri.file(file).toString()));
  return vscode.workspace.textDocuments.find((document) => wanted.has(document.uri.toString()))?.getText();
}

/**
 * Reads referenced files (with optional 1-based line ranges), once, and the repository they decide on (gitLookup:
 * git of the repository holding a file). Files outside the workspace, in .git, too large or unreadable get a `notSent` reason.
 */
export function readFileReferences(refs: readonly FileReference[], gitLookup?: GitLookup): Promise<ReferencedFiles<GitContext>> {
  const options = gitLookup ? { openText, gitOf: (file: string) => gitLookup(vscode.Uri.file(file)) } : { openText };
  return readReferencedFiles<GitContext>(refs, readFolders(), options);
}

/** The chat's references (files and selections) as attachments, and their repository; anything else is named as skipped. */
export async function attachmentsFromReferences(
  references: readonly vscode.ChatPromptReference[],
  gitLookup?: GitLookup,
): Promise<{ attachments: FileAttachmentText[]; skipped: string[]; repository: ReferencedFiles<GitContext>['repository'] }> {
  const refs: FileReference[] = [];
  const skipped: string[] = [];
  for (const reference of references.slice(0, 20)) {
    const value = reference.value;
    if (value instanceof vscode.Uri) refs.push({ path: value.fsPath });
    else if (value instanceof vscode.Location) refs.push({ path: value.uri.fsPath, startLine: value.range.start.line + 1, endLine: value.range.end.line + 1 });
    else skipped.push(vscode.l10n.t('A reference that is not a file or a selection was not sent.'));
  }
  const { attachments, labels, repository } = await readFileReferences(refs, gitLookup);
  for (const label of labels) if (label.notSent !== undefined) skipped.push(vscode.l10n.t('{0} was not sent: {1}.', label.label, label.notSent));
  return { attachments, skipped, repository };
}
