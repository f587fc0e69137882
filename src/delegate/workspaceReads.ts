// Reading a workspace file that a language model (a tool call) or a chat reference names, for sending. The
// path is untrusted and so is the workspace: a symbolic link inside a folder can lead anywhere (/etc, the
// home folder, another repository), and `.git/` holds configuration and credentials, not work. So a file is
// read only when its real path (links resolved) is still inside the real path of the workspace folder that
// holds it, never from a `.git` folder (named or reached through a link), only when it is a regular text
// file, and at most `maxBytes`: read once, from one open handle, with the limit applied while reading, so
// what a confirmation shows is what is sent. Which folder a relative path means, in a workspace of several
// folders: `folderName/rest`, else the one folder where it exists; several is ambiguous and said so.
// No vscode here: unit-tested on scratch folders with real links.

import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { formatBytes } from '../context';

/** Files larger than this are not read for sending: select the part that matters instead. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** A workspace folder on this machine's disk. */
export interface ReadFolder {
  /** The folder's name as the workspace shows it. */
  name: string;
  /** Its path on disk (as the workspace opened it, links not resolved). */
  path: string;
}

/** A file named inside a workspace folder (by its path text; links not resolved yet). */
export interface LocatedFile {
  folder: ReadFolder;
  /** The path as named, absolute and normalized. */
  absolute: string;
  /** Relative to the folder, with `/`. */
  relative: string;
}

export type ReadProblem = 'outside' | 'gitFolder' | 'ambiguous' | 'folder' | 'notAFile' | 'tooLarge' | 'binary' | 'unreadable';

/** Why a file is not sent, in words that follow its name ("src was not sent: it is a folder"). */
export interface NotRead {
  notSent: string;
  problem: ReadProblem;
}

export interface ReadFile {
  text: string;
  /** Where the file really is (links resolved). */
  realPath: string;
}

export interface ReadOptions {
  maxBytes?: number;
  /** The text of a document open in the editor at one of these paths (unsaved edits are sent as they are), if any. */
  openText?(paths: readonly string[]): string | undefined;
}

export const OUTSIDE_WORKSPACE = 'outside the workspace folders';
const GIT_FOLDER = 'it is inside a .git folder, which is never sent';

export function isNotRead(value: object): value is NotRead {
  return 'notSent' in value;
}

/**
 * The workspace folder and file a path names: an absolute path inside a folder (the innermost); a relative one
 * against the only folder, or with several folders, `folderName/rest` or the one folder where it exists.
 */
export async function locateWorkspaceFile(filePath: string, folders: readonly ReadFolder[]): Promise<LocatedFile | NotRead> {
  if (path.isAbsolute(filePath)) {
    const absolute = path.normalize(filePath);
    const holding = folders.filter((folder) => isWithin(absolute, folder.path)).sort((a, b) => b.path.length - a.path.length)[0];
    return holding ? located(holding, absolute) : { notSent: OUTSIDE_WORKSPACE, problem: 'outside' };
  }
  const candidates: LocatedFile[] = [];
  const add = (folder: ReadFolder, relative: string): void => {
    const absolute = path.resolve(folder.path, relative);
    if (isWithin(absolute, folder.path) && !candidates.some((candidate) => candidate.absolute === absolute)) candidates.push(located(folder, absolute));
  };
  if (folders.length === 1 && folders[0]) {
    add(folders[0], filePath);
    return candidates[0] ?? { notSent: OUTSIDE_WORKSPACE, problem: 'outside' };
  }
  const [first = '', ...rest] = filePath.split(/[\\/]+/);
  if (rest.length > 0) for (const folder of folders.filter((candidate) => candidate.name === first)) add(folder, rest.join('/'));
  for (const folder of folders) add(folder, filePath);
  if (candidates.length === 0) return { notSent: OUTSIDE_WORKSPACE, problem: 'outside' };
  const existing: LocatedFile[] = [];
  for (const candidate of candidates) if (await exists(candidate.absolute)) existing.push(candidate);
  if (existing.length === 1 && existing[0]) return existing[0];
  if (existing.length > 1) {
    const names = existing.map((candidate) => `${candidate.folder.name}/${candidate.relative}`);
    return { notSent: `it is in several workspace folders (${names.join(', ')}): name the folder first, e.g. ${names[0]}`, problem: 'ambiguous' };
  }
  return { notSent: `it could not be read: it is in none of the workspace folders (${folders.map((folder) => folder.name).join(', ')})`, problem: 'unreadable' };
}

/**
 * Reads a located file for sending, or says why not. Never throws. Refused: a `.git` folder anywhere on the
 * way (as named or as it really is), a real path outside the holding folder's real path, a folder, anything
 * but a regular file, a file over maxBytes (also one that grows past it while read), a binary file.
 */
export async function readWorkspaceFile(file: LocatedFile, options: ReadOptions = {}): Promise<ReadFile | NotRead> {
  const maxBytes = options.maxBytes ?? MAX_FILE_BYTES;
  if (hasGitSegment(path.relative(file.folder.path, file.absolute))) return { notSent: GIT_FOLDER, problem: 'gitFolder' };
  let realFolder: string;
  let realPath: string;
  try {
    realFolder = await fs.realpath(file.folder.path);
    realPath = await fs.realpath(file.absolute);
  } catch (error) {
    return unreadable(error);
  }
  if (!isWithin(realPath, realFolder)) return { notSent: `it leads outside the workspace folder ${file.folder.name} (through a symbolic link)`, problem: 'outside' };
  if (hasGitSegment(realPath)) return { notSent: GIT_FOLDER, problem: 'gitFolder' };
  const open = options.openText?.(file.absolute === realPath ? [realPath] : [file.absolute, realPath]);
  if (open !== undefined) return Buffer.byteLength(open) > maxBytes ? tooLarge(maxBytes, Buffer.byteLength(open)) : { text: open, realPath };
  return readRegularFile(realPath, maxBytes);
}

/** One open handle: no link followed at the end, no waiting on a pipe, the same file the path check saw, at most maxBytes read. */
async function readRegularFile(realPath: string, maxBytes: number): Promise<ReadFile | NotRead> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(realPath, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') return { notSent: 'it is a folder', problem: 'folder' };
    return unreadable(error);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) return { notSent: 'it is a folder', problem: 'folder' };
    if (!stat.isFile()) return { notSent: 'it is not a regular file', problem: 'notAFile' };
    const checked = await fs.stat(realPath);
    if (checked.dev !== stat.dev || checked.ino !== stat.ino) return { notSent: 'it could not be read: it changed while it was read', problem: 'unreadable' };
    if (stat.size > maxBytes) return tooLarge(maxBytes, stat.size);
    const buffer = Buffer.alloc(Math.min(maxBytes + 1, Math.max(stat.size + 1, 64 * 1024)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) break;
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    // It grew past the limit after the check: nothing of it is sent.
    if (length > maxBytes) return tooLarge(maxBytes);
    const bytes = buffer.subarray(0, length);
    if (bytes.subarray(0, 8_000).includes(0)) return { notSent: 'it is a binary file, not text', problem: 'binary' };
    return { text: new TextDecoder('utf-8').decode(bytes), realPath };
  } catch (error) {
    return unreadable(error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function tooLarge(maxBytes: number, size?: number): NotRead {
  const over = size === undefined ? 'it is over' : `it is ${formatBytes(size)}, over`;
  return { notSent: `${over} the ${formatBytes(maxBytes)} a file sent to Codegen may have`, problem: 'tooLarge' };
}

function unreadable(error: unknown): NotRead {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { notSent: 'it could not be read: it does not exist', problem: 'unreadable' };
  if (code === 'ELOOP') return { notSent: 'it could not be read: a symbolic link loops', problem: 'unreadable' };
  return { notSent: `it could not be read: ${(error instanceof Error ? error.message : String(error)).slice(0, 200)}`, problem: 'unreadable' };
}

function located(folder: ReadFolder, absolute: string): LocatedFile {
  return { folder, absolute, relative: path.relative(folder.path, absolute).split(path.sep).join('/') };
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}

/** A `.git` step in a path, in any case (case-insensitive file systems). */
function hasGitSegment(file: string): boolean {
  return file.split(/[\\/]+/).some((segment) => segment.toLowerCase() === '.git');
}

/** The file is the folder or inside it. */
function isWithin(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
