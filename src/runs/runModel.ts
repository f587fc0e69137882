// What the views make of runs, without vscode: categories and groups, titles, which transitions notify,
// which runs are still worth following, which have changes to bring back, the list filter and the view status. The store holds runs; this
// module only reads them.

import { statusCategory, type StatusCategory } from '../api/status';
import type { AgentRun, PullRequest } from '../api/types';
import { serviceLabel } from '../util/serviceText';
import { isSafeExternalUrl } from '../util/urlPolicy';

export type RunScope = 'mine' | 'organization';

export interface RunFilter {
  scope: RunScope;
  /** Only runs of this source type (e.g. "LOCAL", "API"); undefined = every source. */
  sourceType?: string;
}

export const DEFAULT_FILTER: RunFilter = { scope: 'mine' };

/** What the view should say about the data it shows. */
export type ViewStatus =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'rateLimited'; retryAt: number }
  /** No answer at all (network error, timeout). */
  | { kind: 'offline'; since: number; lastSuccessAt?: number }
  /** The service answered with a 5xx: it is up but failing. */
  | { kind: 'failing'; since: number; lastSuccessAt?: number }
  | { kind: 'error'; message: string }
  /** The token was refused: polling stopped until a new token is set. */
  | { kind: 'unauthorized' };

export type NotificationMode = 'mine' | 'all' | 'off';

export type GroupId = 'needsYou' | 'running' | 'other' | 'finished';
export const GROUP_ORDER: readonly GroupId[] = ['needsYou', 'running', 'other', 'finished'];

export type RunGroups = Record<GroupId, AgentRun[]>;

export interface RunCounts {
  running: number;
  needsYou: number;
}

/**
 * A run whose status is unknown (or missing) is followed like one in progress only while it is young: created
 * (by its created_at) less than this long ago. Without a created_at it is not followed; older ones cost nothing.
 */
export const UNKNOWN_FOLLOW_MAX_AGE_MS = 30 * 60_000;
export const TITLE_MAX = 80;

export interface RunTransition {
  run: AgentRun;
  /** Undefined only for a run created here that was first seen already past 'inProgress'. */
  from?: StatusCategory;
  to: StatusCategory;
  createdHere: boolean;
}

export function runCategory(run: Pick<AgentRun, 'status'>): StatusCategory {
  return statusCategory(run.status);
}

/** The group of the view a run belongs to: unknown (and missing) statuses are "Other", never "Finished". */
export function groupOf(run: Pick<AgentRun, 'status'>): GroupId {
  switch (runCategory(run)) {
    case 'needsUser':
      return 'needsYou';
    case 'inProgress':
      return 'running';
    case 'unknown':
      return 'other';
    default:
      return 'finished';
  }
}

/** Splits runs into the view's groups, keeping their order. */
export function groupRuns(runs: readonly AgentRun[]): RunGroups {
  const groups: RunGroups = { needsYou: [], running: [], other: [], finished: [] };
  for (const run of runs) groups[groupOf(run)].push(run);
  return groups;
}

/**
 * Whether a transition deserves a notification under the `codegen.notifications` setting: a run that
 * reached a known end (or now waits for the user). A run moving into an unknown status is still followed,
 * so that is not an end. The store fires each transition once, so this notifies once per transition.
 */
export function shouldNotify(transition: RunTransition, mode: NotificationMode, createdHereIds: ReadonlySet<number>): boolean {
  if (mode === 'off') return false;
  if (transition.to === 'inProgress' || transition.to === 'unknown' || transition.from === transition.to) return false;
  if (mode === 'mine') return createdHereIds.has(transition.run.id);
  return true;
}

/** A one-line title, cleaned for display: metadata.title, else the first line of the summary, else "Run #id". */
export function runTitle(run: AgentRun): string {
  const fromMetadata = run.metadata?.['title'];
  const candidates = [typeof fromMetadata === 'string' ? fromMetadata : undefined, plainText(firstLine(run.summary))];
  for (const candidate of candidates) {
    const text = candidate === undefined ? '' : serviceLabel(candidate, TITLE_MAX);
    if (text) return text;
  }
  return `Run #${run.id}`;
}

/** A pull request's label: its title, else "Pull request #N" from its URL. */
export function pullRequestNumber(pr: Pick<PullRequest, 'url'>): string | undefined {
  return /\/pull\/(\d{1,9})(?:[/?#]|$)/.exec(pr.url ?? '')?.[1];
}

/**
 * The one rule of "has changes to bring back" (review, check out, apply): a pull request that names its head
 * branch and has an https link (the link names the repository the branch is fetched from).
 */
export function hasBranchToBringBack(pr: Pick<PullRequest, 'headBranchName' | 'url'>): boolean {
  return typeof pr.headBranchName === 'string' && pr.headBranchName.trim() !== '' && isSafeExternalUrl(pr.url);
}

/** The run's first pull request with changes to bring back, if any. */
export function pullRequestToBringBack(run: Pick<AgentRun, 'pullRequests'>): PullRequest | undefined {
  return run.pullRequests.find(hasBranchToBringBack);
}

/** Whether the run has changes to bring back: the tree's menus, the finish notification, the panel's buttons. */
export function hasChangesToBringBack(run: Pick<AgentRun, 'pullRequests'>): boolean {
  return pullRequestToBringBack(run) !== undefined;
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

export function normalizeFilter(filter: RunFilter): RunFilter {
  const sourceType = filter.sourceType?.trim();
  return sourceType ? { scope: filter.scope, sourceType } : { scope: filter.scope };
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

/**
 * One merge rule for a run known from a direct answer (get, resume, a PR action) over the copy held: the
 * answer wins, but an answer without pull requests keeps the ones already known (resume answers omit them).
 */
export function mergeRunAnswer(held: AgentRun | undefined, answer: AgentRun): AgentRun {
  if (!held || held.id !== answer.id) return answer;
  return { ...held, ...answer, pullRequests: answer.pullRequests.length > 0 ? answer.pullRequests : held.pullRequests };
}
