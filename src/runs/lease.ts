// One polling budget for every window: the token's rate limit is shared by all VS Code windows, so at
// most one window (the lease holder) polls the runs list and publishes what it got; the others read
// that snapshot instead of calling the API. Both live as small JSON files in the extension's global
// storage folder. Writes are atomic (temp file + rename); a new lease is trusted only after reading it
// back a moment later, and the holder re-reads it before every poll, so even a lost race costs at most
// one extra poll.

import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as v from 'valibot';
import type { AgentRun } from '../api/types';
import { type Clock, sleep, systemClock, type TimerHandle } from '../util/clock';
import { nodeFileSystem, writeAtomically, type LeaseFileSystem } from '../util/files';
import { type Disposable, Emitter, type Event } from '../util/events';
import { fitToBudget, slimRun, SNAPSHOT_BYTE_BUDGET, storedRunSchema, stripUndefined } from './persistence';
import type { ViewStatus } from './runModel';

export type { LeaseFileSystem } from '../util/files';

export const DEFAULT_LEASE_RENEW_MS = 5_000;
/** Runs a snapshot carries at most (the first page a poll asks for is never larger). */
export const MAX_SNAPSHOT_RUNS = 100;

export interface LeaseRecord {
  ownerId: string;
  /** Wall-clock ms; after it, any window may take the lease (its holder stopped renewing: it died). */
  expiresAt: number;
  /** The holder's window has focus (it polls at the fast interval); a focused window may take over from an unfocused one. */
  focused: boolean;
}

export interface PollingLeaseOptions {
  /** Folder shared by every window (the extension's global storage folder). */
  dir: string;
  /** Distinguishes leases in the same folder (one per account and filter). Default "runs". */
  name?: string;
  /** Unique per window. Default: process id + random. */
  ownerId?: string;
  clock?: Clock;
  /** How often the holder renews (default 5 s). */
  renewMs?: number;
  /** Lifetime of a lease without renewal (default 3 × renewMs). */
  ttlMs?: number;
  /** Wait between writing a new lease and reading it back to see who won (default 50 ms). */
  settleMs?: number;
  fs?: LeaseFileSystem;
}

const leaseSchema = v.object({
  ownerId: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  expiresAt: v.pipe(v.number(), v.finite()),
  focused: v.optional(v.boolean(), false),
});

/** The right to poll for every window, held by one window at a time through a file. */
export class PollingLease implements Disposable {
  readonly ownerId: string;
  readonly file: string;
  readonly renewMs: number;
  readonly ttlMs: number;
  private readonly settleMs: number;
  private readonly dir: string;
  private readonly clock: Clock;
  private readonly fs: LeaseFileSystem;
  private readonly heldEmitter = new Emitter<boolean>();
  private held = false;
  /** We wrote the file and have not removed it: release() must look. */
  private mayOwnFile = false;
  private focused = true;
  private renewTimer: TimerHandle | undefined;
  private tempCounter = 0;
  /** Serializes this window's own lease operations, so a renew never races an acquire or a release. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly stopped = new AbortController();
  private disposed = false;

  /** Fires when this window gains or loses the lease (lost: another window took it over). */
  readonly onDidChangeHeld: Event<boolean> = this.heldEmitter.event;

  constructor(options: PollingLeaseOptions) {
    this.dir = options.dir;
    this.file = path.join(options.dir, `${safeName(options.name ?? 'runs')}.lease.json`);
    this.ownerId = options.ownerId ?? `${process.pid}-${randomUUID()}`;
    this.clock = options.clock ?? systemClock;
    this.renewMs = Math.max(1, options.renewMs ?? DEFAULT_LEASE_RENEW_MS);
    this.ttlMs = Math.max(this.renewMs * 2, options.ttlMs ?? this.renewMs * 3);
    this.settleMs = Math.max(0, options.settleMs ?? 50);
    this.fs = options.fs ?? nodeFileSystem;
  }

  /** What this window believes (confirmed by its last read of the file). */
  get isHeld(): boolean {
    return this.held;
  }

  /**
   * Takes the lease when it is free, expired, already ours, or held by an unfocused window while this
   * one is focused. Resolves to whether this window holds it now.
   */
  tryAcquire(): Promise<boolean> {
    return this.serialize(async () => {
      if (this.disposed) return false;
      const current = await this.read();
      const now = this.clock.now();
      if (current && current.ownerId === this.ownerId && this.isLive(current, now)) {
        this.setHeld(true);
        return true;
      }
      if (current && current.ownerId !== this.ownerId && this.isLive(current, now) && !(this.focused && !current.focused)) {
        this.setHeld(false);
        return false;
      }
      await this.writeRecord();
      // Another window may have read the lease as free just before our write and be writing its own:
      // wait until such a write has landed, then the file says who won, the same for both windows.
      try {
        await sleep(this.clock, this.settleMs, this.stopped.signal);
      } catch {
        return false; // disposed meanwhile
      }
      const check = await this.read();
      this.setHeld(check?.ownerId === this.ownerId);
      return this.held;
    });
  }

  /** Tells other windows whether this one has focus (only written while holding the lease). */
  setFocused(focused: boolean): void {
    if (this.focused === focused) return;
    this.focused = focused;
    if (this.held) void this.serialize(() => this.renew());
  }

  /** Gives the lease up so another window can take it at once. */
  release(): Promise<void> {
    return this.serialize(async () => {
      this.setHeld(false);
      if (!this.mayOwnFile) return;
      this.mayOwnFile = false;
      const current = await this.read();
      if (current?.ownerId !== this.ownerId) return;
      try {
        await this.fs.unlink(this.file);
      } catch {
        // Already gone, or not removable: it expires on its own.
      }
    });
  }

  /** Resolves when this window's pending lease operations are done. */
  async whenIdle(): Promise<void> {
    await this.queue;
  }

  /** Releases the lease (best effort) and stops renewing. */
  dispose(): void {
    if (this.disposed) return;
    void this.release();
    this.disposed = true;
    this.stopped.abort();
    this.clearRenewTimer();
    this.heldEmitter.dispose();
  }

  /**
   * A lease is live until it expires, but never for longer than one lifetime from now: a lease that claims
   * more (another window's clock runs ahead, a damaged file) is treated as expired, or it could stop
   * polling in every window for as long as it claims.
   */
  isLive(record: LeaseRecord, now: number): boolean {
    return record.expiresAt > now && record.expiresAt - now <= this.ttlMs;
  }

  /** Reads the lease file; undefined when missing or unreadable (both mean free). */
  async read(): Promise<LeaseRecord | undefined> {
    let text: string;
    try {
      text = await this.fs.readFile(this.file, 'utf8');
    } catch {
      return undefined;
    }
    const parsed = v.safeParse(leaseSchema, parseJson(text));
    return parsed.success ? parsed.output : undefined;
  }

  private async renew(): Promise<void> {
    if (!this.held || this.disposed) return;
    const current = await this.read();
    if (current && current.ownerId !== this.ownerId) {
      this.setHeld(false);
      return;
    }
    await this.writeRecord();
  }

  private async writeRecord(): Promise<void> {
    const record: LeaseRecord = { ownerId: this.ownerId, expiresAt: this.clock.now() + this.ttlMs, focused: this.focused };
    this.mayOwnFile = true;
    try {
      await writeAtomically(this.fs, this.dir, this.file, JSON.stringify(record), `${safeName(this.ownerId)}.${this.tempCounter++}`);
    } catch {
      // A failed write shows up as "not ours" on the read that follows.
    }
  }

  private setHeld(held: boolean): void {
    if (held) this.armRenewTimer();
    else this.clearRenewTimer();
    if (held === this.held) return;
    this.held = held;
    if (!this.disposed) this.heldEmitter.fire(held);
  }

  private armRenewTimer(): void {
    if (this.renewTimer || this.disposed) return;
    this.renewTimer = this.clock.setTimeout(() => {
      this.renewTimer = undefined;
      void this.serialize(() => this.renew()).then(() => {
        if (this.held) this.armRenewTimer();
      });
    }, this.renewMs);
  }

  private clearRenewTimer(): void {
    this.clock.clearTimeout(this.renewTimer);
    this.renewTimer = undefined;
  }

  private serialize<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

// ---- The shared snapshot of the runs list -------------------------------------------------------

export interface RunsSnapshot {
  version: 1;
  /** Which list this is (account and filter): windows showing another list ignore it. */
  key: string;
  writerId: string;
  writtenAt: number;
  /** When the runs were fetched and when that request was sent; absent when no fetch succeeded yet. */
  fetchedAt?: number;
  requestedAt?: number;
  runs: AgentRun[];
  hasMore: boolean;
  /** The writer's view status (rate limited, offline...) so every window says the same. */
  status: ViewStatus;
}

const viewStatusSchema = v.variant('kind', [
  v.object({ kind: v.literal('idle') }),
  v.object({ kind: v.literal('loading') }),
  v.object({ kind: v.literal('rateLimited'), retryAt: v.number() }),
  v.object({ kind: v.literal('offline'), since: v.number(), lastSuccessAt: v.optional(v.number()) }),
  v.object({ kind: v.literal('failing'), since: v.number(), lastSuccessAt: v.optional(v.number()) }),
  v.object({ kind: v.literal('error'), message: v.pipe(v.string(), v.maxLength(2_000)) }),
  v.object({ kind: v.literal('unauthorized') }),
]);

const snapshotSchema = v.object({
  version: v.literal(1),
  key: v.string(),
  writerId: v.string(),
  writtenAt: v.number(),
  fetchedAt: v.optional(v.number()),
  requestedAt: v.optional(v.number()),
  runs: v.pipe(v.array(storedRunSchema), v.maxLength(1_000)),
  hasMore: v.boolean(),
  status: viewStatusSchema,
});

export interface RunsSnapshotFileOptions {
  dir: string;
  name?: string;
  fs?: LeaseFileSystem;
}

/** The holder's latest results, published for the other windows; readers only re-read when the file changed. */
export class RunsSnapshotFile {
  readonly file: string;
  private readonly dir: string;
  private readonly fs: LeaseFileSystem;
  private lastSignature: string | undefined;
  private tempCounter = 0;
  private readonly tempTag = randomUUID().slice(0, 8);

  constructor(options: RunsSnapshotFileOptions) {
    this.dir = options.dir;
    this.file = path.join(options.dir, `${safeName(options.name ?? 'runs')}.snapshot.json`);
    this.fs = options.fs ?? nodeFileSystem;
  }

  /** Writes the snapshot atomically. Failures are swallowed: other windows then poll themselves after the lease expires. */
  async publish(snapshot: RunsSnapshot): Promise<boolean> {
    // Slim records within a byte budget: every window reads this file every few seconds.
    const bounded = fitToBudget({ ...snapshot, runs: snapshot.runs.slice(0, MAX_SNAPSHOT_RUNS).map(slimRun), hasMore: snapshot.hasMore || snapshot.runs.length > MAX_SNAPSHOT_RUNS }, SNAPSHOT_BYTE_BUDGET);
    try {
      await writeAtomically(this.fs, this.dir, this.file, JSON.stringify(bounded), `${this.tempTag}.${this.tempCounter++}`);
      // Our own write is not news to us.
      this.lastSignature = await this.signature();
      return true;
    } catch {
      return false;
    }
  }

  /** A cheap stat; reads and validates the file only when it changed since the last look. */
  async readIfChanged(): Promise<RunsSnapshot | undefined> {
    const signature = await this.signature();
    if (signature === undefined || signature === this.lastSignature) return undefined;
    this.lastSignature = signature;
    return this.read();
  }

  async read(): Promise<RunsSnapshot | undefined> {
    let text: string;
    try {
      text = await this.fs.readFile(this.file, 'utf8');
    } catch {
      return undefined;
    }
    const parsed = v.safeParse(snapshotSchema, parseJson(text));
    if (!parsed.success) return undefined;
    const { fetchedAt, requestedAt, ...rest } = parsed.output;
    const snapshot: RunsSnapshot = { ...rest, runs: rest.runs.map(stripUndefined), status: rest.status };
    if (fetchedAt !== undefined) snapshot.fetchedAt = fetchedAt;
    if (requestedAt !== undefined) snapshot.requestedAt = requestedAt;
    return snapshot;
  }

  private async signature(): Promise<string | undefined> {
    try {
      const stat = await this.fs.stat(this.file);
      return `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
    } catch {
      return undefined;
    }
  }
}

// ---- Helpers ---------------------------------------------------------------------------------------

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** File-name-safe form of a key (letters, digits, dot, dash, underscore). */
export function safeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120);
  return cleaned === '' ? 'runs' : cleaned;
}

