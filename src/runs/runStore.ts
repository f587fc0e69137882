// The runs the Runs view shows: the held list (heldRuns.ts), its filter, paging and view status, the runs
// created here and the finished runs not reviewed yet; events for every change and for each real status
// transition; saving to the account's storage. What the views make of runs is in runModel.ts, how they
// are saved in persistence.ts.

import type { AgentRun } from '../api/types';
import { type Clock, systemClock } from '../util/clock';
import { type Disposable, Emitter, type Event, type ListenerErrorSink } from '../util/events';
import { HeldRuns, type PageOptions, type RunListChange } from './heldRuns';
import { MAX_CREATED_HERE, parsePersistedRuns, slimRun, type PersistedRuns, type RunStorage } from './persistence';
import { DEFAULT_FILTER, filterKey, jsonEqual, normalizeFilter, type RunCounts, type RunFilter, type RunTransition, type ViewStatus } from './runModel';
import { RecentIds } from './runTracking';
import { SaveScheduler } from './saveScheduler';

export type { RunTransition } from './runModel';
export type { RunStorage } from './persistence';

export interface RunStoreChange extends RunListChange {
  statusChanged: boolean;
  filterChanged: boolean;
}

export interface ApplyPageOptions extends PageOptions {
  /** When the data was fetched; becomes lastSuccessAt. */
  fetchedAt?: number;
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

export class RunStore implements Disposable {
  private readonly clock: Clock;
  private storage: RunStorage | undefined;
  private readonly maxPersistedRuns: number;
  private readonly changeEmitter: Emitter<RunStoreChange>;
  private readonly transitionEmitter: Emitter<RunTransition>;
  private readonly saves: SaveScheduler;
  /** Ids of runs created (or resumed) from this editor, oldest first. */
  private readonly createdHere = new RecentIds(MAX_CREATED_HERE);
  /** Finished runs with a pull request whose changes were not opened yet. */
  private readonly unreviewed = new RecentIds(MAX_CREATED_HERE);
  private readonly held: HeldRuns;
  private currentFilter: RunFilter;
  private currentStatus: ViewStatus = { kind: 'idle' };
  private loadedSinceFilter = false;
  private successAt: number | undefined;
  private disposed = false;

  /** Fires after every change of the list, the status or the filter. */
  readonly onDidChange: Event<RunStoreChange>;
  /** Fires once per real category change of a run the store already knew (never on a first load). */
  readonly onDidTransition: Event<RunTransition>;

  constructor(options: RunStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.storage = options.storage;
    this.maxPersistedRuns = Math.max(1, options.maxPersistedRuns ?? 200);
    this.saves = new SaveScheduler(this.clock, () => this.toPersisted(), options.onSaveError ?? (() => undefined));
    this.changeEmitter = new Emitter(options.onListenerError);
    this.transitionEmitter = new Emitter(options.onListenerError);
    this.onDidChange = this.changeEmitter.event;
    this.onDidTransition = this.transitionEmitter.event;
    this.currentFilter = normalizeFilter(options.filter ?? DEFAULT_FILTER);
    this.held = new HeldRuns(this.clock, this.createdHere, this.unreviewed);
  }

  /** Loaded runs, newest first. */
  get runs(): readonly AgentRun[] {
    return this.held.runs;
  }

  get size(): number {
    return this.held.size;
  }

  get(id: number): AgentRun | undefined {
    return this.held.get(id);
  }

  get filter(): RunFilter {
    return { ...this.currentFilter };
  }

  get status(): ViewStatus {
    return this.currentStatus;
  }

  /** More runs can be loaded after the loaded ones. */
  get hasMore(): boolean {
    return this.held.hasMore;
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
    return this.held.ids.filter((id) => this.unreviewed.has(id)).length;
  }

  /** The user opened the run's details or its changes: the marker goes. */
  markReviewed(id: number): void {
    if (!this.unreviewed.delete(id)) return;
    this.fire({ ...emptyChange(), updated: [id] }, []);
    this.scheduleSave(true);
  }

  counts(): RunCounts {
    return this.held.counts();
  }

  /** A run is in progress, or has an unknown status young enough to be followed until it ends. */
  hasRunToFollow(): boolean {
    return this.held.hasRunToFollow();
  }

  /** True when none of `ids` is held: a page of them would leave a hole between it and the held runs. */
  isDisjointFrom(ids: readonly number[]): boolean {
    return this.held.isDisjointFrom(ids);
  }

  /** Applies a page from the service (or from another window's snapshot) and reports what changed. */
  applyPage(incoming: readonly AgentRun[], options: ApplyPageOptions): RunStoreChange {
    const { change, transitions } = this.held.applyPage(incoming, options);
    this.loadedSinceFilter = true;
    if (options.fetchedAt !== undefined) this.successAt = Math.max(this.successAt ?? -Infinity, options.fetchedAt);
    const storeChange = { ...change, statusChanged: false, filterChanged: false };
    this.fire(storeChange, transitions);
    this.scheduleSave(hasListChanges(change) || transitions.length > 0);
    return storeChange;
  }

  /**
   * Adds or updates one run known from a direct answer (create, resume, get). createdHere marks it as
   * started from this editor: its next transition notifies even before the first poll.
   */
  upsert(run: AgentRun, options: { createdHere?: boolean } = {}): void {
    const createdHere = Boolean(options.createdHere);
    if (createdHere) this.createdHere.add(run.id);
    const { change, transition } = this.held.upsert(run, createdHere);
    this.fire({ ...change, statusChanged: false, filterChanged: false }, transition ? [transition] : []);
    this.scheduleSave(hasListChanges(change) || createdHere || transition !== undefined);
  }

  /** Another account's storage (or none): the store saves there from now on; call restore() to read it. */
  useStorage(storage: RunStorage | undefined): void {
    if (storage !== this.storage) this.saves.seal(); // a save still queued for the old one keeps its account's runs
    this.storage = storage;
  }

  /** Saves what is held now (e.g. into a storage just bound). */
  saveNow(): void {
    this.scheduleSave(true);
  }

  /** Switches the filter; the list empties until the next page arrives. Returns false when unchanged. */
  setFilter(filter: RunFilter): boolean {
    const next = normalizeFilter(filter);
    if (filterKey(next) === filterKey(this.currentFilter)) return false;
    this.currentFilter = next;
    // What is known of each run's category stays: a run seen under both filters still reports its transition.
    const removed = this.held.clear(false);
    this.loadedSinceFilter = false;
    this.successAt = undefined;
    this.fire({ ...emptyChange(), removed, reordered: removed.length > 0, filterChanged: true }, []);
    this.scheduleSave(true);
    return true;
  }

  /**
   * Empties the list (another account): what was shown, the runs created here and the unreviewed ones
   * belong to someone else (they stay in that account's storage). Nothing is saved.
   */
  clear(): void {
    this.saves.seal();
    for (const ids of [this.createdHere, this.unreviewed]) for (const id of ids.toArray()) ids.delete(id);
    const removed = this.held.clear(true);
    this.loadedSinceFilter = false;
    this.successAt = undefined;
    if (removed.length > 0) this.fire({ ...emptyChange(), removed, reordered: true }, []);
  }

  setStatus(status: ViewStatus): void {
    if (jsonEqual(status, this.currentStatus)) return;
    this.currentStatus = status;
    this.fire({ ...emptyChange(), statusChanged: true }, []);
  }

  /**
   * Loads the account's last-known runs from storage (validated; anything unreadable is ignored), with the
   * filter they were saved under. Ids worth remembering are merged even when fresher runs are held.
   * Returns true when runs were restored.
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
    if (this.loadedSinceFilter || this.held.size > 0) return false; // fresher data already arrived
    const filterChanged = filterKey(persisted.filter) !== filterKey(this.currentFilter);
    this.currentFilter = persisted.filter;
    this.held.restore(persisted.runs, persisted.hasMore);
    this.successAt = persisted.lastSuccessAt;
    this.saves.noteSaved(persisted.lastSuccessAt);
    this.fire({ ...emptyChange(), added: [...this.held.ids], reordered: true, filterChanged }, []);
    return this.held.size > 0;
  }

  /** The value saved to storage: slim records of the newest runs, the filter and the ids worth remembering. */
  toPersisted(): PersistedRuns {
    const persisted: PersistedRuns = {
      version: 2,
      filter: this.filter,
      runs: this.runs.slice(0, this.maxPersistedRuns).map(slimRun),
      hasMore: this.hasMore || this.size > this.maxPersistedRuns,
      createdHere: this.createdHere.toArray(),
      unreviewed: this.unreviewed.toArray(),
      savedAt: Date.now(),
    };
    if (this.successAt !== undefined) persisted.lastSuccessAt = this.successAt;
    return persisted;
  }

  /** Resolves when every requested save has been written. */
  flush(): Promise<void> {
    return this.saves.flush();
  }

  dispose(): void {
    this.disposed = true;
    this.changeEmitter.dispose();
    this.transitionEmitter.dispose();
  }

  private fire(change: RunStoreChange, transitions: readonly RunTransition[]): void {
    if (hasListChanges(change) || change.statusChanged || change.filterChanged) this.changeEmitter.fire(change);
    for (const transition of transitions) this.transitionEmitter.fire(transition);
  }

  private scheduleSave(contentChanged: boolean): void {
    if (!this.disposed) this.saves.request(this.storage, contentChanged, this.successAt);
  }
}

function emptyChange(): RunStoreChange {
  return { added: [], updated: [], removed: [], reordered: false, statusChanged: false, filterChanged: false };
}

function hasListChanges(change: RunListChange): boolean {
  return change.added.length > 0 || change.updated.length > 0 || change.removed.length > 0 || change.reordered;
}
