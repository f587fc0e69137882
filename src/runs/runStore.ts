// The runs the Runs view shows: the loaded list (newest first), its filter, paging and view status, the
// runs created here and the finished runs not reviewed yet. Pages from the poller (or from another
// window's snapshot) are diffed against what is held, so the view learns exactly what changed and
// notifications fire only for real status transitions. What the views make of runs is in runModel.ts,
// how they are saved in persistence.ts.

import type { AgentRun } from '../api/types';
import { type Clock, systemClock } from '../util/clock';
import { type Disposable, Emitter, type Event, type ListenerErrorSink } from '../util/events';
import { MAX_CREATED_HERE, parsePersistedRuns, slimRun, type PersistedRuns, type RunStorage } from './persistence';
import { RecentIds, RunFollowing } from './runTracking';
import {
  DEFAULT_FILTER,
  filterKey,
  jsonEqual,
  normalizeFilter,
  runCategory,
  type RunCounts,
  type RunFilter,
  type RunTransition,
  type ViewStatus,
} from './runModel';

export type { RunTransition } from './runModel';
export type { RunStorage } from './persistence';

export interface RunStoreChange {
  added: number[];
  updated: number[];
  removed: number[];
  /** The order of the list changed (a refresh moved runs around or a page came in). */
  reordered: boolean;
  statusChanged: boolean;
  filterChanged: boolean;
}

export interface ApplyPageOptions {
  /** replace: the page is the newest part of the list (a poll); append: the page follows what is loaded (load more). */
  mode: 'replace' | 'append';
  /** More runs exist after this page. */
  hasMore?: boolean;
  /** When the data was fetched; becomes lastSuccessAt. */
  fetchedAt?: number;
  /** When the request was sent: runs upserted locally after it are newer than the page and kept as they are. */
  requestedAt?: number;
}

export interface RunStoreOptions {
  filter?: RunFilter;
  clock?: Clock;
  storage?: RunStorage;
  /** Runs kept in storage (default 200). */
  maxPersistedRuns?: number;
  /** Called when saving fails (default: ignored; the data is only a cache). */
  onSaveError?: (error: unknown) => void;
  /** Told about a listener of the store's events that threw (the Codegen log). */
  onListenerError?: ListenerErrorSink;
}

/** Local upserts stay authoritative over pages requested before them for this long at most. */
const LOCAL_TOUCH_TTL_MS = 5 * 60_000;
/** A save caused only by a newer lastSuccessAt waits at least this long after the previous save. */
const TIMESTAMP_SAVE_INTERVAL_MS = 60_000;

export class RunStore implements Disposable {
  private readonly clock: Clock;
  private storage: RunStorage | undefined;
  private readonly maxPersistedRuns: number;
  private readonly onSaveError: (error: unknown) => void;
  private readonly changeEmitter: Emitter<RunStoreChange>;
  private readonly transitionEmitter: Emitter<RunTransition>;
  private readonly following: RunFollowing;

  private byId = new Map<number, AgentRun>();
  private order: number[] = [];
  /** Ids of runs created (or resumed) from this editor, oldest first. */
  private readonly createdHere = new RecentIds(MAX_CREATED_HERE);
  /** Finished runs with a pull request whose changes were not opened yet. */
  private readonly unreviewed = new RecentIds(MAX_CREATED_HERE);
  /** When a run was last upserted locally. */
  private readonly localTouches = new Map<number, number>();
  private currentFilter: RunFilter;
  private currentStatus: ViewStatus = { kind: 'idle' };
  private more = false;
  private loadedSinceFilter = false;
  private successAt: number | undefined;

  private savedAt = -Infinity;
  private savedSuccessAt: number | undefined;
  private saving: Promise<void> = Promise.resolve();
  private saveQueued = false;
  private disposed = false;

  /** Fires after every change of the list, the status or the filter. */
  readonly onDidChange: Event<RunStoreChange>;
  /** Fires once per real category change of a run the store already knew (never on a first load). */
  readonly onDidTransition: Event<RunTransition>;

  constructor(options: RunStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.storage = options.storage;
    this.maxPersistedRuns = Math.max(1, options.maxPersistedRuns ?? 200);
    this.onSaveError = options.onSaveError ?? (() => undefined);
    this.changeEmitter = new Emitter(options.onListenerError);
    this.transitionEmitter = new Emitter(options.onListenerError);
    this.onDidChange = this.changeEmitter.event;
    this.onDidTransition = this.transitionEmitter.event;
    this.currentFilter = normalizeFilter(options.filter ?? DEFAULT_FILTER);
    this.following = new RunFollowing(this.clock, this.createdHere, this.unreviewed);
  }

  /** Loaded runs, newest first. */
  get runs(): readonly AgentRun[] {
    return this.order.map((id) => this.byId.get(id)!);
  }

  get size(): number {
    return this.order.length;
  }

  get(id: number): AgentRun | undefined {
    return this.byId.get(id);
  }

  get filter(): RunFilter {
    return { ...this.currentFilter };
  }

  get status(): ViewStatus {
    return this.currentStatus;
  }

  /** More runs can be loaded after the loaded ones. */
  get hasMore(): boolean {
    return this.more;
  }

  /** A page was applied since the store was created or the filter changed (restored runs don't count). */
  get loaded(): boolean {
    return this.loadedSinceFilter;
  }

  /** When the shown data was last fetched successfully (also restored from storage). */
  get lastSuccessAt(): number | undefined {
    return this.successAt;
  }

  get createdHereIds(): ReadonlySet<number> {
    return this.createdHere.set;
  }

  isCreatedHere(id: number): boolean {
    return this.createdHere.has(id);
  }

  /** A finished run with a pull request whose changes the user has not opened yet. */
  isUnreviewed(id: number): boolean {
    return this.unreviewed.has(id);
  }

  /** Unreviewed runs among the loaded ones (the view badge counts them). */
  unreviewedCount(): number {
    return this.order.filter((id) => this.unreviewed.has(id)).length;
  }

  /** The user opened the run's details or its changes: the marker goes. */
  markReviewed(id: number): void {
    if (!this.unreviewed.delete(id)) return;
    this.changeEmitter.fire({ ...emptyChange(), updated: [id] });
    this.scheduleSave(true);
  }

  counts(): RunCounts {
    let running = 0;
    let needsYou = 0;
    for (const run of this.byId.values()) {
      const category = runCategory(run);
      if (category === 'inProgress') running++;
      else if (category === 'needsUser') needsYou++;
    }
    return { running, needsYou };
  }

  /** A run is in progress, or has an unknown status young enough to be followed until it ends. */
  hasRunToFollow(): boolean {
    for (const run of this.byId.values()) if (this.following.isFollowed(run)) return true;
    return false;
  }

  /** True when none of `ids` is held: a page of them would leave a hole between it and the held runs. */
  isDisjointFrom(ids: readonly number[]): boolean {
    return this.order.length > 0 && !ids.some((id) => this.byId.has(id));
  }

  /** Applies a page from the service (or from another window's snapshot) and reports what changed. */
  applyPage(incoming: readonly AgentRun[], options: ApplyPageOptions): RunStoreChange {
    const now = this.clock.now();
    for (const [id, at] of this.localTouches) if (now - at > LOCAL_TOUCH_TTL_MS) this.localTouches.delete(id);
    const page = dedupe(incoming);
    const pageIds = new Set(page.map((run) => run.id));
    const previousOrder = this.order;
    let nextOrder: number[];
    let hasMore: boolean;

    if (options.mode === 'replace') {
      // Runs created here while the request was in flight are newer than the page: keep them on top.
      const newerLocal = previousOrder.filter((id) => !pageIds.has(id) && this.touchedAfter(id, options.requestedAt));
      nextOrder = [...newerLocal, ...page.map((run) => run.id)];
      // A full page covers only the newest runs: runs loaded further down ("load more") stay, but only
      // when the page reaches them; a page that does not overlap them would leave a hole, so they go.
      let keptTail = false;
      if (options.hasMore) {
        let lastOverlap = -1;
        previousOrder.forEach((id, index) => {
          if (pageIds.has(id)) lastOverlap = index;
        });
        const tail = lastOverlap < 0 ? [] : previousOrder.slice(lastOverlap + 1).filter((id) => !pageIds.has(id) && !newerLocal.includes(id));
        keptTail = tail.length > 0;
        nextOrder.push(...tail);
      }
      hasMore = keptTail ? this.more || Boolean(options.hasMore) : Boolean(options.hasMore);
    } else {
      nextOrder = [...previousOrder, ...page.map((run) => run.id).filter((id) => !this.byId.has(id))];
      hasMore = Boolean(options.hasMore);
    }

    const change = emptyChange();
    const transitions: RunTransition[] = [];
    const nextById = new Map<number, AgentRun>();
    for (const id of nextOrder) {
      const previous = this.byId.get(id);
      if (previous) nextById.set(id, previous);
    }
    for (const run of page) {
      const previous = this.byId.get(run.id);
      if (previous && this.touchedAfter(run.id, options.requestedAt)) continue; // the local copy is newer
      nextById.set(run.id, run);
      if (!previous) change.added.push(run.id);
      else if (!jsonEqual(previous, run)) change.updated.push(run.id);
      const transition = this.following.note(run);
      if (transition) transitions.push(transition);
    }
    for (const id of previousOrder) if (!nextById.has(id)) change.removed.push(id);
    change.reordered = !sameOrder(previousOrder, nextOrder);

    this.byId = nextById;
    this.order = nextOrder;
    this.more = hasMore;
    this.loadedSinceFilter = true;
    if (options.fetchedAt !== undefined) this.successAt = Math.max(this.successAt ?? -Infinity, options.fetchedAt);
    this.following.prune((id) => this.byId.has(id));

    this.finish(change, transitions);
    return change;
  }

  /**
   * Adds or updates one run known from a direct answer (create, resume, get). createdHere marks it as
   * started from this editor: its next transition notifies even before the first poll.
   */
  upsert(run: AgentRun, options: { createdHere?: boolean } = {}): void {
    if (options.createdHere) this.createdHere.add(run.id);
    const previous = this.byId.get(run.id);
    const change = emptyChange();
    if (!previous) {
      this.order = [run.id, ...this.order];
      change.added.push(run.id);
      change.reordered = true;
    } else if (!jsonEqual(previous, run)) {
      change.updated.push(run.id);
    }
    this.byId.set(run.id, run);
    this.localTouches.set(run.id, this.clock.now());
    const transition = this.following.note(run, { firstSeenCreatedHere: !previous && Boolean(options.createdHere) });
    this.finish(change, transition ? [transition] : [], Boolean(options.createdHere));
  }

  /** Another account's storage (or none): the store saves there from now on; call restore() to read it. */
  useStorage(storage: RunStorage | undefined): void {
    this.storage = storage;
  }

  /** Switches the filter; the list empties until the next page arrives. Returns false when unchanged. */
  setFilter(filter: RunFilter): boolean {
    const next = normalizeFilter(filter);
    if (filterKey(next) === filterKey(this.currentFilter)) return false;
    const removed = [...this.order];
    this.currentFilter = next;
    this.emptyList();
    // What the store knows of each run's category stays: a run seen under both filters still reports its transition.
    this.changeEmitter.fire({ ...emptyChange(), removed, reordered: removed.length > 0, filterChanged: true });
    this.scheduleSave(true);
    return true;
  }

  /** Empties the list (another account): what was shown belongs to someone else. Nothing is saved. */
  clear(): void {
    const removed = [...this.order];
    this.emptyList();
    this.following.clear();
    this.localTouches.clear();
    if (removed.length > 0) this.changeEmitter.fire({ ...emptyChange(), removed, reordered: true });
  }

  setStatus(status: ViewStatus): void {
    if (jsonEqual(status, this.currentStatus)) return;
    this.currentStatus = status;
    this.changeEmitter.fire({ ...emptyChange(), statusChanged: true });
  }

  /**
   * Loads the account's last-known runs from storage (validated; anything unreadable is ignored), with the
   * filter they were saved under. Returns true when runs were restored.
   */
  async restore(): Promise<boolean> {
    if (!this.storage) return false;
    let raw: unknown;
    try {
      raw = await this.storage.load();
    } catch {
      return false;
    }
    const persisted = parsePersistedRuns(raw);
    if (!persisted || this.disposed) return false;
    for (const id of persisted.createdHere) this.createdHere.add(id);
    for (const id of persisted.unreviewed ?? []) this.unreviewed.add(id);
    if (this.loadedSinceFilter || this.order.length > 0) return false; // fresher data already arrived
    const filterChanged = filterKey(persisted.filter) !== filterKey(this.currentFilter);
    this.currentFilter = persisted.filter;
    const runs = dedupe(persisted.runs);
    this.byId = new Map(runs.map((run) => [run.id, run]));
    this.order = runs.map((run) => run.id);
    this.following.restore(runs);
    this.more = persisted.hasMore;
    this.successAt = persisted.lastSuccessAt;
    this.savedSuccessAt = persisted.lastSuccessAt;
    this.changeEmitter.fire({ ...emptyChange(), added: [...this.order], reordered: true, filterChanged });
    return runs.length > 0;
  }

  /** The value saved to storage: slim records of the newest runs, the filter and the ids worth remembering. */
  toPersisted(): PersistedRuns {
    const persisted: PersistedRuns = {
      version: 2,
      filter: this.filter,
      runs: this.runs.slice(0, this.maxPersistedRuns).map(slimRun),
      hasMore: this.more || this.order.length > this.maxPersistedRuns,
      createdHere: this.createdHere.toArray(),
      unreviewed: this.unreviewed.toArray(),
      savedAt: Date.now(),
    };
    if (this.successAt !== undefined) persisted.lastSuccessAt = this.successAt;
    return persisted;
  }

  /** Resolves when every requested save has been written. */
  async flush(): Promise<void> {
    for (;;) {
      const current = this.saving;
      await current;
      if (current === this.saving && !this.saveQueued) return;
    }
  }

  dispose(): void {
    this.disposed = true;
    this.changeEmitter.dispose();
    this.transitionEmitter.dispose();
  }

  private emptyList(): void {
    this.byId = new Map();
    this.order = [];
    this.more = false;
    this.loadedSinceFilter = false;
    this.successAt = undefined;
  }

  private finish(change: RunStoreChange, transitions: readonly RunTransition[], forceSave = false): void {
    const changed = change.added.length > 0 || change.updated.length > 0 || change.removed.length > 0 || change.reordered;
    if (changed) this.changeEmitter.fire(change);
    for (const transition of transitions) this.transitionEmitter.fire(transition);
    this.scheduleSave(changed || forceSave || transitions.length > 0);
  }

  private touchedAfter(id: number, requestedAt: number | undefined): boolean {
    if (requestedAt === undefined) return false;
    const touchedAt = this.localTouches.get(id);
    return touchedAt !== undefined && touchedAt > requestedAt;
  }

  private scheduleSave(contentChanged: boolean): void {
    if (!this.storage || this.disposed) return;
    const timestampMoved = this.successAt !== this.savedSuccessAt;
    if (!contentChanged && !(timestampMoved && this.clock.now() - this.savedAt >= TIMESTAMP_SAVE_INTERVAL_MS)) return;
    if (this.saveQueued) return;
    this.saveQueued = true;
    const storage = this.storage;
    // Saves are serialized; a save queued while one runs writes the state as it is when it starts.
    this.saving = this.saving.then(async () => {
      this.saveQueued = false;
      const value = this.toPersisted();
      this.savedAt = this.clock.now();
      this.savedSuccessAt = value.lastSuccessAt;
      try {
        await storage.save(value);
      } catch (error) {
        this.onSaveError(error);
      }
    });
  }
}

function emptyChange(): RunStoreChange {
  return { added: [], updated: [], removed: [], reordered: false, statusChanged: false, filterChanged: false };
}

function dedupe(runs: readonly AgentRun[]): AgentRun[] {
  const seen = new Set<number>();
  return runs.filter((run) => !seen.has(run.id) && Boolean(seen.add(run.id)));
}

function sameOrder(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, index) => id === b[index]);
}
