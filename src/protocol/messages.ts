// The typed message protocol between the run details panel (extension side) and its webview.
// Both directions are validated on receipt: a webview is a separate, less trusted context, and the data
// inside messages comes from the service. Anything unknown or malformed is refused (undefined).

import type { StatusCategory } from '../api/status';

export type { StatusCategory };
export const STATUS_CATEGORIES: readonly StatusCategory[] = ['inProgress', 'needsUser', 'succeeded', 'failed', 'cancelled', 'unknown'];

/** Actions on the run's pull request (ban, unban, remove), the web app link, and bringing the work back. */
export type ActionKind = 'ban' | 'unban' | 'removeFromPr' | 'openInBrowser' | 'reviewChanges' | 'checkoutChanges' | 'applyChanges';
export const ACTION_KINDS: readonly ActionKind[] = ['ban', 'unban', 'removeFromPr', 'openInBrowser', 'reviewChanges', 'checkoutChanges', 'applyChanges'];
/** The actions that bring the agent's change into the editor (run by the extension's commands). */
export type BringBackKind = Extract<ActionKind, 'reviewChanges' | 'checkoutChanges' | 'applyChanges'>;
export const BRING_BACK_KINDS: readonly BringBackKind[] = ['reviewChanges', 'checkoutChanges', 'applyChanges'];

export type ExportFormat = 'json' | 'text';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'text'];

/** Upper bounds for strings crossing the boundary. */
export const LIMITS = {
  /** A URL the webview asks to open. */
  url: 2048,
  /** A follow-up prompt. */
  followUp: 20_000,
  /** The text of one copied entry (its fields are capped at `field` each). */
  copy: 1_000_000,
  /** One display field (thought, observation, tool input/output, summary, result). */
  field: 200_000,
  /** Short labels: status, message type, tool name, times, branch, titles, notices. */
  label: 2_000,
  /** Log entries in one `logs` message. */
  entries: 100_000,
} as const;

/** A pull request as the header shows it. `url` is https or empty. */
export interface PullRequestView {
  title: string;
  url: string;
  branch: string;
  /** "merged", "open", "closed", or whatever the service said; empty when unknown. */
  state: string;
}

/** A run as the panel shows it: plain strings and numbers, empty strings for unknown values. */
export interface RunView {
  id: number;
  title: string;
  /** Raw status as the service sent it; empty when missing. */
  status: string;
  /** Human label of the status ("Running", "Max iterations reached", or the raw value when unknown). */
  statusLabel: string;
  statusCategory: StatusCategory;
  createdAt: string;
  sourceType: string;
  /** https URL of the run in the web app, or empty. */
  webUrl: string;
  /** Markdown source; rendered (sanitized) in the webview. */
  summary: string;
  result: string;
  pullRequests: PullRequestView[];
  /** The run has changes to bring back (runModel.hasChangesToBringBack): the Review, Check out and Apply buttons show. */
  canBringBack: boolean;
}

/** One log entry ready for display. `index` is its position in the run's log, oldest = 0. */
export interface LogEntryView {
  index: number;
  createdAt: string;
  messageType: string;
  toolName: string;
  thought: string;
  observation: string;
  toolInput: string;
  toolOutput: string;
  /** True when the text is pretty-printed JSON. */
  toolInputIsJson: boolean;
  toolOutputIsJson: boolean;
  observationIsJson: boolean;
}

export type LogsMode = 'replace' | 'append' | 'prepend';
export const LOGS_MODES: readonly LogsMode[] = ['replace', 'append', 'prepend'];

export type ResultKind = ActionKind | 'copy' | 'export';
export const RESULT_KINDS: readonly ResultKind[] = [...ACTION_KINDS, 'copy', 'export'];

/** Extension → webview. */
export type ToWebview =
  | { type: 'state'; run: RunView; polling: boolean }
  | { type: 'logs'; mode: LogsMode; entries: LogEntryView[]; hasOlder: boolean; totalLogs: number }
  | { type: 'logsLoading'; newest: boolean; older: boolean }
  | { type: 'followUpResult'; ok: boolean; message: string }
  | { type: 'actionResult'; kind: ResultKind; ok: boolean; message: string }
  | { type: 'error'; message: string };

/** Webview → extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'loadOlderLogs' }
  | { type: 'openExternal'; url: string }
  | { type: 'sendFollowUp'; text: string }
  | { type: 'action'; kind: ActionKind }
  | { type: 'copy'; text: string }
  | { type: 'exportLogs'; format: ExportFormat };

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}

// ---- validation helpers ---------------------------------------------------------------------------

type Rec = Record<string, unknown>;

function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `value` has exactly the given keys (no extras: a strict protocol catches drift early). */
function hasExactKeys(value: Rec, keys: readonly string[]): boolean {
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(value, k));
}

function isString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

function isNonNegativeInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

// ---- webview → extension ---------------------------------------------------------------------------

/** Parses a message from the webview; undefined for anything not exactly one of FromWebview. */
export function parseFromWebview(raw: unknown): FromWebview | undefined {
  if (!isRecord(raw) || typeof raw.type !== 'string') return undefined;
  switch (raw.type) {
    case 'ready':
    case 'refresh':
    case 'loadOlderLogs':
      return hasExactKeys(raw, ['type']) ? { type: raw.type } : undefined;
    case 'openExternal':
      return hasExactKeys(raw, ['type', 'url']) && isString(raw.url, LIMITS.url) && raw.url.length > 0
        ? { type: 'openExternal', url: raw.url }
        : undefined;
    case 'sendFollowUp':
      return hasExactKeys(raw, ['type', 'text']) && isString(raw.text, LIMITS.followUp) && raw.text.trim().length > 0
        ? { type: 'sendFollowUp', text: raw.text }
        : undefined;
    case 'action':
      return hasExactKeys(raw, ['type', 'kind']) && isOneOf(raw.kind, ACTION_KINDS) ? { type: 'action', kind: raw.kind } : undefined;
    case 'copy':
      return hasExactKeys(raw, ['type', 'text']) && isString(raw.text, LIMITS.copy) ? { type: 'copy', text: raw.text } : undefined;
    case 'exportLogs':
      return hasExactKeys(raw, ['type', 'format']) && isOneOf(raw.format, EXPORT_FORMATS)
        ? { type: 'exportLogs', format: raw.format }
        : undefined;
    default:
      return undefined;
  }
}

// ---- extension → webview ---------------------------------------------------------------------------

function parsePullRequestView(raw: unknown): PullRequestView | undefined {
  if (!isRecord(raw) || !hasExactKeys(raw, ['title', 'url', 'branch', 'state'])) return undefined;
  const { title, url, branch, state } = raw;
  if (!isString(title, LIMITS.label) || !isString(url, LIMITS.url) || !isString(branch, LIMITS.label) || !isString(state, LIMITS.label)) {
    return undefined;
  }
  return { title, url, branch, state };
}

const RUN_VIEW_KEYS = ['id', 'title', 'status', 'statusLabel', 'statusCategory', 'createdAt', 'sourceType', 'webUrl', 'summary', 'result', 'pullRequests', 'canBringBack'] as const;

export function parseRunView(raw: unknown): RunView | undefined {
  if (!isRecord(raw) || !hasExactKeys(raw, RUN_VIEW_KEYS)) return undefined;
  const { id, title, status, statusLabel, statusCategory, createdAt, sourceType, webUrl, summary, result, pullRequests, canBringBack } = raw;
  if (
    !isNonNegativeInt(id) ||
    !isString(title, LIMITS.label) ||
    !isString(status, LIMITS.label) ||
    !isString(statusLabel, LIMITS.label) ||
    !isOneOf(statusCategory, STATUS_CATEGORIES) ||
    !isString(createdAt, LIMITS.label) ||
    !isString(sourceType, LIMITS.label) ||
    !isString(webUrl, LIMITS.url) ||
    !isString(summary, LIMITS.field) ||
    !isString(result, LIMITS.field) ||
    !Array.isArray(pullRequests) ||
    pullRequests.length > 1000 ||
    typeof canBringBack !== 'boolean'
  ) {
    return undefined;
  }
  const prs: PullRequestView[] = [];
  for (const item of pullRequests) {
    const pr = parsePullRequestView(item);
    if (!pr) return undefined;
    prs.push(pr);
  }
  return { id, title, status, statusLabel, statusCategory, createdAt, sourceType, webUrl, summary, result, pullRequests: prs, canBringBack };
}

const LOG_ENTRY_KEYS = [
  'index',
  'createdAt',
  'messageType',
  'toolName',
  'thought',
  'observation',
  'toolInput',
  'toolOutput',
  'toolInputIsJson',
  'toolOutputIsJson',
  'observationIsJson',
] as const;

export function parseLogEntryView(raw: unknown): LogEntryView | undefined {
  if (!isRecord(raw) || !hasExactKeys(raw, LOG_ENTRY_KEYS)) return undefined;
  const r = raw;
  if (
    !isNonNegativeInt(r.index) ||
    !isString(r.createdAt, LIMITS.label) ||
    !isString(r.messageType, LIMITS.label) ||
    !isString(r.toolName, LIMITS.label) ||
    !isString(r.thought, LIMITS.field) ||
    !isString(r.observation, LIMITS.field) ||
    !isString(r.toolInput, LIMITS.field) ||
    !isString(r.toolOutput, LIMITS.field) ||
    typeof r.toolInputIsJson !== 'boolean' ||
    typeof r.toolOutputIsJson !== 'boolean' ||
    typeof r.observationIsJson !== 'boolean'
  ) {
    return undefined;
  }
  return {
    index: r.index,
    createdAt: r.createdAt,
    messageType: r.messageType,
    toolName: r.toolName,
    thought: r.thought,
    observation: r.observation,
    toolInput: r.toolInput,
    toolOutput: r.toolOutput,
    toolInputIsJson: r.toolInputIsJson,
    toolOutputIsJson: r.toolOutputIsJson,
    observationIsJson: r.observationIsJson,
  };
}

/** Parses a message from the extension; undefined for anything not exactly one of ToWebview. */
export function parseToWebview(raw: unknown): ToWebview | undefined {
  if (!isRecord(raw) || typeof raw.type !== 'string') return undefined;
  switch (raw.type) {
    case 'state': {
      if (!hasExactKeys(raw, ['type', 'run', 'polling']) || typeof raw.polling !== 'boolean') return undefined;
      const run = parseRunView(raw.run);
      return run ? { type: 'state', run, polling: raw.polling } : undefined;
    }
    case 'logs': {
      if (
        !hasExactKeys(raw, ['type', 'mode', 'entries', 'hasOlder', 'totalLogs']) ||
        !isOneOf(raw.mode, LOGS_MODES) ||
        typeof raw.hasOlder !== 'boolean' ||
        !isNonNegativeInt(raw.totalLogs) ||
        !Array.isArray(raw.entries) ||
        raw.entries.length > LIMITS.entries
      ) {
        return undefined;
      }
      const entries: LogEntryView[] = [];
      for (const item of raw.entries as unknown[]) {
        const entry = parseLogEntryView(item);
        if (!entry) return undefined;
        entries.push(entry);
      }
      return { type: 'logs', mode: raw.mode, entries, hasOlder: raw.hasOlder, totalLogs: raw.totalLogs };
    }
    case 'logsLoading':
      return hasExactKeys(raw, ['type', 'newest', 'older']) && typeof raw.newest === 'boolean' && typeof raw.older === 'boolean'
        ? { type: 'logsLoading', newest: raw.newest, older: raw.older }
        : undefined;
    case 'followUpResult':
      return hasExactKeys(raw, ['type', 'ok', 'message']) && typeof raw.ok === 'boolean' && isString(raw.message, LIMITS.label)
        ? { type: 'followUpResult', ok: raw.ok, message: raw.message }
        : undefined;
    case 'actionResult':
      return hasExactKeys(raw, ['type', 'kind', 'ok', 'message']) &&
        isOneOf(raw.kind, RESULT_KINDS) &&
        typeof raw.ok === 'boolean' &&
        isString(raw.message, LIMITS.label)
        ? { type: 'actionResult', kind: raw.kind, ok: raw.ok, message: raw.message }
        : undefined;
    case 'error':
      return hasExactKeys(raw, ['type', 'message']) && isString(raw.message, LIMITS.label) ? { type: 'error', message: raw.message } : undefined;
    default:
      return undefined;
  }
}

/** A short description of a refused message for the log: its type if it has a plausible one, never its content. */
export function describeRefused(raw: unknown): string {
  if (isRecord(raw) && typeof raw.type === 'string') {
    const type = raw.type.length <= 40 ? raw.type.replace(/[^\w-]/g, '?') : `${raw.type.slice(0, 40).replace(/[^\w-]/g, '?')}…`;
    return `message of type "${type}"`;
  }
  return `message of kind ${raw === null ? 'null' : Array.isArray(raw) ? 'array' : typeof raw}`;
}
