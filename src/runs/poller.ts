// Keeps the RunStore fresh with one list call per interval, only while it is worth it, on the one
// PollScheduler: a run is being followed (in progress, or an unknown status on a young run), or the view
// is visible. The interval adapts: 10 s while a run is followed and the view is seen, 30 s while it is
// followed out of sight (a finish is still noticed within 30 s). With nothing in progress it is fast when
// something moves and cheap when nothing does: showing the view or focusing the window refreshes data
// older than 10 s, a poll that sees the list change polls again 10 s later, and each poll that changes
// nothing waits longer: 30 s, 1 min, then 2 min (a user looking at a quiet list costs 3 requests in its
// first 3 minutes, then 1 every 2 minutes). A create or a follow-up is followed as a run in progress.
// With `shared`, windows take turns through a PollingLease (RunsSharing): one polls and publishes a
// snapshot, the others read it.

import { isApiError } from '../api/errors';
import type { CodegenApi } from '../api/types';
import { type Clock, systemClock } from '../util/clock';
import { type Disposable, DisposableStore, Emitter, type Event } from '../util/events';
import { PollScheduler, type FailureInfo, type TickResult, type TickTrigger } from './pollScheduler';
import { fetchNewestRuns, listRunsPage, PAGE_SIZE } from './runPages';
import { RunsSharing, type SharedPollingOptions } from './runsSharing';
import type { RunFilter, ViewStatus } from './runModel';
import type { RunStore } from './runStore';

export const DEFAULT_INTERVAL_SECONDS = 10;
export const MIN_INTERVAL_SECONDS = 5;
/** A followed run out of sight (view hidden or window unfocused) is polled this often: a finish is noticed within it. */
export const FOLLOW_UNSEEN_INTERVAL_MS = 30_000;
/** With nothing in progress, a poll that changed nothing is followed by one this much later; it doubles per quiet poll. */
export const IDLE_QUIET_INTERVAL_MS = 30_000;
/** With nothing in progress, the interval doubles per quiet poll up to this. */
export const IDLE_MAX_INTERVAL_MS = 120_000;
/** Unfocused windows with nothing in progress poll at least this many times slower. */
export const UNFOCUSED_FACTOR = 3;
export const DEFAULT_MAX_BACKOFF_MS = 5 * 60_000;
export { PAGE_SIZE } from './runPages';
export type { SharedPollingOptions } from './runsSharing';

export interface RunPollerOptions {
  api: CodegenApi;
  store: RunStore;
  orgId: number;
  /** The signed-in user's id, for the filter scope 'mine'. When absent it is asked once (GET /v1/users/me). */
  userId?: number;
  clock?: Clock;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
  /** The `codegen.polling.intervalSeconds` setting (default 10, at least 5). */
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
  private readonly onError: (error: unknown) => void;
  private readonly needAuthEmitter = new Emitter<void>();
  private readonly disposables = new DisposableStore();
  private readonly scheduler: PollScheduler;
  private readonly sharing: RunsSharing | undefined;

  private orgId: number;
  private userId: number | undefined;
  private intervalMs: number;
  private viewVisible: boolean;
  private windowFocused: boolean;
  /** Successful polls in a row that changed nothing while nothing was in progress (0: something just moved, or the user came back). */
  private quietPolls = 0;
  /** After noteActivity: no scheduled list call before this time (a manual refresh still goes at once). */
  private noActivityPollBefore = -Infinity;
  private loadingMore: Promise<void> | undefined;
  private readonly inFlight = new Set<AbortController>();
  /** Bumped when the account or filter changes: answers to older requests are dropped. */
  private generation = 0;
  private troubleSince: number | undefined;
  private lastFollowerCheckAt = -Infinity;
  private disposed = false;

  /** Fires once when the service refuses the token; polling stays stopped until resume() or refreshNow(). */
  readonly onDidNeedAuth: Event<void> = this.needAuthEmitter.event;

  constructor(options: RunPollerOptions) {
    this.api = options.api;
    this.store = options.store;
    this.orgId = options.orgId;
    this.userId = options.userId;
    this.clock = options.clock ?? systemClock;
    this.onError = options.onError ?? (() => undefined);
    this.intervalMs = toIntervalMs(options.intervalSeconds);
    this.viewVisible = options.viewVisible ?? false;
    this.windowFocused = options.windowFocused ?? true;
    this.sharing = options.shared ? new RunsSharing(options.shared, this.clock, () => this.scheduler.reschedule()) : undefined;
    this.sharing?.setFocused(this.windowFocused);
    this.scheduler = new PollScheduler({
      clock: this.clock,
      random: options.random,
      maxBackoffMs: options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS,
      policy: {
        wanted: () => this.wantsData(),
        dueAt: () => (this.sharing && !this.sharing.isHolder ? this.lastFollowerCheckAt + this.sharing.watchMs : this.listDueAt()),
        backoffBaseMs: () => this.intervalMs,
      },
      tick: (trigger) => this.tick(trigger),
      onFailure: (info) => this.onFailure(info),
    });
    // A run entering "in progress" (e.g. one created here) starts polling; nothing in progress may stop it.
    this.disposables.add(this.store.onDidChange(() => this.reschedule()));
    this.reschedule();
  }

  // ---- Inputs --------------------------------------------------------------------------------

  setViewVisible(visible: boolean): void {
    if (this.viewVisible === visible) return;
    this.viewVisible = visible;
    if (visible) {
      this.quietPolls = 0;
      this.noActivityPollBefore = -Infinity;
    }
    this.reschedule();
  }

  setWindowFocused(focused: boolean): void {
    if (this.windowFocused === focused) return;
    this.windowFocused = focused;
    if (focused) this.quietPolls = 0;
    this.sharing?.setFocused(focused);
    this.reschedule();
  }

  /** The poll interval setting in seconds (at least 5). */
  setIntervalSeconds(seconds: number): void {
    const next = toIntervalMs(seconds);
    if (next === this.intervalMs) return;
    this.intervalMs = next;
    this.reschedule();
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
   * Something happened here that the list will show (a run created in this window): polling gets fast again,
   * without a request now. The new run is in the store already; a list call at this moment would only compete
   * with drawing its row.
   */
  noteActivity(): void {
    if (this.disposed) return;
    this.quietPolls = 0;
    // What was just learnt counts as a fresh look: the next list call is one interval away.
    this.noActivityPollBefore = this.clock.now() + this.effectiveIntervalMs;
    this.reschedule();
  }

  /** Polls once now (manual refresh, a follow-up, a create that may exist), even as a non-holder; polling gets fast again. */
  refreshNow(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.quietPolls = 0;
    if (this.store.status.kind === 'unauthorized') this.store.setStatus({ kind: 'idle' });
    return this.scheduler.refreshNow();
  }

  /** Resumes polling after onDidNeedAuth (e.g. a new token was set). */
  resume(): void {
    if (this.disposed) return;
    if (this.scheduler.isHalted && this.store.status.kind === 'unauthorized') this.store.setStatus({ kind: 'idle' });
    this.scheduler.resume();
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
    return this.scheduler.nextTickAt;
  }

  /** True when this window holds the shared lease (always false without sharing). */
  get isLeaseHolder(): boolean {
    return this.sharing?.isHolder ?? false;
  }

  /** The interval the list is polled at now (adaptive; see the file comment). */
  get effectiveIntervalMs(): number {
    const seen = this.viewVisible && this.windowFocused;
    if (this.store.hasRunToFollow()) return seen ? this.intervalMs : Math.max(this.intervalMs, FOLLOW_UNSEEN_INTERVAL_MS);
    // The configured interval after a change or when the user comes back; 30 s after a poll that changed
    // nothing, then twice as long after each further one, up to 2 min.
    const grown = this.quietPolls === 0 ? this.intervalMs : Math.min(IDLE_MAX_INTERVAL_MS, IDLE_QUIET_INTERVAL_MS * 2 ** Math.min(this.quietPolls - 1, 20));
    return Math.max(this.intervalMs, this.windowFocused ? grown : Math.max(grown, Math.min(IDLE_MAX_INTERVAL_MS, this.intervalMs * UNFOCUSED_FACTOR)));
  }

  /** Resolves when no poll, page load or lease operation of this poller is running. */
  async whenIdle(): Promise<void> {
    for (;;) {
      await Promise.all([this.scheduler.whenIdle(), this.loadingMore, this.sharing?.whenIdle()]);
      if (!this.scheduler.isRunning && !this.loadingMore) return;
    }
  }

  /** Stops every timer, aborts the request in flight and releases the lease. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.scheduler.dispose();
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
    this.sharing?.dispose();
    this.disposables.dispose();
    this.needAuthEmitter.dispose();
  }

  // ---- Scheduling ----------------------------------------------------------------------------

  private wantsData(): boolean {
    return this.viewVisible || this.store.hasRunToFollow();
  }

  private listDueAt(): number {
    // A list never loaded is loaded when wanted, whatever was created meanwhile.
    if (!this.store.loaded) return -Infinity;
    return Math.max((this.store.lastSuccessAt ?? -Infinity) + this.effectiveIntervalMs, this.noActivityPollBefore);
  }

  private reschedule(): void {
    if (this.disposed) return;
    if (!this.wantsData()) this.sharing?.release();
    this.scheduler.reschedule();
  }

  private async tick(trigger: TickTrigger): Promise<TickResult> {
    const generation = this.generation;
    const manual = trigger === 'manual';
    // Paces a non-holder's looks at the snapshot, whatever happens next.
    if (!manual) this.lastFollowerCheckAt = this.clock.now();
    if (!(await this.resolveUserId(generation))) return 'skipped';
    const lease = this.sharing?.forList(this.listKey());
    if (!manual && lease) {
      const snapshot = await lease.readSnapshot();
      if (generation !== this.generation || this.disposed) return 'skipped';
      if (snapshot) this.sharing!.applySnapshot(snapshot, this.store);
      if (this.clock.now() < this.listDueAt()) return 'skipped';
      if (!(await lease.tryAcquire()) || generation !== this.generation || this.disposed) return 'skipped';
    } else if (!manual && this.clock.now() < this.listDueAt()) {
      return 'skipped';
    }
    return this.poll(generation);
  }

  // ---- Polling -------------------------------------------------------------------------------

  private async poll(generation: number): Promise<TickResult> {
    const requestedAt = this.clock.now();
    const wasLoaded = this.store.loaded;
    if (!wasLoaded && this.store.size === 0) this.store.setStatus({ kind: 'loading' });
    const controller = this.track(new AbortController());
    try {
      const newest = await fetchNewestRuns(this.api, this.orgId, this.store, this.listQuery(), controller.signal);
      if (generation !== this.generation || this.disposed) return 'skipped';
      this.troubleSince = undefined;
      const change = this.store.applyPage(newest.items, { mode: 'replace', hasMore: newest.hasMore, fetchedAt: this.clock.now(), requestedAt });
      // The first page of a list (over nothing, or over restored runs) is not news: only a change to a list
      // already fetched makes polling fast again.
      const moved = wasLoaded && change.added.length + change.updated.length + change.removed.length > 0;
      this.quietPolls = moved || this.store.hasRunToFollow() ? 0 : this.quietPolls + 1;
      this.store.setStatus({ kind: 'idle' });
      await this.sharing?.publish(this.store, requestedAt);
      return 'polled';
    } catch (error) {
      if (generation !== this.generation || this.disposed) return 'skipped';
      throw error;
    } finally {
      this.inFlight.delete(controller);
    }
  }

  private async fetchMore(): Promise<void> {
    const generation = this.generation;
    if (!(await this.resolveUserId(generation))) return;
    const skip = this.store.size;
    const controller = this.track(new AbortController());
    try {
      const page = await listRunsPage(this.api, this.orgId, { skip, limit: PAGE_SIZE, ...this.listQuery() }, controller.signal, 'interactive');
      if (generation !== this.generation || this.disposed) return;
      this.store.applyPage(page.items, { mode: 'append', hasMore: page.hasMore });
    } catch (error) {
      if (generation !== this.generation || this.disposed) return;
      this.onError(error);
      this.store.setStatus({ kind: 'error', message: error instanceof Error ? error.message : 'Could not load more runs.' });
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

  /** Scope 'mine' needs the user's id: asked once per account. Throws the API error when it cannot be had. */
  private async resolveUserId(generation: number): Promise<boolean> {
    if (this.userId !== undefined || this.store.filter.scope !== 'mine') return true;
    const controller = this.track(new AbortController());
    try {
      const user = await this.api.getCurrentUser({ signal: controller.signal, retries: 'none' });
      if (generation !== this.generation || this.disposed) return false;
      this.userId = user.id;
      return true;
    } catch (error) {
      if (generation !== this.generation || this.disposed) return false;
      throw error;
    } finally {
      this.inFlight.delete(controller);
    }
  }

  private onFailure(info: FailureInfo): void {
    this.onError(info.error);
    const now = this.clock.now();
    if (info.halted) {
      this.store.setStatus({ kind: 'unauthorized' });
      // Another window shares the token: it finds out itself. This one stops polling.
      this.sharing?.release();
      this.needAuthEmitter.fire();
      return;
    }
    const status = statusForFailure(info, (this.troubleSince ??= now), this.store.lastSuccessAt);
    this.store.setStatus(status);
    // Every window says the same: the holder's trouble goes into the snapshot.
    void this.sharing?.publishStatus(this.store);
  }

  private track(controller: AbortController): AbortController {
    this.inFlight.add(controller);
    return controller;
  }

  /** Empties the state that belonged to the previous list and reloads. */
  private startOver(): void {
    this.generation++;
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
    this.troubleSince = undefined;
    this.quietPolls = 0;
    this.lastFollowerCheckAt = -Infinity;
    this.sharing?.release();
    this.scheduler.reset();
  }

  /** The list this window shows: other windows share results only for the same list. */
  private listKey(): string {
    const filter = this.store.filter;
    const who = filter.scope === 'mine' ? `u${this.userId ?? 'unknown'}` : 'org';
    return `runs-${this.orgId}-${who}-${filter.sourceType ?? 'all'}`;
  }
}

/** What the view says after a failed poll: 5xx is a failing service, only a missing answer is offline. */
export function statusForFailure(info: Pick<FailureInfo, 'error' | 'rateLimited' | 'retryAt'>, since: number, lastSuccessAt: number | undefined): ViewStatus {
  const { error } = info;
  if (info.rateLimited) return { kind: 'rateLimited', retryAt: info.retryAt };
  if (isApiError(error, 'network') || isApiError(error, 'timeout') || isApiError(error, 'server')) {
    const status: ViewStatus = error.kind === 'server' ? { kind: 'failing', since } : { kind: 'offline', since };
    if (lastSuccessAt !== undefined) status.lastSuccessAt = lastSuccessAt;
    return status;
  }
  return { kind: 'error', message: error instanceof Error ? error.message : 'Could not load the Codegen runs.' };
}

function toIntervalMs(seconds: number | undefined): number {
  const value = typeof seconds === 'number' && Number.isFinite(seconds) ? seconds : DEFAULT_INTERVAL_SECONDS;
  return Math.max(MIN_INTERVAL_SECONDS, value) * 1000;
}
