// What the run store remembers about runs beyond their latest state: the category each was last seen in
// (the reference for transitions) and bounded id sets (runs created here, finished runs not reviewed yet);
// and which runs are worth following.

import { isFinal, type StatusCategory } from '../api/status';
import type { AgentRun } from '../api/types';
import type { Clock } from '../util/clock';
import { runCategory, UNKNOWN_FOLLOW_MAX_AGE_MS, type RunTransition } from './runModel';

/** An insertion-ordered set of ids that keeps the newest `capacity`. */
export class RecentIds {
  private readonly ids = new Set<number>();

  constructor(private readonly capacity: number) {}

  get set(): ReadonlySet<number> {
    return this.ids;
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  add(id: number): void {
    this.ids.delete(id);
    this.ids.add(id);
    while (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest === undefined) break;
      this.ids.delete(oldest);
    }
  }

  delete(id: number): boolean {
    return this.ids.delete(id);
  }

  toArray(): number[] {
    return [...this.ids];
  }
}

export class RunFollowing {
  /** Last category seen per run id. Restored runs have none (stale), except created-here ones. */
  private readonly baseline = new Map<number, StatusCategory>();

  constructor(
    private readonly clock: Clock,
    private readonly createdHere: RecentIds,
    private readonly unreviewed: RecentIds,
  ) {}

  /** Records the run's category; returns the transition when it changed for a run already known. */
  note(run: AgentRun, options: { firstSeenCreatedHere?: boolean } = {}): RunTransition | undefined {
    const to = runCategory(run);
    const from = this.baseline.get(run.id);
    this.baseline.set(run.id, to);
    const createdHere = this.createdHere.has(run.id);
    let transition: RunTransition | undefined;
    if (from !== undefined && from !== to) transition = { run, from, to, createdHere };
    else if (from === undefined && options.firstSeenCreatedHere && to !== 'inProgress' && to !== 'unknown') transition = { run, to, createdHere: true };
    // A run that ended while followed (or here) with a pull request has changes to review.
    if (transition && isFinal(to) && run.pullRequests.length > 0) this.unreviewed.add(run.id);
    return transition;
  }

  /**
   * A run worth polling for: in progress, or an unknown (or missing) status on a young run, created less than
   * UNKNOWN_FOLLOW_MAX_AGE_MS ago by its created_at. Age alone decides, however long the run has been held:
   * an old one, one without a created_at, or one dated further ahead than that (a bad clock), costs nothing.
   */
  isFollowed(run: AgentRun): boolean {
    const category = runCategory(run);
    if (category === 'inProgress') return true;
    if (category !== 'unknown' || !run.createdAt) return false;
    const age = this.clock.now() - Date.parse(run.createdAt);
    return Math.abs(age) < UNKNOWN_FOLLOW_MAX_AGE_MS;
  }

  /** Restored runs: only created-here ones get a baseline, so one that finished while closed still notifies. */
  restore(runs: readonly AgentRun[]): void {
    for (const run of runs) if (this.createdHere.has(run.id) && !this.baseline.has(run.id)) this.baseline.set(run.id, runCategory(run));
  }

  /** Keeps what is known to runs still held, plus runs created here (they may come back into view). */
  prune(isHeld: (id: number) => boolean): void {
    for (const id of this.baseline.keys()) if (!isHeld(id) && !this.createdHere.has(id)) this.baseline.delete(id);
  }

  clear(): void {
    this.baseline.clear();
  }
}
