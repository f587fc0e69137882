// Run status model. The service types `status` as a free string (UPPERCASE today, lowercase in older
// documentation), so the raw value is kept for display and only its category drives behaviour.

import type { AgentRun } from './types';

export type StatusCategory = 'inProgress' | 'needsUser' | 'succeeded' | 'failed' | 'cancelled' | 'unknown';

const CATEGORY_BY_STATUS: ReadonlyMap<string, StatusCategory> = new Map<string, StatusCategory>([
  ['PENDING', 'inProgress'],
  ['ACTIVE', 'inProgress'],
  ['RUNNING', 'inProgress'],
  ['EVALUATION', 'inProgress'],
  ['PAUSED', 'needsUser'],
  ['COMPLETE', 'succeeded'],
  ['COMPLETED', 'succeeded'],
  ['FAILED', 'failed'],
  ['ERROR', 'failed'],
  ['TIMEOUT', 'failed'],
  ['MAX_ITERATIONS_REACHED', 'failed'],
  ['OUT_OF_TOKENS', 'failed'],
  ['CANCELLED', 'cancelled'],
  ['CANCELED', 'cancelled'],
  ['STOPPED', 'cancelled'],
]);

/** Category of a raw status string, compared case-insensitively; anything unrecognised is 'unknown'. */
export function statusCategory(raw: string | undefined | null): StatusCategory {
  if (typeof raw !== 'string') return 'unknown';
  return CATEGORY_BY_STATUS.get(raw.trim().toUpperCase()) ?? 'unknown';
}

/** True while the agent is still working on the run (worth polling). */
export function isInProgress(run: Pick<AgentRun, 'status'>): boolean {
  return statusCategory(run.status) === 'inProgress';
}

/** True when the run has stopped for good. Paused runs wait for the user and unknown statuses may still move, so neither is final. */
export function isFinal(category: StatusCategory): boolean {
  return category === 'succeeded' || category === 'failed' || category === 'cancelled';
}

/** Known statuses whose generated label reads badly. */
const LABEL_OVERRIDES: ReadonlyMap<string, string> = new Map([
  ['EVALUATION', 'Evaluating'],
  ['COMPLETE', 'Completed'],
  ['OUT_OF_TOKENS', 'Out of tokens'],
]);

/**
 * Human label for a raw status: known values become sentence case ('MAX_ITERATIONS_REACHED' →
 * 'Max iterations reached'); unknown values are shown as the service sent them.
 */
export function statusLabel(raw: string | undefined | null): string {
  if (typeof raw !== 'string' || raw.trim() === '') return 'Unknown';
  const key = raw.trim().toUpperCase();
  if (!CATEGORY_BY_STATUS.has(key)) return raw;
  const override = LABEL_OVERRIDES.get(key);
  if (override) return override;
  const words = key.toLowerCase().split('_').filter((word) => word !== '');
  const sentence = words.join(' ');
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/** Label of a category, for grouping and tooltips. */
export function categoryLabel(category: StatusCategory): string {
  switch (category) {
    case 'inProgress':
      return 'In progress';
    case 'needsUser':
      return 'Waiting for you';
    case 'succeeded':
      return 'Succeeded';
    case 'failed':
      return 'Failed';
    case 'cancelled':
      return 'Cancelled';
    case 'unknown':
      return 'Unknown status';
  }
}
