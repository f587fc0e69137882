// Windows take turns polling the runs list: one holds a PollingLease for the list it shows and publishes
// what it got as a snapshot; the others read that snapshot instead of calling the API. One lease and one
// snapshot file per list (account and filter), in the extension's global storage folder.

import { randomUUID } from 'node:crypto';
import type { Clock } from '../util/clock';
import type { Disposable } from '../util/events';
import { type LeaseFileSystem, PollingLease, RunsSnapshotFile, type RunsSnapshot } from './lease';
import type { RunStore } from './runStore';

/** How often a window that does not hold the lease looks at the shared snapshot. */
export const DEFAULT_WATCH_MS = 2_000;

export interface SharedPollingOptions {
  /** Folder shared by every window: the extension's global storage folder. */
  dir: string;
  /** Unique per window (default: process id + random). */
  ownerId?: string;
  /** Lease renewal period (default 5 s; the lease expires after 3 × this without renewal). */
  renewMs?: number;
  ttlMs?: number;
  /** How often a non-holder checks the snapshot (default 2 s): one stat, a read only when it changed. */
  watchMs?: number;
  fs?: LeaseFileSystem;
}

interface ListShare {
  key: string;
  lease: PollingLease;
  snapshots: RunsSnapshotFile;
  subscription: Disposable;
}

export class RunsSharing implements Disposable {
  readonly watchMs: number;
  /** This window's id in lease and snapshot files: the same for every list it shows. */
  private readonly ownerId: string;
  private current: ListShare | undefined;
  private focused = true;
  private releasing: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly options: SharedPollingOptions,
    private readonly clock: Clock,
    /** Called when this window gains or loses the lease. */
    private readonly onDidChangeHeld: () => void,
  ) {
    this.ownerId = options.ownerId ?? `${process.pid}-${randomUUID()}`;
    this.watchMs = Math.max(100, options.watchMs ?? DEFAULT_WATCH_MS);
  }

  get isHolder(): boolean {
    return this.current?.lease.isHeld === true;
  }

  setFocused(focused: boolean): void {
    this.focused = focused;
    this.current?.lease.setFocused(focused);
  }

  /** The lease and snapshot of the list `key`, switching from another list's (which is released). */
  forList(key: string): { readSnapshot(): Promise<RunsSnapshot | undefined>; tryAcquire(): Promise<boolean> } | undefined {
    if (this.disposed) return undefined;
    if (this.current?.key !== key) {
      this.release();
      const lease = new PollingLease({ dir: this.options.dir, name: key, ownerId: this.ownerId, clock: this.clock, renewMs: this.options.renewMs, ttlMs: this.options.ttlMs, fs: this.options.fs });
      lease.setFocused(this.focused);
      const snapshots = new RunsSnapshotFile({ dir: this.options.dir, name: key, fs: this.options.fs });
      // Losing the lease (a focused window took over) turns this window into a reader at once.
      const subscription = lease.onDidChangeHeld(() => this.onDidChangeHeld());
      this.current = { key, lease, snapshots, subscription };
    }
    const share = this.current;
    return {
      readSnapshot: async () => {
        const snapshot = await share.snapshots.readIfChanged();
        return snapshot && snapshot.key === share.key && snapshot.writerId !== share.lease.ownerId ? snapshot : undefined;
      },
      tryAcquire: () => share.lease.tryAcquire(),
    };
  }

  /** Applies another window's snapshot when it is fresher than what the store holds. */
  applySnapshot(snapshot: RunsSnapshot, store: RunStore): void {
    if (snapshot.fetchedAt !== undefined && snapshot.fetchedAt > (store.lastSuccessAt ?? -Infinity)) {
      store.applyPage(snapshot.runs, { mode: 'replace', hasMore: snapshot.hasMore, fetchedAt: snapshot.fetchedAt, requestedAt: snapshot.requestedAt ?? snapshot.fetchedAt });
    }
    // The writer's trouble (rate limited, offline) is everyone's; an old snapshot says nothing about now.
    const lease = this.current?.lease;
    const fresh = lease !== undefined && this.clock.now() - snapshot.writtenAt <= lease.ttlMs;
    const kind = snapshot.status.kind;
    if (fresh && (kind === 'rateLimited' || kind === 'offline' || kind === 'failing' || kind === 'idle')) store.setStatus(snapshot.status);
  }

  /** Publishes the store's newest runs for the other windows. */
  async publish(store: RunStore, requestedAt: number | undefined): Promise<void> {
    const share = this.current;
    if (!share) return;
    const snapshot: RunsSnapshot = {
      version: 1,
      key: share.key,
      writerId: share.lease.ownerId,
      writtenAt: this.clock.now(),
      runs: [...store.runs],
      hasMore: store.hasMore,
      status: store.status,
    };
    if (store.lastSuccessAt !== undefined) {
      snapshot.fetchedAt = store.lastSuccessAt;
      snapshot.requestedAt = requestedAt ?? store.lastSuccessAt;
    }
    await share.snapshots.publish(snapshot);
  }

  /** The holder's failure status goes into the snapshot too. */
  async publishStatus(store: RunStore): Promise<void> {
    if (this.isHolder) await this.publish(store, undefined);
  }

  /** Gives up the lease: this window stops polling, so another one may start. */
  release(): void {
    const share = this.current;
    if (!share) return;
    this.current = undefined;
    share.subscription.dispose();
    const released = share.lease.release().finally(() => share.lease.dispose());
    this.releasing = Promise.all([this.releasing, released]).then(() => undefined);
  }

  async whenIdle(): Promise<void> {
    await Promise.all([this.releasing, this.current?.lease.whenIdle()]);
  }

  dispose(): void {
    this.disposed = true;
    this.release();
  }
}
