// Pure helpers over the loaded log entries: merging pages, filtering, searching, jumping.

import type { LogEntryView, LogsMode } from '../protocol/messages';

export interface LogFilter {
  /** Message type to show; '' shows every type. */
  messageType: string;
  /** Case-insensitive text to look for in any field; '' matches everything. */
  search: string;
}

export const NO_FILTER: LogFilter = { messageType: '', search: '' };

/** Message types that mean something went wrong (the "first error" jump). */
const ERROR_TYPES = new Set(['ERROR', 'PR_CREATION_FAILED']);

/** Merges a page into the loaded entries: keyed by index (no duplicates), kept in log order. */
export function mergeEntries(existing: readonly LogEntryView[], incoming: readonly LogEntryView[], mode: LogsMode): LogEntryView[] {
  if (mode === 'replace') return dedupeSorted([...incoming]);
  const known = new Set(existing.map((entry) => entry.index));
  const fresh = incoming.filter((entry) => !known.has(entry.index));
  if (fresh.length === 0) return [...existing];
  const merged = mode === 'prepend' ? [...fresh, ...existing] : [...existing, ...fresh];
  return dedupeSorted(merged);
}

function dedupeSorted(entries: LogEntryView[]): LogEntryView[] {
  entries.sort((a, b) => a.index - b.index);
  return entries.filter((entry, i) => i === 0 || entries[i - 1]?.index !== entry.index);
}

export function isFilterActive(filter: LogFilter): boolean {
  return filter.messageType !== '' || filter.search.trim() !== '';
}

export function matchesFilter(entry: LogEntryView, filter: LogFilter): boolean {
  if (filter.messageType !== '' && entry.messageType !== filter.messageType) return false;
  const needle = filter.search.trim().toLowerCase();
  if (needle === '') return true;
  return [entry.messageType, entry.toolName, entry.thought, entry.observation, entry.toolInput, entry.toolOutput, entry.createdAt].some((field) =>
    field.toLowerCase().includes(needle),
  );
}

export function applyFilter(entries: readonly LogEntryView[], filter: LogFilter): LogEntryView[] {
  return isFilterActive(filter) ? entries.filter((entry) => matchesFilter(entry, filter)) : [...entries];
}

/** Distinct message types among the entries, sorted; entries without a type are left out. */
export function messageTypesOf(entries: readonly LogEntryView[]): string[] {
  return [...new Set(entries.map((entry) => entry.messageType).filter((type) => type !== ''))].sort();
}

/** The newest final answer. */
export function findFinalAnswer(entries: readonly LogEntryView[]): LogEntryView | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry?.messageType.toUpperCase() === 'FINAL_ANSWER') return entry;
  }
  return undefined;
}

/** The oldest error among the loaded entries. */
export function findFirstError(entries: readonly LogEntryView[]): LogEntryView | undefined {
  return entries.find((entry) => ERROR_TYPES.has(entry.messageType.toUpperCase()));
}

/** A rough first guess of a row's height before it is measured, from its visible text. */
export function estimateRowHeight(entry: LogEntryView): number {
  const lineHeight = 18;
  const lines = (text: string, cap: number): number => (text === '' ? 0 : Math.min(cap, text.split('\n').length + Math.floor(text.length / 120)));
  const folds = (entry.toolInput !== '' ? 1 : 0) + (entry.toolOutput !== '' ? 1 : 0);
  return 34 + lineHeight * (lines(entry.thought, 14) + lines(entry.observation, 14) + folds) + 8;
}
