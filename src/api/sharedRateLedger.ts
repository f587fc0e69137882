// One rate budget for every window: the service's limits are per token, and each VS Code window has its
// own extension host, so each window publishes the times of its own requests of a class (a small file of
// its own in the global storage folder) and counts the other windows' recent ones before sending. The
// runs list needs none of this (one window polls it, see runs/runsSharing); the details panels' logs do:
// six windows with a panel open each stay within the logs limit together. A file is removed by whichever
// window reads it once its window has ended (the last send is older than the class's window), and a file
// dated more than one window ahead (clock skew, a bad write) is treated as ended: nothing blocks forever.

import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { Clock } from '../util/clock';
import { nodeFileSystem, writeAtomically, type LeaseFileSystem } from '../util/files';
import type { RateClass } from './types';

/** Other windows' files are read again at most this often. */
export const LEDGER_READ_INTERVAL_MS = 500;
/** The window of a file that does not say its own (written by an older version). */
const LEGACY_WINDOW_MS = 5 * 60_000;
/** The longest window a file may claim: a damaged one must not keep its sends for longer. */
const MAX_WINDOW_MS = 60 * 60_000;

/** What the rate governor needs to know of the other windows. */
export interface PeerSends {
  /** The classes whose budget is shared between windows. */
  readonly classes: ReadonlySet<RateClass>;
  /** The other windows' send times in the class (clock ms), as last read. */
  sends(rateClass: RateClass): readonly number[];
  /** Reads the other windows' files again when the last read is older than a moment. */
  refresh(rateClass: RateClass): Promise<void>;
  /** Publishes a send of this window. */
  record(rateClass: RateClass, time: number, windowMs: number): void;
}

export interface SharedRateLedgerOptions {
  /** Folder shared by every window (under the extension's global storage). */
  dir: string;
  clock: Clock;
  classes?: readonly RateClass[];
  ownerId?: string;
  fs?: LeaseFileSystem;
}

/** A folder name for one service's ledger (limits are per token and service). */
export function ledgerFolderName(baseUrl: string): string {
  return baseUrl.replace(/^https?:\/\//, '').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'default';
}

interface LedgerFile {
  ownerId: string;
  /** The time of the last send (clock ms). */
  writtenAt: number;
  /** The class's window: the file counts until writtenAt + windowMs. */
  windowMs: number;
  sends: number[];
}

/** What a reader makes of a file: the sends that still count, or ended (to be removed). */
function liveSends(file: LedgerFile, now: number): number[] | 'ended' {
  const { writtenAt, windowMs } = file;
  if (now - writtenAt >= windowMs || writtenAt - now > windowMs) return 'ended';
  // No send is later than the file that records it, so none counts beyond one window ahead of now.
  return file.sends.filter((at) => at <= writtenAt && at > writtenAt - windowMs);
}

export class SharedRateLedger implements PeerSends {
  readonly classes: ReadonlySet<RateClass>;
  private readonly ownerId: string;
  private readonly fs: LeaseFileSystem;
  private readonly own = new Map<RateClass, number[]>();
  private readonly others = new Map<RateClass, number[]>();
  private readonly readAt = new Map<RateClass, number>();
  private writing: Promise<void> = Promise.resolve();
  private tempCounter = 0;

  constructor(private readonly options: SharedRateLedgerOptions) {
    this.classes = new Set(options.classes ?? ['logs']);
    this.ownerId = options.ownerId ?? `${process.pid}-${randomUUID()}`;
    this.fs = options.fs ?? nodeFileSystem;
  }

  sends(rateClass: RateClass): readonly number[] {
    return this.others.get(rateClass) ?? [];
  }

  async refresh(rateClass: RateClass): Promise<void> {
    const now = this.options.clock.now();
    if (now - (this.readAt.get(rateClass) ?? -Infinity) < LEDGER_READ_INTERVAL_MS || !this.fs.readdir) return;
    this.readAt.set(rateClass, now);
    let names: string[];
    try {
      names = await this.fs.readdir(this.options.dir);
    } catch {
      return; // no folder yet: nobody else has sent anything
    }
    const prefix = `${rateClass}.`;
    const sends: number[] = [];
    for (const name of names) {
      if (!name.startsWith(prefix) || !name.endsWith('.json') || name === this.fileName(rateClass)) continue;
      const target = path.join(this.options.dir, name);
      const read = await this.readFile(target);
      if (!read || read.file?.ownerId === this.ownerId) continue;
      const live = read.file ? liveSends(read.file, now) : 'ended';
      if (live === 'ended') await this.removeIfUnchanged(target, read.stat);
      else sends.push(...live);
    }
    this.others.set(rateClass, sends.sort((a, b) => a - b));
  }

  record(rateClass: RateClass, time: number, windowMs: number): void {
    const kept = (this.own.get(rateClass) ?? []).filter((at) => at > time - windowMs);
    kept.push(time);
    this.own.set(rateClass, kept);
    const file: LedgerFile = { ownerId: this.ownerId, writtenAt: time, windowMs, sends: kept.slice(-200) };
    const target = path.join(this.options.dir, this.fileName(rateClass));
    // Writes are serialized; a failed one only means the other windows count this one a little less.
    this.writing = this.writing
      .then(() => writeAtomically(this.fs, this.options.dir, target, JSON.stringify(file), `${this.ownerId.slice(0, 40)}.${this.tempCounter++}`))
      .catch(() => undefined);
  }

  /** Resolves when this window's writes are done. */
  whenIdle(): Promise<void> {
    return this.writing;
  }

  private fileName(rateClass: RateClass): string {
    return `${rateClass}.${this.ownerId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120)}.json`;
  }

  /** The file and its identity; file undefined when it is damaged; undefined when it cannot be read (gone). */
  private async readFile(file: string): Promise<{ file: LedgerFile | undefined; stat: FileIdentity } | undefined> {
    let stat: FileIdentity;
    let text: string;
    try {
      stat = await this.fs.stat(file);
      text = await this.fs.readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    return { file: parseLedgerFile(text), stat };
  }

  /**
   * Removes an ended file unless its window wrote it again meanwhile (a rename gives another inode): a
   * file removed just as it was rewritten only costs that window's sends until its next one.
   */
  private async removeIfUnchanged(file: string, seen: FileIdentity): Promise<void> {
    try {
      const now = await this.fs.stat(file);
      if (now.ino === seen.ino && now.mtimeMs === seen.mtimeMs && now.size === seen.size) await this.fs.unlink(file);
    } catch {
      // Already removed by another window, or not ours to remove: either way it is not read again.
    }
  }
}

type FileIdentity = { ino: number; mtimeMs: number; size: number };

function parseLedgerFile(text: string): LedgerFile | undefined {
  try {
    const value = JSON.parse(text) as Partial<LedgerFile> | null;
    if (typeof value?.ownerId !== 'string' || typeof value.writtenAt !== 'number' || !Number.isFinite(value.writtenAt) || !Array.isArray(value.sends)) return undefined;
    const windowMs = typeof value.windowMs === 'number' && value.windowMs > 0 && value.windowMs <= MAX_WINDOW_MS ? value.windowMs : LEGACY_WINDOW_MS;
    const sends = value.sends.filter((at): at is number => typeof at === 'number' && Number.isFinite(at)).slice(-1_000);
    return { ownerId: value.ownerId, writtenAt: value.writtenAt, windowMs, sends };
  } catch {
    return undefined;
  }
}
