// The status transitions other extensions observe (the exported API's onDidChangeRunStatus): derived from the
// run store's changes, one event per change of a run's status as the service reports it. The first sighting
// of a run is not a transition, and the same transition is never reported twice (a repeated list answer, a
// restored cache). No vscode here.
import type { AgentRun, PullRequest } from '../api/types';

export interface RunStatusChange {
  runId: number;
  /** The status before (as the service sent it; undefined when it had none). */
  previousStatus: string | undefined;
  status: string | undefined;
  pullRequests: readonly PullRequest[];
}

export class RunStatusTracker {
  /** The last status seen for each run (null: seen without a status). */
  private readonly seen = new Map<number, string | null>();

  /** Takes the runs as the store now holds them; answers the transitions since the last call. */
  update(runs: readonly AgentRun[]): RunStatusChange[] {
    const changes: RunStatusChange[] = [];
    for (const run of runs) {
      const status = run.status ?? null;
      const known = this.seen.has(run.id);
      const before = this.seen.get(run.id);
      this.seen.set(run.id, status);
      if (!known || sameStatus(before ?? null, status)) continue;
      changes.push({ runId: run.id, previousStatus: before ?? undefined, status: status ?? undefined, pullRequests: run.pullRequests });
    }
    return changes;
  }
}

/** Statuses compare case-insensitively (older documentation shows lowercase values). */
function sameStatus(a: string | null, b: string | null): boolean {
  return (a ?? '').toUpperCase() === (b ?? '').toUpperCase();
}
