// Keeps the RunStore fresh with one list call per interval, and only while it is worth it: a run is in
// progress, or the view is visible. A setTimeout chain on the injected Clock (never setInterval): when
// nothing needs polling, no timer is left at all. Errors back off exponentially with jitter, a 429 is
// waited out, a refused token stops polling until resume(). With `shared`, windows take turns through
// a PollingLease: one polls and publishes a snapshot, the others read it.

import { randomUUID } from 'node:crypto';
import { isApiError } from '../api/errors';
import type { CodegenApi } from '../api/types';
import { type Clock, systemClock, type TimerHandle } from '../util/clock';
import { type Disposable, DisposableStore, Emitter, type Event } from '../util/events';
import { type LeaseFileSystem, PollingLease, RunsSnapshotFile, type RunsSnapshot } from './lease';
import type { RunFilter, RunStore, ViewStatus } from './runStore';

export const DEFAULT_INTERVAL_SECONDS = 10;
export const MIN_INTERVAL_SECONDS = 5;
/** Unfocused windows poll this many times slower... */
export const UNFOCUSED_FACTOR = 3;
/** ...but at least this often. */
export const UNFOCUSED_MAX_INTERVAL_MS = 60_000;
export const DEFAULT_MAX_BACKOFF_MS = 5 * 60_000;
/** Runs asked for per page (first page at least this, "load more" exactly this). */
export const PAGE_SIZE = 25;
/** The service's largest page. */
export const MAX_PAGE_SIZE = 100;
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

export interface RunPollerOptions {
  api: CodegenApi;
  store: RunStore;
  orgId: number;
  /** The signed-in user's id, for the filter scope 'mine'. When absent it is asked once (GET /v1/users/me). */
  userId?: number;
  clock?: Clock;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
  /** The `codegen.pollIntervalSeconds` setting (default 10, at least 5). */
  intervalSeconds?: number;
  viewVisible?: boolean;
  windowFocused?: boolean;
  /** Backoff ceiling after errors (default 5 min). */
  maxBackoffMs?: number;
  /** Take turns with the other windows (strongly recommended in the extension). */
  shared?: SharedPollingOptions;
  /** Told about each failed poll (for the output channel). */
  onError?: (error: unknown) => void;
}

export class RunPoller implements Disposable {
  private readonly api: CodegenApi;
  private readonly store: RunStore;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly maxBackoffMs: number;
  private readonly sharedOptions: SharedPollingOptions | undefined;
  /** This window's id in lease and snapshot files: the same for every list it shows. */
  private readonly ownerId: string;
  private readonly watchMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly needAuthEmitter = new Emitter<void>();
  private readonly disposables = new DisposableStore();

  private orgId: number;
  private userId: number | undefined;
  private intervalMs: number;
  private viewVisible: boolean;
  private windowFocused: boolean;

  private timer: TimerHandle | undefined;
  private timerAt: number | undefined;
  private running: Promise<void> | undefined;
  private queuedManual: Promise<void> | undefined;
  private loadingMore: Promise<void> | undefined;
  private readonly inFlight = new Set<AbortController>();
  /** Bumped when the account or filter changes: answers to older requests are dropped. */
  private generation = 0;

  private failures = 0;
  /** No poll before this (error backoff or Retry-After). */
  private notBefore = 0;
  /** A Retry-After in force: even a manual refresh waits for it. */
  private rateLimitedUntil = 0;
  private offlineSince: number | undefined;
  private needsAuth = false;
  private lastFollowerCheckAt = -Infinity;
  private shared: SharedState | undefined;
  private releasing: Promise<void> = Promise.resolve();
  private disposed = false;

  /** Fires once when the service refuses the token; polling stays stopped until resume() or refreshNow(). */
  readonly onDidNeedAuth: Event<void> = this.needAuthEmitter.event;

  constructor(options: RunPollerOptions) {
    this.api = options.api;
    this.store = options.store;
    this.orgId = options.orgId;
    this.userId = options.userId;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.maxBackoffMs = Math.max(1_000, options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS);
    this.sharedOptions = options.shared;
    this.ownerId = options.shared?.ownerId ?? `${process.pid}-${randomUUID()}`;
    this.watchMs = Math.max(100, options.shared?.watchMs ?? DEFAULT_WATCH_MS);
    this.onError = options.onError ?? (() => undefined);
    this.intervalMs = toIntervalMs(options.intervalSeconds);
    this.viewVisible = options.viewVisible ?? false;
    this.windowFocused = options.windowFocused ?? true;
    // A run entering "in progress" (e.g. one created here) starts polling; nothing in progress may stop it.
    this.disposables.add(this.store.onDidChange(() => this.schedule()));
    this.schedule();
  }

  // ---- Inputs --------------------------------------------------------------------------------

  setViewVisible(visible: boolean): void {
    if (this.viewVisible === visible) return;
    this.viewVisible = visible;
    this.schedule();
  }

  setWindowFocused(focused: boolean): void {
    if (this.windowFocused === focused) return;
    this.windowFocused = focused;
    this.shared?.lease.setFocused(focused);
    this.schedule();
  }

  /** The poll interval setting in seconds (at least 5). */
  setIntervalSeconds(seconds: number): void {
    const next = toIntervalMs(seconds);
    if (next === this.intervalMs) return;
    this.intervalMs = next;
    this.schedule();
  }

  /** Switches the filter: the list empties and reloads (when the view is visible). */
  setFilter(filter: RunFilter): void {
    if (!this.store.setFilter(filter)) return;
    this.startOver();
  }

  /** Another organization or user (a new token): the list empties and reloads. */
  setAccount(account: { orgId: number; userId?: number }): void {
    if (account.orgId === this.orgId && account.userId === this.userId) return;
    this.orgId = account.orgId;
    this.userId = account.userId;
    this.store.clear();
    this.startOver();
  }

  /**
   * Polls once now (manual refresh, or after a create or resume), even as a non-holder of the lease.
   * Concurrent calls share one poll; a call during a poll gets one more poll after it. Only a
   * Retry-After still in force makes it wait. Also resumes after onDidNeedAuth.
   */
  refreshNow(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.clearNeedsAuth();
    if (!this.running) return this.runTick('manual');
    this.queuedManual ??= this.running.then(() => {
      this.queuedManual = undefined;
      return this.runTick('manual');
    });
    return this.queuedManual;
  }

  /** Resumes polling after onDidNeedAuth (e.g. a new token was set). */
  resume(): void {
    if (this.disposed) return;
    this.clearNeedsAuth();
    this.schedule();
  }

  /** Loads the next page after the loaded runs. */
  loadMore(): Promise<void> {
    if (this.disposed || !this.store.hasMore) return Promise.resolve();
    this.loadingMore ??= this.fetchMore().finally(() => {
      this.loadingMore = undefined;
    });
    return this.loadingMore;
  }

  // ---- State for the view and for tests ------------------------------------------------------

  /** When the next poll or snapshot check is due, or undefined when polling is stopped. */
  get nextPollAt(): number | undefined {
    return this.timerAt;
  }

  /** True when this window holds the shared lease (always false without sharing). */
  get isLeaseHolder(): boolean {
    return this.shared?.lease.isHeld ?? false;
  }

  /** The interval used now: the setting when focused, slower when not. */
  get effectiveIntervalMs(): number {
    return this.windowFocused ? this.intervalMs : Math.max(this.intervalMs, Math.min(this.intervalMs * UNFOCUSED_FACTOR, UNFOCUSED_MAX_INTERVAL_MS));
  }

  /** Resolves when no poll, page load or lease operation of this poller is running. */
  async whenIdle(): Promise<void> {
    for (;;) {
      const pending: Promise<unknown>[] = [this.releasing];
      for (const promise of [this.running, this.queuedManual, this.loadingMore, this.shared?.lease.whenIdle()]) {
        if (promise) pending.push(promise);
      }
      await Promise.all(pending);
      if (!this.running && !this.queuedManual && !this.loadingMore) return;
    }
  }

  /** Stops every timer, aborts the request in flight and releases the lease. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clearTimer();
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
    this.dropShared();
    this.disposables.dispose();
    this.needAuthEmitter.dispose();
  }

  // ---- Scheduling ----------------------------------------------------------------------------

  private wantsData(): boolean {
    return this.viewVisible || this.store.hasRunInProgress();
  }

  private dueAt(): number {
    const lastSuccessAt = this.store.loaded ? (this.store.lastSuccessAt ?? -Infinity) : -Infinity;
    return Math.max(lastSuccessAt + this.effectiveIntervalMs, this.notBefore);
  }

  /** Arms the one timer for whatever comes next, or none when nothing needs polling. */
  private schedule(): void {
    if (this.disposed || this.running) return; // a running tick schedules when it ends
    this.clearTimer();
    if (this.needsAuth) return;
    if (!this.wantsData()) {
      this.dropShared();
      return;
    }
    const now = this.clock.now();
    const holder = !this.sharedOptions || this.shared?.lease.isHeld === true;
    // A non-holder looks at the snapshot every watchMs; its tick takes the lease when its data is due.
    const at = holder ? this.dueAt() : Math.max(now, this.lastFollowerCheckAt + this.watchMs);
    this.timerAt = Math.max(now, at);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = undefined;
      void this.runTick('timer');
    }, this.timerAt - now);
  }

  private clearTimer(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
  }

  private runTick(trigger: 'timer' | 'manual'): Promise<void> {
    if (this.running) return this.running;
    this.clearTimer();
    const tick = this.tick(trigger)
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.running = undefined;
        this.schedule();
      });
    this.running = tick;
    return tick;
  }

  private async tick(trigger: 'timer' | 'manual'): Promise<void> {
    if (this.disposed) return;
    const manual = trigger === 'manual';
    if (!manual && (this.needsAuth || !this.wantsData())) return;
    const generation = this.generation;
    // Paces a non-holder's looks at the snapshot, whatever happens next.
    if (!manual) this.lastFollowerCheckAt = this.clock.now();
    if (this.needsUserId()) {
      if (!manual && this.clock.now() < this.notBefore) return;
      if (!(await this.resolveUserId(generation))) return;
    }
    const shared = this.sharedFor(this.listKey());
    if (manual) {
      if (this.clock.now() < this.rateLimitedUntil) return; // the tick's end schedules the poll for then
      await this.poll(generation, shared);
      return;
    }
    if (shared) {
      await this.readSnapshot(shared, generation);
      if (this.clock.now() < this.dueAt()) return;
      if (!(await shared.lease.tryAcquire())) return;
      if (generation !== this.generation || this.disposed) return;
    } else if (this.clock.now() < this.dueAt()) {
      return;
    }
    await this.poll(generation, shared);
  }

  // ---- Polling -------------------------------------------------------------------------------

  private async poll(generation: number, shared: SharedState | undefined): Promise<void> {
    const limit = Math.min(MAX_PAGE_SIZE, Math.max(PAGE_SIZE, this.store.size));
    const requestedAt = this.clock.now();
    if (!this.store.loaded && this.store.size === 0) this.store.setStatus({ kind: 'loading' });
    const controller = new AbortController();
    this.inFlight.add(controller);
    try {
      const page = await this.api.listRuns(this.orgId, { skip: 0, limit, ...this.listQuery() }, { signal: controller.signal });
      if (generation !== this.generation || this.disposed) return;
      const fetchedAt = this.clock.now();
      const hasMore = page.total !== undefined ? page.items.length < page.total : page.items.length >= limit;
      this.failures = 0;
      this.notBefore = 0;
      this.rateLimitedUntil = 0;
      this.offlineSince = undefined;
      this.store.applyPage(page.items, { mode: 'replace', hasMore, fetchedAt, requestedAt });
      this.store.setStatus({ kind: 'idle' });
      if (shared) await this.publish(shared, requestedAt);
    } catch (error) {
      if (generation !== this.generation || this.disposed) return;
      this.handleError(error);
      if (shared && shared.lease.isHeld) await this.publish(shared, undefined);
    } finally {
      this.inFlight.delete(controller);
    }
  }

  private async fetchMore(): Promise<void> {
    const generation = this.generation;
    if (!(await this.resolveUserId(generation))) return;
    const skip = this.store.size;
    const controller = new AbortController();
    this.inFlight.add(controller);
    try {
      const page = await this.api.listRuns(this.orgId, { skip, limit: PAGE_SIZE, ...this.listQuery() }, { signal: controller.signal });
      if (generation !== this.generation || this.disposed) return;
      const hasMore = page.total !== undefined ? skip + page.items.length < page.total : page.items.length >= PAGE_SIZE;
      this.store.applyPage(page.items, { mode: 'append', hasMore });
    } catch (error) {
      if (generation !== this.generation || this.disposed) return;
      this.handleError(error);
    } finally {
      this.inFlight.delete(controller);
    }
  }

  private listQuery(): { userId?: number; sourceType?: string } {
    const filter = this.store.filter;
    const query: { userId?: number; sourceType?: string } = {};
    if (filter.scope === 'mine' && this.userId !== undefined) query.userId = this.userId;
    if (filter.sourceType !== undefined) query.sourceType = filter.sourceType;
    return query;
  }

  /** Scope 'mine' needs the user's id: asked once per account. False when it could not be had. */
  private needsUserId(): boolean {
    return this.userId === undefined && this.store.filter.scope === 'mine';
  }

  private async resolveUserId(generation: number): Promise<boolean> {
    if (!this.needsUserId()) return true;
    const controller = new AbortController();
    this.inFlight.add(controller);
    try {
      const user = await this.api.getCurrentUser({ signal: controller.signal });
      if (generation !== this.generation || this.disposed) return false;
      this.userId = user.id;
      return true;
    } catch (error) {
      if (generation === this.generation && !this.disposed) this.handleError(error);
      return false;
    } finally {
      this.inFlight.delete(controller);
    }
  }

  private handleError(error: unknown): void {
    if (isApiError(error, 'cancelled')) return;
    this.onError(error);
    const now = this.clock.now();
    if (isApiError(error, 'unauthorized')) {
      this.needsAuth = true;
      this.store.setStatus({ kind: 'unauthorized' });
      // Another window may have a working token... it shares ours, but let it find out itself.
      this.dropShared();
      this.needAuthEmitter.fire();
      return;
    }
    this.failures++;
    const backoff = this.backoffMs();
    if (isApiError(error, 'rateLimited')) {
      const retryAfterMs = error.details.retryAfterMs ?? 0;
      this.rateLimitedUntil = now + retryAfterMs;
      this.notBefore = now + Math.max(retryAfterMs, backoff);
      this.store.setStatus({ kind: 'rateLimited', retryAt: this.notBefore });
      return;
    }
    this.notBefore = now + backoff;
    if (isApiError(error, 'network') || isApiError(error, 'timeout') || isApiError(error, 'server')) {
      this.offlineSince ??= now;
      const status: ViewStatus = { kind: 'offline', since: this.offlineSince };
      if (this.store.lastSuccessAt !== undefined) status.lastSuccessAt = this.store.lastSuccessAt;
      this.store.setStatus(status);
      return;
    }
    const message = error instanceof Error ? error.message : 'Could not load the Codegen runs.';
    this.store.setStatus({ kind: 'error', message });
  }

  /** Exponential, with "equal jitter": between half and all of min(cap, interval × 2^failures). */
  private backoffMs(): number {
    const ceiling = Math.min(this.maxBackoffMs, this.intervalMs * 2 ** Math.min(this.failures, 20));
    const jitter = Math.min(1, Math.max(0, this.random()));
    return Math.round(ceiling / 2 + (jitter * ceiling) / 2);
  }

  private clearNeedsAuth(): void {
    if (!this.needsAuth) return;
    this.needsAuth = false;
    this.failures = 0;
    this.notBefore = 0;
    if (this.store.status.kind === 'unauthorized') this.store.setStatus({ kind: 'idle' });
  }

  /** Empties the state that belonged to the previous list and reloads. */
  private startOver(): void {
    this.generation++;
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
    this.failures = 0;
    this.notBefore = 0;
    this.offlineSince = undefined;
    this.lastFollowerCheckAt = -Infinity;
    this.dropShared();
    this.schedule();
  }

  // ---- Sharing between windows ---------------------------------------------------------------

  /** The list this window shows: other windows share results only for the same list. */
  private listKey(): string {
    const filter = this.store.filter;
    const who = filter.scope === 'mine' ? `u${this.userId ?? 'unknown'}` : 'org';
    return `runs-${this.orgId}-${who}-${filter.sourceType ?? 'all'}`;
  }

  private sharedFor(key: string): SharedState | undefined {
    const options = this.sharedOptions;
    if (!options || this.disposed) return undefined;
    if (this.shared?.key === key) return this.shared;
    this.dropShared();
    const lease = new PollingLease({
      dir: options.dir,
      name: key,
      ownerId: this.ownerId,
      clock: this.clock,
      renewMs: options.renewMs,
      ttlMs: options.ttlMs,
      fs: options.fs,
    });
    lease.setFocused(this.windowFocused);
    const snapshots = new RunsSnapshotFile({ dir: options.dir, name: key, fs: options.fs });
    // Losing the lease (a focused window took over) turns this window into a reader at once.
    const subscription = lease.onDidChangeHeld(() => this.schedule());
    this.shared = { key, lease, snapshots, subscription };
    return this.shared;
  }

  /** Gives up the lease: this window stops polling, so another one may start. */
  private dropShared(): void {
    const shared = this.shared;
    if (!shared) return;
    this.shared = undefined;
    shared.subscription.dispose();
    const released = shared.lease.release().finally(() => shared.lease.dispose());
    this.releasing = Promise.all([this.releasing, released]).then(() => undefined);
  }

  private async readSnapshot(shared: SharedState, generation: number): Promise<void> {
    const snapshot = await shared.snapshots.readIfChanged();
    if (!snapshot || snapshot.key !== shared.key || generation !== this.generation || this.disposed) return;
    if (snapshot.writerId === shared.lease.ownerId) return;
    if (snapshot.fetchedAt !== undefined && snapshot.fetchedAt > (this.store.lastSuccessAt ?? -Infinity)) {
      const options = { mode: 'replace' as const, hasMore: snapshot.hasMore, fetchedAt: snapshot.fetchedAt, requestedAt: snapshot.requestedAt ?? snapshot.fetchedAt };
      this.store.applyPage(snapshot.runs, options);
    }
    // The writer's trouble (rate limited, offline) is everyone's; an old snapshot says nothing about now.
    const fresh = this.clock.now() - snapshot.writtenAt <= shared.lease.ttlMs;
    const status = snapshot.status;
    if (fresh && (status.kind === 'rateLimited' || status.kind === 'offline' || status.kind === 'idle')) this.store.setStatus(status);
  }

  private async publish(shared: SharedState, requestedAt: number | undefined): Promise<void> {
    const snapshot: RunsSnapshot = {
      version: 1,
      key: shared.key,
      writerId: shared.lease.ownerId,
      writtenAt: this.clock.now(),
      runs: [...this.store.runs].slice(0, MAX_PAGE_SIZE),
      hasMore: this.store.hasMore,
      status: this.store.status,
    };
    if (this.store.lastSuccessAt !== undefined) {
      snapshot.fetchedAt = this.store.lastSuccessAt;
      snapshot.requestedAt = requestedAt ?? this.store.lastSuccessAt;
    }
    await shared.snapshots.publish(snapshot);
  }
}

interface SharedState {
  /** The list the lease and the snapshot are for. */
  key: string;
  lease: PollingLease;
  snapshots: RunsSnapshotFile;
  subscription: Disposable;
}

function toIntervalMs(seconds: number | undefined): number {
  const value = typeof seconds === 'number' && Number.isFinite(seconds) ? seconds : DEFAULT_INTERVAL_SECONDS;
  return Math.max(MIN_INTERVAL_SECONDS, value) * 1000;
}
