// The files a chat message or a tool call references, read for sending (workspaceReads: inside the workspace
// for real, never .git, size-capped), each cut to its lines (fileAttachment), and the repository the run goes
// to: the repository of the files it references, whichever workspace folder holds them (not the first
// folder's). Files of two repositories are refused with a clear message: a run works on one repository.
// With several workspace folders, a file's label starts with its folder's name. No vscode here.

import * as path from 'node:path';
import { fileAttachment, type FileReference } from './toolInputs';
import { isNotRead, locateWorkspaceFile, readWorkspaceFile, type LocatedFile, type ReadFolder, type ReadOptions } from './workspaceReads';

/** Git of the repository holding a file (the send pipeline's GitContext): only its root matters here. */
export interface RootedGit {
  rootPath?: string;
}

/** Which repository the referenced files decide on. */
export type FilesRepository<G extends RootedGit> =
  /** No file was read: the workspace's repository, as for a request without files. */
  | { kind: 'workspace' }
  /** The repository of the files (undefined: they are in no git repository, or git cannot be read). */
  | { kind: 'files'; git: G | undefined; folder: string }
  | { kind: 'several'; message: string };

export interface ReferencedFiles<G extends RootedGit> {
  attachments: Array<{ label: string; text: string }>;
  /** Every reference as the confirmation names it, with why it is not sent when it is not. */
  labels: Array<{ label: string; notSent?: string }>;
  repository: FilesRepository<G>;
}

export interface ReferenceOptions<G extends RootedGit> extends ReadOptions {
  /** Git of the repository holding a file (absolute path); undefined when there is none. */
  gitOf?: (file: string) => Promise<G | undefined>;
}

/** Reads the referenced files (in order, each once) and decides the repository. Never throws. */
export async function readReferencedFiles<G extends RootedGit>(refs: readonly FileReference[], folders: readonly ReadFolder[], options: ReferenceOptions<G> = {}): Promise<ReferencedFiles<G>> {
  const attachments: ReferencedFiles<G>['attachments'] = [];
  const labels: ReferencedFiles<G>['labels'] = [];
  const read: LocatedFile[] = [];
  for (const ref of refs) {
    const located = await locateWorkspaceFile(ref.path, folders);
    if (isNotRead(located)) {
      labels.push({ label: ref.path, notSent: located.notSent });
      continue;
    }
    const name = folders.length > 1 ? `${located.folder.name}/${located.relative}` : located.relative;
    const file = await readWorkspaceFile(located, options);
    if (isNotRead(file)) {
      labels.push({ label: name, notSent: file.notSent });
      continue;
    }
    const attachment = fileAttachment({ ...ref, path: name }, file.text);
    attachments.push({ label: attachment.label, text: attachment.text });
    labels.push({ label: attachment.label });
    read.push(located);
  }
  return { attachments, labels, repository: await repositoryOfFiles(read, options.gitOf) };
}

/** The one repository holding the files (each folder of files asked once), or why there is none to choose. */
export async function repositoryOfFiles<G extends RootedGit>(files: readonly LocatedFile[], gitOf: ((file: string) => Promise<G | undefined>) | undefined): Promise<FilesRepository<G>> {
  const [first] = files;
  if (!first) return { kind: 'workspace' };
  if (!gitOf) return { kind: 'files', git: undefined, folder: first.folder.name };
  const byRoot = new Map<string, { git: G; folder: string }>();
  const asked = new Set<string>();
  for (const file of files) {
    const directory = path.dirname(file.absolute);
    if (asked.has(directory)) continue;
    asked.add(directory);
    let git: G | undefined;
    try {
      git = await gitOf(file.absolute);
    } catch {
      git = undefined;
    }
    if (git?.rootPath !== undefined && !byRoot.has(git.rootPath)) byRoot.set(git.rootPath, { git, folder: file.folder.name });
  }
  const roots = [...byRoot.entries()];
  if (roots.length > 1) {
    const names = roots.map(([root, { folder }]) => `${path.posix.basename(root) || root} (folder ${folder})`);
    return { kind: 'several', message: `The files are in ${roots.length} repositories, ${names.join(', ')}, and a run works on one repository: reference files of one repository only, or start one run for each.` };
  }
  const [only] = roots;
  return only ? { kind: 'files', git: only[1].git, folder: only[1].folder } : { kind: 'files', git: undefined, folder: first.folder.name };
}
