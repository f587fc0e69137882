// Small JSON files shared by every window in the extension's global storage folder: the polling lease,
// the runs snapshot and the rate ledger. Writes are atomic (a temp file renamed over the target).
import * as nodeFs from 'node:fs/promises';

/** The file operations the lease and the snapshot use (injectable for tests). */
export interface LeaseFileSystem {
  readFile: (file: string, encoding: 'utf8') => Promise<string>;
  writeFile: (file: string, data: string, encoding: 'utf8') => Promise<void>;
  rename: (from: string, to: string) => Promise<void>;
  unlink: (file: string) => Promise<void>;
  stat: (file: string) => Promise<{ mtimeMs: number; size: number; ino: number }>;
  mkdir: (dir: string, options: { recursive: true }) => Promise<unknown>;
  /** Names in a folder (the rate ledger lists the other windows' files). */
  readdir?: (dir: string) => Promise<string[]>;
}

export const nodeFileSystem: LeaseFileSystem = {
  readFile: (file, encoding) => nodeFs.readFile(file, encoding),
  writeFile: (file, data, encoding) => nodeFs.writeFile(file, data, encoding),
  rename: (from, to) => nodeFs.rename(from, to),
  unlink: (file) => nodeFs.unlink(file),
  stat: (file) => nodeFs.stat(file),
  mkdir: (dir, options) => nodeFs.mkdir(dir, options),
  readdir: (dir) => nodeFs.readdir(dir),
};

export async function writeAtomically(fs: LeaseFileSystem, dir: string, file: string, data: string, tag: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const temp = `${file}.${tag}.tmp`;
  try {
    await fs.writeFile(temp, data, 'utf8');
    await fs.rename(temp, file);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
}

