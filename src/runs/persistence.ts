// How runs are kept on disk: the last-known list of each account (globalState) and the snapshot windows
// share (a file). Both hold slim records, are validated when read back, and are bounded in bytes, oldest
// dropped first. One account's runs are never shown to another: entries are keyed by API URL,
// organization and user.

import * as v from 'valibot';
import type { AgentRun, PullRequest } from '../api/types';
import { parseStrictUrl } from '../util/urlPolicy';
import { ATTEMPT_GROUP_KEY, ATTEMPT_KEY, attemptOf } from './attempts';
import { normalizeFilter, type RunFilter } from './runModel';

/** Total bytes of the cache of every account together (JSON). */
export const CACHE_BYTE_BUDGET = 1024 * 1024;
/** Bytes of one shared snapshot file. */
export const SNAPSHOT_BYTE_BUDGET = 256 * 1024;
export const MAX_CREATED_HERE = 200;
const MAX_SUMMARY_CHARS = 1_000;
const MAX_TITLE_CHARS = 300;
const MAX_TEXT_CHARS = 2_048;

/** Key of one account's runs: the same service, organization and user, or nothing is shared. */
export function accountKey(baseUrl: string, organizationId: number, userId: number | undefined): string {
  return `${baseUrl}|org:${organizationId}|user:${userId ?? 'unknown'}`;
}

/** What of a run is kept: enough for the tree, its tooltip and notifications; not the result or the full metadata. */
export function slimRun(run: AgentRun): AgentRun {
  const slim: AgentRun = { id: run.id, organizationId: run.organizationId, pullRequests: run.pullRequests.slice(0, 10).map(slimPullRequest) };
  if (run.status !== undefined) slim.status = run.status.slice(0, 100);
  if (run.createdAt !== undefined) slim.createdAt = run.createdAt.slice(0, 100);
  if (run.webUrl !== undefined && run.webUrl.length <= MAX_TEXT_CHARS) slim.webUrl = run.webUrl;
  if (run.summary !== undefined) slim.summary = run.summary.slice(0, MAX_SUMMARY_CHARS);
  if (run.sourceType !== undefined) slim.sourceType = run.sourceType.slice(0, 100);
  const title = run.metadata?.['title'];
  if (typeof title === 'string') slim.metadata = { title: title.slice(0, MAX_TITLE_CHARS) };
  // An attempt of several agents stays one after a reload (the tree groups them).
  const attempt = attemptOf(run);
  if (attempt) slim.metadata = { ...slim.metadata, [ATTEMPT_GROUP_KEY]: attempt.group, [ATTEMPT_KEY]: attempt.attempt };
  // The base branch a run was started from (its own uncommitted changes): kept, to delete it from the remote later.
  for (const key of ['base_branch', 'base_commit', 'base_remote']) {
    const value = run.metadata?.[key];
    if (typeof value === 'string' && value.length <= 200) slim.metadata = { ...(slim.metadata ?? {}), [key]: value };
  }
  return slim;
}

function slimPullRequest(pr: PullRequest): PullRequest {
  const slim: PullRequest = {};
  if (pr.id !== undefined) slim.id = pr.id;
  if (pr.title !== undefined) slim.title = pr.title.slice(0, MAX_TITLE_CHARS);
  if (pr.url !== undefined && pr.url.length <= MAX_TEXT_CHARS) slim.url = pr.url;
  if (pr.createdAt !== undefined) slim.createdAt = pr.createdAt.slice(0, 100);
  if (pr.headBranchName !== undefined) slim.headBranchName = pr.headBranchName.slice(0, 255);
  if (pr.state !== undefined) slim.state = pr.state.slice(0, 50);
  if (pr.merged !== undefined) slim.merged = pr.merged;
  return slim;
}

const idSchema = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const textSchema = v.pipe(v.string(), v.maxLength(MAX_TEXT_CHARS));
const webUrlSchema = v.pipe(
  v.string(),
  v.check((text) => {
    const parsed = parseStrictUrl(text, 'The link');
    return parsed.ok && (parsed.url.protocol === 'https:' || parsed.url.protocol === 'http:');
  }),
);

const pullRequestSchema = v.object({
  id: v.optional(idSchema),
  title: v.optional(textSchema),
  url: v.optional(webUrlSchema),
  createdAt: v.optional(textSchema),
  headBranchName: v.optional(textSchema),
  state: v.optional(textSchema),
  merged: v.optional(v.boolean()),
});

/** An AgentRun as the extension itself serialised it (camelCase). Unknown keys are dropped. */
export const storedRunSchema = v.object({
  id: idSchema,
  organizationId: idSchema,
  status: v.optional(textSchema),
  createdAt: v.optional(textSchema),
  webUrl: v.optional(webUrlSchema),
  result: v.optional(v.string()),
  summary: v.optional(v.string()),
  sourceType: v.optional(textSchema),
  pullRequests: v.pipe(v.array(pullRequestSchema), v.maxLength(50)),
  metadata: v.optional(
    v.pipe(
      v.record(v.string(), v.unknown()),
      v.check((value) => !Array.isArray(value)),
    ),
  ),
});

export const filterSchema = v.object({
  scope: v.picklist(['mine', 'organization']),
  sourceType: v.optional(v.pipe(v.string(), v.maxLength(100))),
});

/** One account's last-known runs. */
export interface PersistedRuns {
  version: 2;
  filter: RunFilter;
  runs: AgentRun[];
  hasMore: boolean;
  createdHere: number[];
  lastSuccessAt?: number;
  /** Finished runs whose changes were not opened yet (the unreviewed marker). */
  unreviewed?: number[];
  /** When it was saved (wall clock): the oldest account is dropped first. */
  savedAt: number;
}

const persistedSchema = v.object({
  version: v.literal(2),
  filter: filterSchema,
  runs: v.pipe(v.array(storedRunSchema), v.maxLength(1_000)),
  hasMore: v.boolean(),
  createdHere: v.pipe(v.array(idSchema), v.maxLength(10_000)),
  lastSuccessAt: v.optional(v.pipe(v.number(), v.finite())),
  unreviewed: v.optional(v.pipe(v.array(idSchema), v.maxLength(10_000))),
  savedAt: v.pipe(v.number(), v.finite()),
});

const cacheSchema = v.object({
  version: v.literal(2),
  accounts: v.record(v.pipe(v.string(), v.maxLength(2_000)), v.unknown()),
});

/** Validates one account's stored runs; anything that does not match gives undefined (start empty). */
export function parsePersistedRuns(value: unknown): PersistedRuns | undefined {
  const parsed = v.safeParse(persistedSchema, value);
  if (!parsed.success) return undefined;
  const output = parsed.output;
  const persisted: PersistedRuns = {
    version: 2,
    filter: normalizeFilter(output.filter),
    runs: output.runs.map(stripUndefined),
    hasMore: output.hasMore,
    createdHere: output.createdHere.slice(-MAX_CREATED_HERE),
    savedAt: output.savedAt,
  };
  if (output.lastSuccessAt !== undefined) persisted.lastSuccessAt = output.lastSuccessAt;
  if (output.unreviewed !== undefined) persisted.unreviewed = output.unreviewed.slice(-MAX_CREATED_HERE);
  return persisted;
}

/** Where the whole cache is kept (a Memento in the extension). */
export interface CacheStorage {
  load(): unknown;
  save(value: unknown): Promise<void>;
}

/** Storage of one account's runs, as the store sees it. */
export interface RunStorage {
  load(): Promise<unknown>;
  save(value: PersistedRuns): Promise<void>;
}

/**
 * The last-known runs of every account in one value, within a byte budget. Each account reads and writes
 * only its own entry; a save that makes the whole too large drops the least recently saved accounts
 * first, then the oldest runs of the one being saved.
 */
export class RunsCache {
  constructor(
    private readonly storage: CacheStorage,
    private readonly byteBudget = CACHE_BYTE_BUDGET,
  ) {}

  forAccount(key: string): RunStorage {
    return {
      load: () => Promise.resolve(this.entries()[key]),
      save: (value) => this.save(key, value),
    };
  }

  /** Forgets one account's runs. */
  remove(key: string): Promise<void> {
    return this.removeWhere((other) => other === key);
  }

  /** Forgets a user's runs in every organization of that service (sign-out); other users' stay. */
  removeUser(baseUrl: string, userId: number): Promise<void> {
    const prefix = `${baseUrl}|org:`;
    const suffix = `|user:${userId}`;
    return this.removeWhere((key) => key.startsWith(prefix) && key.endsWith(suffix) && /^\d+$/.test(key.slice(prefix.length, key.length - suffix.length)));
  }

  private async removeWhere(matches: (key: string) => boolean): Promise<void> {
    const accounts = this.entries();
    const keys = Object.keys(accounts).filter(matches);
    if (keys.length === 0) return;
    for (const key of keys) delete accounts[key];
    await this.storage.save({ version: 2, accounts });
  }

  private entries(): Record<string, unknown> {
    const parsed = v.safeParse(cacheSchema, this.storage.load());
    return parsed.success ? { ...parsed.output.accounts } : {};
  }

  private async save(key: string, value: PersistedRuns): Promise<void> {
    const accounts = this.entries();
    delete accounts[key];
    const others = Object.entries(accounts)
      .map(([otherKey, entry]) => ({ key: otherKey, entry, savedAt: parsePersistedRuns(entry)?.savedAt }))
      .filter((other): other is { key: string; entry: unknown; savedAt: number } => other.savedAt !== undefined)
      .sort((a, b) => b.savedAt - a.savedAt);
    const own = fitToBudget(value, this.byteBudget);
    const kept: Record<string, unknown> = { [key]: own };
    let bytes = byteLength(own);
    for (const other of others) {
      const size = byteLength(other.entry);
      if (bytes + size > this.byteBudget) continue;
      kept[other.key] = other.entry;
      bytes += size;
    }
    await this.storage.save({ version: 2, accounts: kept });
  }
}

/** Drops the oldest runs until the record's JSON fits the budget (it keeps at least its ids). */
export function fitToBudget<T extends { runs: AgentRun[]; hasMore: boolean }>(value: T, byteBudget: number): T {
  let fitted = value;
  while (fitted.runs.length > 0 && byteLength(fitted) > byteBudget) {
    const keep = Math.max(0, Math.floor(fitted.runs.length * 0.8));
    fitted = { ...fitted, runs: fitted.runs.slice(0, keep), hasMore: true };
  }
  return fitted;
}

export function byteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

export function stripUndefined<T extends object>(value: T): T {
  const copy = { ...value };
  for (const key of Object.keys(copy) as (keyof T)[]) if (copy[key] === undefined) delete copy[key];
  return copy;
}
