// Validation of the service's answers (untrusted input) and conversion from its snake_case JSON to the
// camelCase domain types. Tolerant by design: only ids are required; null, missing or wrong-typed
// optional fields become undefined; unknown fields are ignored; a bad entry in a list is skipped.

import * as v from 'valibot';
import { parseStrictUrl } from '../util/urlPolicy';
import type { AgentRun, LogEntry, LogsPage, Organization, Page, PullRequest, PullRequestStateAnswer, Repository, User } from './types';

/** Why a body could not be read as the expected shape (no values from the body, only field paths). */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
}

/** Optional field: null, absent or of the wrong type all become undefined. */
function lenient<TOutput>(schema: v.GenericSchema<unknown, TOutput>) {
  return v.fallback(
    v.pipe(
      v.nullish(schema),
      v.transform((value): TOutput | undefined => value ?? undefined),
    ),
    undefined,
  );
}

/** Ids are integers; some gateways serialise big integers as strings, so digit strings are accepted too. */
const idSchema = v.union([
  v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  v.pipe(v.string(), v.regex(/^\d{1,15}$/), v.transform(Number)),
]);

const optionalString = lenient(v.string());
const optionalId = lenient(idSchema);
const optionalCount = lenient(v.pipe(v.number(), v.safeInteger(), v.minValue(0)));
const optionalBoolean = lenient(v.boolean());
/** Links are opened by the UI: keep only absolute http(s) URLs. */
const optionalWebUrl = lenient(v.pipe(v.string(), v.maxLength(8_192), v.check(isHttpUrl)));
const optionalRecord = lenient(
  v.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value)),
);
/** Arbitrary JSON (or text): only null becomes undefined. (nullish, so a missing key is accepted.) */
const optionalJson = v.pipe(
  v.nullish(v.unknown()),
  v.transform((value): unknown => value ?? undefined),
);

/** Parsed through the one URL policy; http is kept here (shown as text), only https is ever linked or opened. */
function isHttpUrl(text: string): boolean {
  const parsed = parseStrictUrl(text, 'The link');
  return parsed.ok && (parsed.url.protocol === 'https:' || parsed.url.protocol === 'http:');
}

const pullRequestSchema = v.object({
  id: optionalId,
  title: optionalString,
  url: optionalWebUrl,
  created_at: optionalString,
  head_branch_name: optionalString,
  state: optionalString,
  merged: optionalBoolean,
});

/** Parses each entry of a list on its own; entries that don't fit are skipped (and counted). */
function eachValid<TOutput>(schema: v.GenericSchema<unknown, TOutput>) {
  return v.pipe(
    v.array(v.unknown()),
    v.transform((entries) => {
      const items: TOutput[] = [];
      let skipped = 0;
      for (const entry of entries) {
        const parsed = v.safeParse(schema, entry);
        if (parsed.success) items.push(parsed.output);
        else skipped++;
      }
      return { items, skipped };
    }),
  );
}

const runEntries = {
  id: idSchema,
  organization_id: idSchema,
  status: optionalString,
  created_at: optionalString,
  web_url: optionalWebUrl,
  result: optionalString,
  summary: optionalString,
  source_type: optionalString,
  github_pull_requests: v.fallback(v.nullish(eachValid(pullRequestSchema)), undefined),
  metadata: optionalRecord,
};

const runSchema = v.object(runEntries);

const logEntrySchema = v.object({
  agent_run_id: optionalId,
  created_at: optionalString,
  tool_name: optionalString,
  message_type: optionalString,
  thought: optionalString,
  observation: optionalJson,
  tool_input: optionalJson,
  tool_output: optionalJson,
});

const logsPageSchema = v.object({
  ...runEntries,
  // The run's ids are known from the request; a logs page without them is still usable.
  id: optionalId,
  organization_id: optionalId,
  logs: v.fallback(v.nullish(eachValid(logEntrySchema)), undefined),
  total_logs: optionalCount,
  page: optionalCount,
  size: optionalCount,
  pages: optionalCount,
});

const pageSchema = v.object({
  items: eachValid(v.unknown()),
  total: optionalCount,
  page: optionalCount,
  size: optionalCount,
  pages: optionalCount,
});

const userSchema = v.object({
  id: idSchema,
  email: optionalString,
  github_username: optionalString,
  avatar_url: optionalWebUrl,
  full_name: optionalString,
  role: optionalString,
});

const organizationSchema = v.object({
  id: idSchema,
  name: optionalString,
});

const repositorySchema = v.object({
  id: idSchema,
  name: optionalString,
  full_name: optionalString,
  github_id: optionalId,
  setup_status: optionalString,
  language: optionalString,
  visibility: optionalString,
  archived: optionalBoolean,
});

/** Drops undefined properties so domain objects compare cleanly and serialise small. */
function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

function toPullRequest(pr: v.InferOutput<typeof pullRequestSchema>): PullRequest {
  return compact({
    id: pr.id,
    title: pr.title,
    url: pr.url,
    createdAt: pr.created_at,
    headBranchName: pr.head_branch_name,
    state: pr.state,
    merged: pr.merged,
  });
}

type RunFields = Omit<v.InferOutput<typeof runSchema>, 'id' | 'organization_id'>;

function toAgentRun(id: number, organizationId: number, run: RunFields): AgentRun {
  return compact({
    id,
    organizationId,
    status: run.status,
    createdAt: run.created_at,
    webUrl: run.web_url,
    result: run.result,
    summary: run.summary,
    sourceType: run.source_type,
    pullRequests: (run.github_pull_requests?.items ?? []).map(toPullRequest),
    metadata: run.metadata,
  });
}

function toLogEntry(entry: v.InferOutput<typeof logEntrySchema>): LogEntry {
  return compact({
    agentRunId: entry.agent_run_id,
    createdAt: entry.created_at,
    toolName: entry.tool_name,
    messageType: entry.message_type,
    thought: entry.thought,
    observation: entry.observation,
    toolInput: entry.tool_input,
    toolOutput: entry.tool_output,
  });
}

function toUser(user: v.InferOutput<typeof userSchema>): User {
  return compact({
    id: user.id,
    email: user.email,
    githubUsername: user.github_username,
    avatarUrl: user.avatar_url,
    fullName: user.full_name,
    role: user.role,
  });
}

function toOrganization(org: v.InferOutput<typeof organizationSchema>): Organization {
  return compact({ id: org.id, name: org.name });
}

function toRepository(repo: v.InferOutput<typeof repositorySchema>): Repository {
  return compact({
    id: repo.id,
    name: repo.name,
    fullName: repo.full_name,
    githubId: repo.github_id,
    setupStatus: repo.setup_status,
    language: repo.language,
    visibility: repo.visibility,
    archived: repo.archived,
  });
}

function parseOrThrow<TSchema extends v.GenericSchema>(schema: TSchema, body: unknown, what: string): v.InferOutput<TSchema> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ShapeError(`expected ${what} as a JSON object`);
  }
  const parsed = v.safeParse(schema, body);
  if (parsed.success) return parsed.output;
  const issue = parsed.issues[0];
  const path = issue ? v.getDotPath(issue) : null;
  // Only the field path goes into the message: values from the body are untrusted and may be huge.
  throw new ShapeError(path ? `expected ${what}; field "${path}" is missing or has the wrong type` : `expected ${what}`);
}

export function parseRun(body: unknown): AgentRun {
  const run = parseOrThrow(runSchema, body, 'an agent run');
  return toAgentRun(run.id, run.organization_id, run);
}

export function parseLogsPage(body: unknown, request: { runId: number; orgId: number }): LogsPage {
  const page = parseOrThrow(logsPageSchema, body, 'a run logs page');
  return compact({
    run: toAgentRun(page.id ?? request.runId, page.organization_id ?? request.orgId, page),
    logs: (page.logs?.items ?? []).map(toLogEntry),
    totalLogs: page.total_logs,
    page: page.page,
    size: page.size,
    pages: page.pages,
  });
}

const pullRequestStateAnswerSchema = v.object({
  success: v.boolean(),
  url: optionalWebUrl,
  number: optionalCount,
  title: optionalString,
  state: optionalString,
  error: optionalString,
});

/** The answer of PATCH .../prs/{pr_id}: only `success` is required. */
export function parsePullRequestStateAnswer(body: unknown): PullRequestStateAnswer {
  const parsed = parseOrThrow(pullRequestStateAnswerSchema, body, 'a pull request state answer');
  const answer: PullRequestStateAnswer = { success: parsed.success };
  for (const key of ['url', 'number', 'title', 'state', 'error'] as const) if (parsed[key] !== undefined) Object.assign(answer, { [key]: parsed[key] });
  return answer;
}

export function parseUser(body: unknown): User {
  return toUser(parseOrThrow(userSchema, body, 'the current user'));
}

export interface ParsedPage<T> {
  page: Page<T>;
  /** Entries that were not usable (e.g. a run without an id) and were left out. */
  skipped: number;
}

function parsePage<TOutput, T>(
  body: unknown,
  itemSchema: v.GenericSchema<unknown, TOutput>,
  convert: (item: TOutput) => T,
  what: string,
): ParsedPage<T> {
  const page = parseOrThrow(pageSchema, body, `a paged list of ${what}`);
  const items: T[] = [];
  let skipped = page.items.skipped;
  for (const entry of page.items.items) {
    const parsed = v.safeParse(itemSchema, entry);
    if (parsed.success) items.push(convert(parsed.output));
    else skipped++;
  }
  return {
    page: compact({ items, total: page.total, page: page.page, size: page.size, pages: page.pages }),
    skipped,
  };
}

export function parseRunsPage(body: unknown): ParsedPage<AgentRun> {
  return parsePage(body, runSchema, (run) => toAgentRun(run.id, run.organization_id, run), 'agent runs');
}

export function parseOrganizationsPage(body: unknown): ParsedPage<Organization> {
  return parsePage(body, organizationSchema, toOrganization, 'organizations');
}

export function parseRepositoriesPage(body: unknown): ParsedPage<Repository> {
  return parsePage(body, repositorySchema, toRepository, 'repositories');
}

// ---- Error bodies -------------------------------------------------------------------------------

const validationItemSchema = v.object({
  loc: lenient(v.array(v.union([v.string(), v.number()]))),
  msg: optionalString,
  type: optionalString,
});

const errorBodySchema = v.object({
  message: optionalString,
  status_code: optionalCount,
  detail: v.fallback(
    v.nullish(
      v.union([
        v.string(),
        eachValid(validationItemSchema),
        v.object({ message: optionalString, msg: optionalString }),
      ]),
    ),
    undefined,
  ),
});

export interface ErrorBody {
  /** The service's own message, untrusted and not yet sanitised. */
  message?: string;
  /** FastAPI validation errors: dotted location and message, untrusted. */
  fields?: { location: string; message: string }[];
}

/** Reads `{message, status_code}` or FastAPI's `{detail: string | [{loc, msg, type}]}`; anything else gives {}. */
export function parseErrorBody(text: string): ErrorBody {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return {};
  const parsed = v.safeParse(errorBodySchema, json);
  if (!parsed.success) return {};
  const { message, detail } = parsed.output;
  if (typeof detail === 'string') return compact({ message: message ?? detail });
  if (detail && 'items' in detail) {
    const fields = detail.items.map((item) => ({
      location: (item.loc ?? []).map(String).join('.') || 'request',
      message: item.msg ?? item.type ?? 'invalid value',
    }));
    return compact({ message, fields: fields.length > 0 ? fields : undefined });
  }
  if (detail) return compact({ message: message ?? detail.message ?? detail.msg });
  return compact({ message });
}
