// The list of runs the store holds, newest first, and how a page or a direct answer changes it: which runs
// were added, updated or removed, and which status transitions happened. No events and no storage here:
// the RunStore fires and saves.

import type { AgentRun } from '../api/types';
import type { Clock } from '../util/clock';
import { nextListOrder } from './listOrder';
import { jsonEqual, runCategory, type RunCounts, type RunTransition } from './runModel';
import type { RecentIds } from './runTracking';
import { RunFollowing } from './runTracking';

export interface RunListChange {
  added: number[];
  updated: number[];
  removed: number[];
  /** The order of the list changed (a refresh moved runs around or a page came in). */
  reordered: boolean;
}

export interface PageOptions {
  /** replace: the page is the newest part of the list (a poll); append: the page follows what is loaded (load more). */
  mode: 'replace' | 'append';
  /** More runs exist after this page. */
  hasMore?: boolean;
  /** When the request was sent: runs upserted locally after it are newer than the page and kept as they are. */
  requestedAt?: number;
}

/** Local upserts stay authoritative over pages requested before them for this long at most. */
const LOCAL_TOUCH_TTL_MS = 5 * 60_000;

export class HeldRuns {
  private byId = new Map<number, AgentRun>();
  private order: number[] = [];
  private more = false;
  /** When a run was last upserted locally. */
  private readonly localTouches = new Map<number, number>();
  readonly following: RunFollowing;

  constructor(
    private readonly clock: Clock,
    createdHere: RecentIds,
    unreviewed: RecentIds,
  ) {
    this.following = new RunFollowing(clock, createdHere, unreviewed);
  }

  get runs(): readonly AgentRun[] {
    return this.order.map((id) => this.byId.get(id)!);
  }

  get ids(): readonly number[] {
    return this.order;
  }

  get size(): number {
    return this.order.length;
  }

  get hasMore(): boolean {
    return this.more;
  }

  get(id: number): AgentRun | undefined {
    return this.byId.get(id);
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

  hasRunToFollow(): boolean {
    for (const run of this.byId.values()) if (this.following.isFollowed(run)) return true;
    return false;
  }

  isDisjointFrom(ids: readonly number[]): boolean {
    return this.order.length > 0 && !ids.some((id) => this.byId.has(id));
  }

  applyPage(incoming: readonly AgentRun[], options: PageOptions): { change: RunListChange; transitions: RunTransition[] } {
    const now = this.clock.now();
    for (const [id, at] of this.localTouches) if (now - at > LOCAL_TOUCH_TTL_MS) this.localTouches.delete(id);
    const page = dedupe(incoming);
    const previousOrder = this.order;
    const next = nextListOrder({
      previousOrder,
      pageIds: page.map((run) => run.id),
      mode: options.mode,
      pageHasMore: Boolean(options.hasMore),
      heldHasMore: this.more,
      isNewerLocal: (id) => this.touchedAfter(id, options.requestedAt),
      isHeld: (id) => this.byId.has(id),
    });
    const change: RunListChange = { added: [], updated: [], removed: [], reordered: false };
    const transitions: RunTransition[] = [];
    const nextById = new Map<number, AgentRun>();
    for (const id of next.order) {
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
    change.reordered = !sameOrder(previousOrder, next.order);
    this.byId = nextById;
    this.order = next.order;
    this.more = next.hasMore;
    this.following.prune((id) => this.byId.has(id));
    return { change, transitions };
  }

  upsert(run: AgentRun, createdHere: boolean): { change: RunListChange; transition?: RunTransition } {
    const previous = this.byId.get(run.id);
    const change: RunListChange = { added: [], updated: [], removed: [], reordered: false };
    if (!previous) {
      this.order = [run.id, ...this.order];
      change.added.push(run.id);
      change.reordered = true;
    } else if (!jsonEqual(previous, run)) {
      change.updated.push(run.id);
    }
    this.byId.set(run.id, run);
    this.localTouches.set(run.id, this.clock.now());
    const transition = this.following.note(run, { firstSeenCreatedHere: !previous && createdHere });
    return transition ? { change, transition } : { change };
  }

  /** Replaces everything with restored runs (stale: created-here ones keep a baseline, see RunFollowing). */
  restore(runs: readonly AgentRun[], hasMore: boolean): void {
    const unique = dedupe(runs);
    this.byId = new Map(unique.map((run) => [run.id, run]));
    this.order = unique.map((run) => run.id);
    this.more = hasMore;
    this.following.restore(unique);
  }

  /** Empties the list; `forget` also drops what is known of each run (another account). Returns the removed ids. */
  clear(forget: boolean): number[] {
    const removed = [...this.order];
    this.byId = new Map();
    this.order = [];
    this.more = false;
    if (forget) {
      this.following.clear();
      this.localTouches.clear();
    }
    return removed;
  }

  private touchedAfter(id: number, requestedAt: number | undefined): boolean {
    if (requestedAt === undefined) return false;
    const touchedAt = this.localTouches.get(id);
    return touchedAt !== undefined && touchedAt > requestedAt;
  }
}

function dedupe(runs: readonly AgentRun[]): AgentRun[] {
  const seen = new Set<number>();
  return runs.filter((run) => !seen.has(run.id) && Boolean(seen.add(run.id)));
}

function sameOrder(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, index) => id === b[index]);
}
