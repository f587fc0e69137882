// Several agents on one request: the runs of one attempt group are the same prompt sent N times (2 to 4),
// each create carrying `metadata.attempt_group` (one fresh id for the group) and `metadata.attempt` (1..N),
// so the group is recognised from the service's answers after a reload and from another window. No vscode.
import { randomUUID } from 'node:crypto';
import type { AgentRun } from '../api/types';
import { type Disposable, Emitter, type Event } from '../util/events';

export const MIN_ATTEMPTS = 2;
export const MAX_ATTEMPTS = 4;
export const DEFAULT_ATTEMPTS = 2;

/** The metadata keys (the service stores metadata as given). */
export const ATTEMPT_GROUP_KEY = 'attempt_group';
export const ATTEMPT_KEY = 'attempt';

const GROUP_ID = /^[A-Za-z0-9-]{1,64}$/;

export interface AttemptTag {
  group: string;
  attempt: number;
}

/** A fresh group id. */
export function newAttemptGroupId(): string {
  return randomUUID();
}

/** A count the user or a setting gave, as a count of attempts (2..4), or undefined when it is not one. */
export function attemptCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_ATTEMPTS && value <= MAX_ATTEMPTS ? value : undefined;
}

/** The group and attempt a run's metadata names; undefined unless both are well formed (metadata is untrusted). */
export function attemptOf(run: Pick<AgentRun, 'metadata'>): AttemptTag | undefined {
  const group = run.metadata?.[ATTEMPT_GROUP_KEY];
  const attempt = run.metadata?.[ATTEMPT_KEY];
  if (typeof group !== 'string' || !GROUP_ID.test(group)) return undefined;
  if (typeof attempt !== 'number' || !Number.isInteger(attempt) || attempt < 1 || attempt > MAX_ATTEMPTS) return undefined;
  return { group, attempt };
}

/** The metadata of attempt `attempt` of a group: the group's metadata plus the two keys. */
export function attemptMetadata(metadata: Record<string, unknown>, group: string, attempt: number): Record<string, unknown> {
  return { ...metadata, [ATTEMPT_GROUP_KEY]: group, [ATTEMPT_KEY]: attempt };
}

/** The runs of one group, by attempt number. */
export function attemptsOfGroup(runs: readonly AgentRun[], group: string): AgentRun[] {
  return runs
    .filter((run) => attemptOf(run)?.group === group)
    .sort((a, b) => (attemptOf(a)?.attempt ?? 0) - (attemptOf(b)?.attempt ?? 0) || a.id - b.id);
}

/**
 * The runs in display order with the runs of a group gathered where its newest member stands: each entry is
 * a single run or a group of two or more (a group of which only one run is known shows as a plain run).
 */
export type RunOrGroup = { kind: 'run'; run: AgentRun } | { kind: 'attempts'; group: string; runs: AgentRun[] };

export function gatherAttempts(runs: readonly AgentRun[]): RunOrGroup[] {
  const byGroup = new Map<string, AgentRun[]>();
  for (const run of runs) {
    const tag = attemptOf(run);
    if (tag) byGroup.set(tag.group, [...(byGroup.get(tag.group) ?? []), run]);
  }
  const out: RunOrGroup[] = [];
  const placed = new Set<string>();
  for (const run of runs) {
    const tag = attemptOf(run);
    const members = tag ? byGroup.get(tag.group) : undefined;
    if (!tag || !members || members.length < 2) {
      out.push({ kind: 'run', run });
      continue;
    }
    if (placed.has(tag.group)) continue;
    placed.add(tag.group);
    out.push({ kind: 'attempts', group: tag.group, runs: attemptsOfGroup(members, tag.group) });
  }
  return out;
}

/** Files changed and lines added/removed on an attempt's branch against the base, once fetched. */
export interface DiffFigures {
  files: number;
  added: number;
  removed: number;
}

/** Parses `git diff --numstat` output (binary files count as files, without lines). */
export function parseNumstat(output: string): DiffFigures {
  const figures: DiffFigures = { files: 0, added: 0, removed: 0 };
  for (const line of output.split('\n')) {
    const match = /^(\d+|-)\t(\d+|-)\t./.exec(line);
    if (!match) continue;
    figures.files++;
    if (match[1] !== '-') figures.added += Number(match[1]);
    if (match[2] !== '-') figures.removed += Number(match[2]);
  }
  return figures;
}

/** "3 files, +12 −4". */
export function describeFigures(figures: DiffFigures): string {
  return `${figures.files} ${figures.files === 1 ? 'file' : 'files'}, +${figures.added} −${figures.removed}`;
}

/**
 * The figures of each run whose branch a review or a comparison fetched (this window, in memory: they are
 * computed again by the next fetch). The tree shows them on the attempt's row.
 */
export class DiffFiguresStore implements Disposable {
  private readonly figures = new Map<number, DiffFigures>();
  private readonly emitter = new Emitter<number>();
  /** Fires with the run id whose figures changed. */
  readonly onDidChange: Event<number> = this.emitter.event;

  get(runId: number): DiffFigures | undefined {
    return this.figures.get(runId);
  }

  set(runId: number, figures: DiffFigures): void {
    const before = this.figures.get(runId);
    if (before && before.files === figures.files && before.added === figures.added && before.removed === figures.removed) return;
    this.figures.set(runId, figures);
    this.emitter.fire(runId);
  }

  dispose(): void {
    this.figures.clear();
    this.emitter.dispose();
  }
}
