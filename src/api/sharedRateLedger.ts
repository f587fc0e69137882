// One rate budget for every window: the service's limits are per token, and each VS Code window has its
// own extension host, so each window publishes the times of its own requests of a class (a small file of
// its own in the global storage folder) and counts the other windows' recent ones before sending. The
// runs list needs none of this (one window polls it, see runs/runsSharing); the details panels' logs do:
// six windows with a panel open each stay within the logs limit together.

import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { Clock } from '../util/clock';
import { nodeFileSystem, writeAtomically, type LeaseFileSystem } from '../util/files';
import type { RateClass } from './types';

/** Other windows' files are read again at most this often. */
export const LEDGER_READ_INTERVAL_MS = 500;
/** A window's file older than this is ignored (the window stopped). */
const STALE_FILE_MS = 5 * 60_000;

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
  writtenAt: number;
  sends: number[];
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
      const file = await this.readFile(path.join(this.options.dir, name));
      if (!file || file.ownerId === this.ownerId || now - file.writtenAt > STALE_FILE_MS) continue;
      sends.push(...file.sends);
    }
    this.others.set(rateClass, sends.sort((a, b) => a - b));
  }

  record(rateClass: RateClass, time: number, windowMs: number): void {
    const kept = (this.own.get(rateClass) ?? []).filter((at) => at > time - windowMs);
    kept.push(time);
    this.own.set(rateClass, kept);
    const file: LedgerFile = { ownerId: this.ownerId, writtenAt: time, sends: kept.slice(-200) };
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

  private async readFile(file: string): Promise<LedgerFile | undefined> {
    try {
      const value = JSON.parse(await this.fs.readFile(file, 'utf8')) as Partial<LedgerFile>;
      if (typeof value.ownerId !== 'string' || typeof value.writtenAt !== 'number' || !Array.isArray(value.sends)) return undefined;
      const sends = value.sends.filter((at): at is number => typeof at === 'number' && Number.isFinite(at)).slice(-1_000);
      return { ownerId: value.ownerId, writtenAt: value.writtenAt, sends };
    } catch {
      return undefined;
    }
  }
}
