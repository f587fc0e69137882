// The runs the Runs view shows: the loaded list (newest first), its filter, paging and view status.
// Pages from the poller (or from another window's snapshot) are diffed against what is held, so the
// view learns exactly what changed and notifications fire only for real status transitions.

import * as v from 'valibot';
import { statusCategory, type StatusCategory } from '../api/status';
import type { AgentRun } from '../api/types';
import { type Clock, systemClock } from '../util/clock';
import { type Disposable, Emitter, type Event } from '../util/events';

export type RunScope = 'mine' | 'organization';

export interface RunFilter {
  scope: RunScope;
  /** Only runs of this source type (e.g. "LOCAL", "API"); undefined = every source. */
  sourceType?: string;
}

/** What the view should say about the data it shows. */
export type ViewStatus =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'rateLimited'; retryAt: number }
  | { kind: 'offline'; since: number; lastSuccessAt?: number }
  | { kind: 'error'; message: string }
  /** The token was refused: polling stopped until a new token is set. */
  | { kind: 'unauthorized' };

export interface RunStoreChange {
  added: number[];
  updated: number[];
  removed: number[];
  /** The order of the list changed (a refresh moved runs around or a page came in). */
  reordered: boolean;
  statusChanged: boolean;
  filterChanged: boolean;
}

export interface RunTransition {
  run: AgentRun;
  /** Undefined only for a run created here that was first seen already past 'inProgress'. */
  from?: StatusCategory;
  to: StatusCategory;
  createdHere: boolean;
}

export interface ApplyPageOptions {
  /** replace: the page is the newest part of the list (a poll); append: the page follows what is loaded (load more). */
  mode: 'replace' | 'append';
  /** More runs exist after this page. */
  hasMore?: boolean;
  /** When the data was fetched; becomes lastSuccessAt. */
  fetchedAt?: number;
  /**
   * When the request was sent. Runs upserted locally after that moment (a create or resume answered
   * while the poll was in flight) are newer than the page: they are kept as they are.
   */
  requestedAt?: number;
}

/** Persistence of the last-known runs (e.g. a Memento). What load() returns is validated. */
export interface RunStorage {
  load(): Promise<unknown>;
  save(value: unknown): Promise<void>;
}

export interface RunStoreOptions {
  filter?: RunFilter;
  clock?: Clock;
  storage?: RunStorage;
  /** Runs kept in storage (default 200). */
  maxPersistedRuns?: number;
  /** Called when saving fails (default: ignored; the data is only a cache). */
  onSaveError?: (error: unknown) => void;
}

export type NotificationMode = 'mine' | 'all' | 'off';

export interface RunGroups {
  /** Paused runs waiting for the user. */
  needsYou: AgentRun[];
  running: AgentRun[];
  /** Everything else (succeeded, failed, cancelled, unknown). */
  finished: AgentRun[];
}

export interface RunCounts {
  running: number;
  needsYou: number;
}

const DEFAULT_FILTER: RunFilter = { scope: 'mine' };
const MAX_CREATED_HERE = 200;
/** Local upserts stay authoritative over pages requested before them for this long at most. */
const LOCAL_TOUCH_TTL_MS = 5 * 60_000;
/** A save caused only by a newer lastSuccessAt waits at least this long after the previous save. */
const TIMESTAMP_SAVE_INTERVAL_MS = 60_000;
const TITLE_MAX = 80;

export function runCategory(run: Pick<AgentRun, 'status'>): StatusCategory {
  return statusCategory(run.status);
}

export class RunStore implements Disposable {
  private readonly clock: Clock;
  private readonly storage: RunStorage | undefined;
  private readonly maxPersistedRuns: number;
  private readonly onSaveError: (error: unknown) => void;
  private readonly changeEmitter = new Emitter<RunStoreChange>();
  private readonly transitionEmitter = new Emitter<RunTransition>();

  private byId = new Map<number, AgentRun>();
  private order: number[] = [];
  /** Last category seen per run id: the reference for transitions. Restored runs have none (stale), except created-here ones. */
  private readonly baseline = new Map<number, StatusCategory>();
  /** Ids of runs created (or resumed) from this editor, oldest first. */
  private readonly createdHere = new Set<number>();
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
  readonly onDidChange: Event<RunStoreChange> = this.changeEmitter.event;
  /** Fires once per real category change of a run the store already knew (never on a first load). */
  readonly onDidTransition: Event<RunTransition> = this.transitionEmitter.event;

  constructor(options: RunStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.storage = options.storage;
    this.maxPersistedRuns = Math.max(1, options.maxPersistedRuns ?? 200);
    this.onSaveError = options.onSaveError ?? (() => undefined);
    this.currentFilter = normalizeFilter(options.filter ?? DEFAULT_FILTER);
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
    return this.createdHere;
  }

  isCreatedHere(id: number): boolean {
    return this.createdHere.has(id);
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

  hasRunInProgress(): boolean {
    for (const run of this.byId.values()) if (runCategory(run) === 'inProgress') return true;
    return false;
  }

  /** Applies a page from the service (or from another window's snapshot) and reports what changed. */
  applyPage(incoming: readonly AgentRun[], options: ApplyPageOptions): RunStoreChange {
    const now = this.clock.now();
    this.pruneLocalTouches(now);
    const page = dedupe(incoming);
    const pageIds = new Set(page.map((run) => run.id));
    const previousOrder = this.order;
    let nextOrder: number[];
    let hasMore: boolean;

    if (options.mode === 'replace') {
      nextOrder = page.map((run) => run.id);
      // Runs created here while the request was in flight are newer than the page: keep them on top.
      const newerLocal = previousOrder.filter((id) => !pageIds.has(id) && this.touchedAfter(id, options.requestedAt));
      nextOrder = [...newerLocal, ...nextOrder];
      // A full page covers only the newest runs: runs loaded further down ("load more") stay.
      let keptTail = false;
      if (options.hasMore) {
        let lastOverlap = -1;
        previousOrder.forEach((id, index) => {
          if (pageIds.has(id)) lastOverlap = index;
        });
        const tail = previousOrder.slice(lastOverlap + 1).filter((id) => !pageIds.has(id) && !newerLocal.includes(id));
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
      const transition = this.noteCategory(run);
      if (transition) transitions.push(transition);
    }
    for (const id of previousOrder) if (!nextById.has(id)) change.removed.push(id);
    change.reordered = !sameOrder(previousOrder, nextOrder);

    this.byId = nextById;
    this.order = nextOrder;
    this.more = hasMore;
    this.loadedSinceFilter = true;
    if (options.fetchedAt !== undefined) this.successAt = Math.max(this.successAt ?? -Infinity, options.fetchedAt);
    this.pruneBaseline();

    if (hasChanges(change)) this.changeEmitter.fire(change);
    for (const transition of transitions) this.transitionEmitter.fire(transition);
    this.scheduleSave(hasChanges(change));
    return change;
  }

  /**
   * Adds or updates one run known from a direct answer (create, resume, get). createdHere marks it as
   * started from this editor: it is known from now on, so its next transition notifies even before
   * the first poll.
   */
  upsert(run: AgentRun, options: { createdHere?: boolean } = {}): void {
    if (options.createdHere) this.rememberCreatedHere(run.id);
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
    let transition = this.noteCategory(run);
    const to = runCategory(run);
    if (!transition && !previous && options.createdHere && to !== 'inProgress' && to !== 'unknown') {
      transition = { run, to, createdHere: true };
    }
    if (hasChanges(change)) this.changeEmitter.fire(change);
    if (transition) this.transitionEmitter.fire(transition);
    this.scheduleSave(hasChanges(change) || Boolean(options.createdHere));
  }

  /** Remembers that a run was started from this editor, e.g. before its first answer arrives. */
  markCreatedHere(id: number): void {
    this.rememberCreatedHere(id);
    this.scheduleSave(true);
  }

  /** Switches the filter; the list empties until the next page arrives. Returns false when unchanged. */
  setFilter(filter: RunFilter): boolean {
    const next = normalizeFilter(filter);
    if (filterKey(next) === filterKey(this.currentFilter)) return false;
    const removed = [...this.order];
    this.currentFilter = next;
    this.byId = new Map();
    this.order = [];
    this.more = false;
    this.loadedSinceFilter = false;
    this.successAt = undefined;
    // The baseline stays: a run seen under both filters still reports its transition.
    this.changeEmitter.fire({ ...emptyChange(), removed, reordered: removed.length > 0, filterChanged: true });
    this.scheduleSave(true);
    return true;
  }

  /** Empties the list (another account): what was shown belongs to someone else. Created-here ids stay. */
  clear(): void {
    const removed = [...this.order];
    this.byId = new Map();
    this.order = [];
    this.more = false;
    this.loadedSinceFilter = false;
    this.successAt = undefined;
    this.baseline.clear();
    this.localTouches.clear();
    if (removed.length > 0) this.changeEmitter.fire({ ...emptyChange(), removed, reordered: true });
    this.scheduleSave(true);
  }

  setStatus(status: ViewStatus): void {
    if (jsonEqual(status, this.currentStatus)) return;
    this.currentStatus = status;
    this.changeEmitter.fire({ ...emptyChange(), statusChanged: true });
  }

  /**
   * Loads the last-known runs from storage (validated; anything unreadable is ignored). Runs of another
   * organization or saved under another filter are not shown. Returns true when runs were restored.
   */
  async restore(expected: { organizationId?: number } = {}): Promise<boolean> {
    if (!this.storage) return false;
    let raw: unknown;
    try {
      raw = await this.storage.load();
    } catch {
      return false;
    }
    const persisted = parsePersistedRuns(raw);
    if (!persisted || this.disposed) return false;
    for (const id of persisted.createdHere) this.rememberCreatedHere(id);
    if (this.loadedSinceFilter || this.order.length > 0) return false; // fresher data already arrived
    if (filterKey(persisted.filter) !== filterKey(this.currentFilter)) return false;
    const runs = dedupe(
      persisted.runs.filter((run) => expected.organizationId === undefined || run.organizationId === expected.organizationId),
    );
    if (runs.length === 0) return false;
    this.byId = new Map(runs.map((run) => [run.id, run]));
    this.order = runs.map((run) => run.id);
    // Restored categories are stale, so they are no baseline, except for runs created here: one that
    // finished while the window was closed still deserves its notification.
    for (const run of runs) if (this.createdHere.has(run.id) && !this.baseline.has(run.id)) this.baseline.set(run.id, runCategory(run));
    this.more = persisted.hasMore;
    this.successAt = persisted.lastSuccessAt;
    this.savedSuccessAt = persisted.lastSuccessAt;
    this.changeEmitter.fire({ ...emptyChange(), added: [...this.order], reordered: true });
    return true;
  }

  /** The value saved to storage: the newest runs, the filter and the created-here ids. */
  toPersisted(): PersistedRuns {
    const persisted: PersistedRuns = {
      version: 1,
      filter: this.filter,
      runs: this.runs.slice(0, this.maxPersistedRuns),
      hasMore: this.more || this.order.length > this.maxPersistedRuns,
      createdHere: [...this.createdHere],
    };
    if (this.successAt !== undefined) persisted.lastSuccessAt = this.successAt;
    return persisted;
  }

  /** Resolves when every requested save has been written. */
  async flush(): Promise<void> {
    // A save may queue another; wait until none is pending.
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

  private noteCategory(run: AgentRun): RunTransition | undefined {
    const to = runCategory(run);
    const from = this.baseline.get(run.id);
    this.baseline.set(run.id, to);
    if (from === undefined || from === to) return undefined;
    return { run, from, to, createdHere: this.createdHere.has(run.id) };
  }

  private touchedAfter(id: number, requestedAt: number | undefined): boolean {
    if (requestedAt === undefined) return false;
    const touchedAt = this.localTouches.get(id);
    return touchedAt !== undefined && touchedAt > requestedAt;
  }

  private pruneLocalTouches(now: number): void {
    for (const [id, at] of this.localTouches) if (now - at > LOCAL_TOUCH_TTL_MS) this.localTouches.delete(id);
  }

  /** Keeps the baseline to runs still held, plus runs created here (they may come back into view). */
  private pruneBaseline(): void {
    for (const id of this.baseline.keys()) {
      if (!this.byId.has(id) && !this.createdHere.has(id)) this.baseline.delete(id);
    }
  }

  private rememberCreatedHere(id: number): void {
    this.createdHere.delete(id);
    this.createdHere.add(id);
    while (this.createdHere.size > MAX_CREATED_HERE) {
      const oldest = this.createdHere.values().next().value;
      if (oldest === undefined) break;
      this.createdHere.delete(oldest);
    }
  }

  private scheduleSave(contentChanged: boolean): void {
    if (!this.storage || this.disposed) return;
    const now = this.clock.now();
    const timestampMoved = this.successAt !== this.savedSuccessAt;
    if (!contentChanged && !(timestampMoved && now - this.savedAt >= TIMESTAMP_SAVE_INTERVAL_MS)) return;
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

// ---- Helpers for the view, the status bar and notifications --------------------------------------

/**
 * Whether a transition deserves a notification under the `codegen.notifications` setting: a run that
 * finished (any category but in progress) or now waits for the user. The store fires each transition
 * once, so this notifies once per transition.
 */
export function shouldNotify(transition: RunTransition, mode: NotificationMode, createdHereIds: ReadonlySet<number>): boolean {
  if (mode === 'off') return false;
  if (transition.to === 'inProgress' || transition.from === transition.to) return false;
  if (mode === 'mine') return createdHereIds.has(transition.run.id);
  return true;
}

/** Splits runs into the view's groups, keeping their order. */
export function groupRuns(runs: readonly AgentRun[]): RunGroups {
  const groups: RunGroups = { needsYou: [], running: [], finished: [] };
  for (const run of runs) {
    const category = runCategory(run);
    if (category === 'needsUser') groups.needsYou.push(run);
    else if (category === 'inProgress') groups.running.push(run);
    else groups.finished.push(run);
  }
  return groups;
}

/** Counts for the status bar. */
export function countRuns(runs: readonly AgentRun[]): RunCounts {
  const groups = groupRuns(runs);
  return { running: groups.running.length, needsYou: groups.needsYou.length };
}

/** A one-line title: metadata.title, else the first line of the summary, else "Run #id"; at most 80 characters. */
export function runTitle(run: AgentRun): string {
  const fromMetadata = run.metadata?.['title'];
  const candidates = [typeof fromMetadata === 'string' ? fromMetadata : undefined, plainText(firstLine(run.summary))];
  for (const candidate of candidates) {
    const text = candidate?.replace(/\s+/g, ' ').trim();
    if (text) return text.length > TITLE_MAX ? `${text.slice(0, TITLE_MAX - 1).trimEnd()}…` : text;
  }
  return `Run #${run.id}`;
}

/** A summary line without its markdown syntax: a title is shown as plain text. */
function plainText(line: string | undefined): string | undefined {
  return line
    ?.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}(?:#{1,6}\s+|>\s*|[-*+]\s+)/, '')
    .replace(/(\*\*|__|\*|`)/g, '');
}

function firstLine(text: string | undefined): string | undefined {
  return text?.split(/\r?\n/).find((line) => line.trim() !== '');
}

export function filterKey(filter: RunFilter): string {
  return `${filter.scope}|${filter.sourceType ?? ''}`;
}

function normalizeFilter(filter: RunFilter): RunFilter {
  const sourceType = filter.sourceType?.trim();
  return sourceType ? { scope: filter.scope, sourceType } : { scope: filter.scope };
}

// ---- Persistence format ------------------------------------------------------------------------

export interface PersistedRuns {
  version: 1;
  filter: RunFilter;
  runs: AgentRun[];
  hasMore: boolean;
  createdHere: number[];
  lastSuccessAt?: number;
}

const idSchema = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const webUrlSchema = v.pipe(
  v.string(),
  v.check((text) => /^https?:\/\//i.test(text) && URL.canParse(text)),
);

const pullRequestSchema = v.object({
  id: v.optional(idSchema),
  title: v.optional(v.string()),
  url: v.optional(webUrlSchema),
  createdAt: v.optional(v.string()),
  headBranchName: v.optional(v.string()),
  state: v.optional(v.string()),
  merged: v.optional(v.boolean()),
});

/** An AgentRun as the extension itself serialised it (camelCase). Unknown keys are dropped. */
export const storedRunSchema = v.object({
  id: idSchema,
  organizationId: idSchema,
  status: v.optional(v.string()),
  createdAt: v.optional(v.string()),
  webUrl: v.optional(webUrlSchema),
  result: v.optional(v.string()),
  summary: v.optional(v.string()),
  sourceType: v.optional(v.string()),
  pullRequests: v.array(pullRequestSchema),
  metadata: v.optional(
    v.pipe(
      v.record(v.string(), v.unknown()),
      v.check((value) => !Array.isArray(value)),
    ),
  ),
});

const filterSchema = v.object({
  scope: v.picklist(['mine', 'organization']),
  sourceType: v.optional(v.string()),
});

const persistedSchema = v.object({
  version: v.literal(1),
  filter: filterSchema,
  runs: v.pipe(v.array(storedRunSchema), v.maxLength(1_000)),
  hasMore: v.boolean(),
  createdHere: v.pipe(v.array(idSchema), v.maxLength(10_000)),
  lastSuccessAt: v.optional(v.pipe(v.number(), v.finite())),
});

/** Validates stored runs; anything that does not match exactly gives undefined (start empty). */
export function parsePersistedRuns(value: unknown): PersistedRuns | undefined {
  const parsed = v.safeParse(persistedSchema, value);
  if (!parsed.success) return undefined;
  const output = parsed.output;
  const persisted: PersistedRuns = {
    version: 1,
    filter: normalizeFilter(output.filter),
    runs: output.runs.map(stripUndefined),
    hasMore: output.hasMore,
    createdHere: output.createdHere.slice(-MAX_CREATED_HERE),
  };
  if (output.lastSuccessAt !== undefined) persisted.lastSuccessAt = output.lastSuccessAt;
  return persisted;
}

/** Validates a list of stored runs; undefined when any entry is not a run. */
export function parseStoredRuns(value: unknown): AgentRun[] | undefined {
  const parsed = v.safeParse(v.array(storedRunSchema), value);
  return parsed.success ? parsed.output.map(stripUndefined) : undefined;
}

function stripUndefined<T extends object>(value: T): T {
  const copy = { ...value };
  for (const key of Object.keys(copy) as (keyof T)[]) if (copy[key] === undefined) delete copy[key];
  return copy;
}

// ---- Small utilities -----------------------------------------------------------------------------

function emptyChange(): RunStoreChange {
  return { added: [], updated: [], removed: [], reordered: false, statusChanged: false, filterChanged: false };
}

function hasChanges(change: RunStoreChange): boolean {
  return change.added.length > 0 || change.updated.length > 0 || change.removed.length > 0 || change.reordered;
}

function dedupe(runs: readonly AgentRun[]): AgentRun[] {
  const seen = new Set<number>();
  return runs.filter((run) => !seen.has(run.id) && Boolean(seen.add(run.id)));
}

function sameOrder(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, index) => id === b[index]);
}

/** Structural equality of JSON-like values (key order ignored, undefined properties ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  const recordA = a as Record<string, unknown>;
  const recordB = b as Record<string, unknown>;
  const keysA = Object.keys(recordA).filter((key) => recordA[key] !== undefined);
  const keysB = Object.keys(recordB).filter((key) => recordB[key] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => Object.prototype.hasOwnProperty.call(recordB, key) && jsonEqual(recordA[key], recordB[key]));
}
