// The Codegen API client: one method per endpoint of the contract (the shared Codegen API contract, codegen-api.md), every
// answer validated, every call cancellable and bounded by a timeout, all traffic paced by a RateGovernor.
// The token is read per call and never appears in an error, a log line or an exception.

import { type Clock, systemClock } from '../util/clock';
import { checkApiBaseUrl } from '../util/urlPolicy';
import { ConcurrencyLimit } from './concurrency';
import { CodegenApiError, isApiError } from './errors';
import { errorCode, id, nonNegative, pageQuery, parseAnswer, positive, readToken, withoutUndefined, type Answer, type RequestSpec } from './requestParts';
import { errorFromResponse, parseRetryAfter, transportError } from './httpErrors';
import { RateGovernor } from './rateGovernor';
import { redactSecrets } from './sanitize';
import {
  type ParsedPage,
  parseLogsPage,
  parsePullRequestStateAnswer,
  parseOrganizationsPage,
  parseRepositoriesPage,
  parseRun,
  parseRunsPage,
  parseUser,

} from './schemas';
import type {
  AgentRun,
  CallOptions,
  CodegenApi,
  CreateRunInput,
  ListRunsQuery,
  LogsPage,
  LogsQuery,
  Organization,
  Page,
  PageQuery,
  PullRequestState,
  PullRequestStateAnswer,

  Repository,
  ResumeRunInput,
  User,
} from './types';

/** The part of a fetch Response the client uses; node-fetch, global fetch and test fetches all fit. */
export interface FetchResponseLike {
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export interface FetchInitLike {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** The API never redirects; following one could carry the Authorization header elsewhere. */
  redirect?: 'manual';
}

export type FetchLike = (url: string, init: FetchInitLike) => Promise<FetchResponseLike>;

export interface ApiLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface CodegenClientOptions {
  /** e.g. https://api.codegen.com; http is accepted only for loopback hosts. */
  baseUrl: string;
  /** Read before every call, so a new token takes effect at once. */
  getToken: () => Promise<string | undefined> | string | undefined;
  /** Default: node-fetch, loaded on first use. */
  fetch?: FetchLike;
  clock?: Clock;
  /** Per attempt, covering the request and reading the answer. Default 15 s. */
  timeoutMs?: number;
  /** Shared between clients using the same token. Default: a governor of this client's own. */
  governor?: RateGovernor;
  /** Retries of a read after a 429, 5xx or network error. Default 4. */
  maxReadRetries?: number;
  /** Retries of a create, resume, ban, unban or remove after a 429 (the only answer that proves nothing happened). Default 4. */
  maxWriteRetries?: number;
  /** Reads in flight at once. Default 4. */
  maxConcurrentReads?: number;
  /** Jitter source in [0, 1) for the default governor. Default Math.random. */
  random?: () => number;
  logger?: ApiLogger;
  userAgent?: string;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const PULL_REQUEST_STATES: readonly PullRequestState[] = ['open', 'closed', 'draft', 'ready_for_review'];
export const DEFAULT_MAX_READ_RETRIES = 4;
export const DEFAULT_MAX_CONCURRENT_READS = 4;

/** Validates the base URL through the one URL policy (util/urlPolicy). */
export function checkBaseUrl(raw: string): { ok: true; url: URL } | { ok: false; reason: string } {
  const checked = checkApiBaseUrl(raw);
  return checked.ok ? { ok: true, url: new URL(checked.url) } : checked;
}

export class CodegenClient implements CodegenApi {
  private readonly baseUrl: URL;
  private readonly getToken: CodegenClientOptions['getToken'];
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly governor: RateGovernor;
  private readonly ownsGovernor: boolean;
  private readonly maxReadRetries: number;
  private readonly maxWriteRetries: number;
  private readonly reads: ConcurrencyLimit;
  private readonly logger: ApiLogger | undefined;
  private readonly userAgent: string;
  private fetchImpl: FetchLike | undefined;

  constructor(options: CodegenClientOptions) {
    const checked = checkBaseUrl(options.baseUrl);
    if (!checked.ok) throw new TypeError(checked.reason);
    // Paths are appended, so the base always ends with exactly one slash.
    checked.url.pathname = checked.url.pathname.replace(/\/*$/, '/');
    this.baseUrl = checked.url;
    this.getToken = options.getToken;
    this.clock = options.clock ?? systemClock;
    this.timeoutMs = positive(options.timeoutMs, DEFAULT_TIMEOUT_MS);
    this.ownsGovernor = options.governor === undefined;
    this.governor = options.governor ?? new RateGovernor({ clock: this.clock, random: options.random });
    this.maxReadRetries = nonNegative(options.maxReadRetries, DEFAULT_MAX_READ_RETRIES);
    this.maxWriteRetries = nonNegative(options.maxWriteRetries, DEFAULT_MAX_READ_RETRIES);
    this.reads = new ConcurrencyLimit(Math.max(1, Math.floor(positive(options.maxConcurrentReads, DEFAULT_MAX_CONCURRENT_READS))));
    this.logger = options.logger;
    this.userAgent = options.userAgent ?? 'codegen-vscode';
    this.fetchImpl = options.fetch;
  }

  /** The governor pacing this client (subscribe to its onDidWait to show waits). */
  get rateGovernor(): RateGovernor {
    return this.governor;
  }

  /** Disposes the governor when this client created it; a shared governor belongs to whoever passed it. */
  dispose(): void {
    if (this.ownsGovernor) this.governor.dispose();
  }

  // ---- Endpoints ------------------------------------------------------------------------------

  async getCurrentUser(options?: CallOptions): Promise<User> {
    return this.request({ method: 'GET', path: 'v1/users/me', rateClass: 'standard', kind: 'read', parse: parseUser }, options);
  }

  async listOrganizations(query: PageQuery = {}, options?: CallOptions): Promise<Page<Organization>> {
    const parsed = await this.request({ method: 'GET', path: 'v1/organizations', query: pageQuery(query), rateClass: 'standard', kind: 'read', parse: parseOrganizationsPage }, options);
    return this.reportSkipped(parsed, 'organizations');
  }

  async listRepositories(orgId: number, query: PageQuery = {}, options?: CallOptions): Promise<Page<Repository>> {
    const parsed = await this.request(
      {
        method: 'GET',
        path: `v1/organizations/${id(orgId, 'orgId')}/repos`,
        query: pageQuery(query),
        rateClass: 'standard',
        kind: 'read',
        parse: parseRepositoriesPage,
      },
      options,
    );
    return this.reportSkipped(parsed, 'repositories');
  }

  async createRun(orgId: number, input: CreateRunInput, options?: CallOptions): Promise<AgentRun> {
    const body = withoutUndefined({
      prompt: input.prompt,
      repo_id: input.repoId === undefined ? undefined : id(input.repoId, 'repoId'),
      model: input.model,
      agent_type: input.agentType,
      images: input.images,
      metadata: input.metadata,
    });
    return this.request(
      { method: 'POST', path: `v1/organizations/${id(orgId, 'orgId')}/agent/run`, body, rateClass: 'create', kind: 'create', parse: parseRun },
      options,
    );
  }

  async getRun(orgId: number, runId: number, options?: CallOptions): Promise<AgentRun> {
    return this.request(
      {
        method: 'GET',
        path: `v1/organizations/${id(orgId, 'orgId')}/agent/run/${id(runId, 'runId')}`,
        rateClass: 'standard',
        kind: 'read',
        parse: parseRun,
      },
      options,
    );
  }

  async listRuns(orgId: number, query: ListRunsQuery = {}, options?: CallOptions): Promise<Page<AgentRun>> {
    const parsed = await this.request(
      {
        method: 'GET',
        path: `v1/organizations/${id(orgId, 'orgId')}/agent/runs`,
        query: {
          ...pageQuery(query),
          user_id: query.userId === undefined ? undefined : id(query.userId, 'userId'),
          source_type: query.sourceType,
        },
        rateClass: 'standard',
        kind: 'read',
        parse: parseRunsPage,
      },
      options,
    );
    return this.reportSkipped(parsed, 'runs');
  }

  async resumeRun(orgId: number, input: ResumeRunInput, options?: CallOptions): Promise<AgentRun> {
    const body = withoutUndefined({
      agent_run_id: id(input.agentRunId, 'agentRunId'),
      prompt: input.prompt,
      images: input.images,
    });
    return this.request(
      { method: 'POST', path: `v1/organizations/${id(orgId, 'orgId')}/agent/run/resume`, body, rateClass: 'standard', kind: 'resume', parse: parseRun },
      options,
    );
  }

  async banChecks(orgId: number, runId: number, options?: CallOptions): Promise<void> {
    return this.runAction(orgId, runId, 'ban', options);
  }

  async unbanChecks(orgId: number, runId: number, options?: CallOptions): Promise<void> {
    return this.runAction(orgId, runId, 'unban', options);
  }

  async removeFromPr(orgId: number, runId: number, options?: CallOptions): Promise<void> {
    return this.runAction(orgId, runId, 'remove-from-pr', options);
  }

  async getRunLogs(orgId: number, runId: number, query: LogsQuery = {}, options?: CallOptions): Promise<LogsPage> {
    const org = id(orgId, 'orgId');
    const run = id(runId, 'runId');
    return this.request(
      {
        method: 'GET',
        path: `v1/alpha/organizations/${org}/agent/run/${run}/logs`,
        query: { ...pageQuery(query), reverse: query.reverse },
        rateClass: 'logs',
        kind: 'read',
        parse: (json) => parseLogsPage(json, { runId: run, orgId: org }),
      },
      options,
    );
  }

  /** Sets a pull request's state (open, closed, draft, ready for review). Its own rate class: 30 per minute. */
  async setPullRequestState(orgId: number, prId: number, state: PullRequestState, options?: CallOptions): Promise<PullRequestStateAnswer> {
    if (!PULL_REQUEST_STATES.includes(state)) {
      throw new CodegenApiError('invalid', `Invalid pull request state: ${String(state).slice(0, 40)}.`, { fields: [{ location: 'state', message: 'open, closed, draft or ready_for_review' }] });
    }
    return this.request(
      {
        method: 'PATCH',
        path: `v1/organizations/${id(orgId, 'orgId')}/prs/${id(prId, 'prId')}`,
        body: { state },
        rateClass: 'prs',
        kind: 'write',
        parse: parsePullRequestStateAnswer,
      },
      options,
    );
  }

  // ---- Machinery ------------------------------------------------------------------------------

  private async runAction(orgId: number, runId: number, action: 'ban' | 'unban' | 'remove-from-pr', options?: CallOptions): Promise<void> {
    await this.request<void>(
      {
        method: 'POST',
        path: `v1/organizations/${id(orgId, 'orgId')}/agent/run/${action}`,
        body: { agent_run_id: id(runId, 'runId') },
        rateClass: 'standard',
        kind: 'write',
      },
      options,
    );
  }

  private reportSkipped<T>(parsed: ParsedPage<T>, what: string): Page<T> {
    if (parsed.skipped > 0) this.logger?.warn(`Codegen API: left out ${parsed.skipped} unreadable ${what} from a page.`);
    return parsed.page;
  }

  private async request<T>(spec: RequestSpec<T>, options: CallOptions = {}): Promise<T> {
    const signal = options.signal;
    if (signal?.aborted) throw transportError('cancelled', { kind: spec.kind, timeoutMs: 0 });
    const token = await readToken(this.getToken);
    const timeoutMs = positive(options.timeoutMs, this.timeoutMs);
    const background = options.retries === 'none';
    const maxRetries = background ? 0 : spec.kind === 'read' ? this.maxReadRetries : this.maxWriteRetries;
    const url = this.urlFor(spec);
    const logPath = `/${spec.path}${url.search}`;
    const secrets = [token];

    for (let attempt = 0; ; attempt++) {
      let answer: Answer | CodegenApiError;
      const release = spec.kind === 'read' ? await this.reads.acquire(signal) : undefined;
      try {
        // Loaded before the budget is taken, so the first request's send time is not its import time.
        const fetchImpl = await this.loadFetch();
        const ticket = await this.governor.acquire(spec.rateClass, signal).catch((error: unknown) => {
          throw isApiError(error) ? error : transportError('cancelled', { kind: spec.kind, timeoutMs });
        });
        try {
          answer = await this.exchange(fetchImpl, spec, url, token, timeoutMs, signal, logPath, secrets);
        } finally {
          ticket.complete();
        }
      } finally {
        release?.();
      }

      if (answer instanceof CodegenApiError) {
        // No answer: only a read may be repeated; a create may already exist.
        if (answer.kind === 'network' && spec.kind === 'read' && attempt < maxRetries) {
          await this.backoff(spec, attempt, signal, timeoutMs, `${spec.method} ${logPath} failed (network)`);
          continue;
        }
        throw answer;
      }

      if (answer.status >= 200 && answer.status < 300) {
        return parseAnswer(spec, answer);
      }
      if (answer.status === 429) {
        const retryAfterMs = parseRetryAfter(answer.retryAfter, this.clock.now());
        // Pause the class for every caller, retrying or not, so concurrent calls do not storm.
        const pause = this.governor.reportRateLimited(spec.rateClass, retryAfterMs, attempt);
        if (attempt < maxRetries) {
          this.logger?.info(`Codegen API: rate limited on ${spec.method} ${logPath}; retrying in ${pause.delayMs} ms (${pause.reason}).`);
          continue;
        }
        // A background poll is told only what the service said; the poller chooses its own wait otherwise.
        const retryAfter = background ? (retryAfterMs !== undefined && retryAfterMs > 0 ? retryAfterMs : undefined) : pause.delayMs;
        throw errorFromResponse(answer.status, answer.statusText, answer.text, { kind: spec.kind, secrets, retryAfterMs: retryAfter });
      }
      if (answer.status >= 500 && spec.kind === 'read' && attempt < maxRetries) {
        await this.backoff(spec, attempt, signal, timeoutMs, `${spec.method} ${logPath} answered ${answer.status}`);
        continue;
      }
      throw errorFromResponse(answer.status, answer.statusText, answer.text, { kind: spec.kind, secrets });
    }
  }

  private async backoff(spec: RequestSpec<unknown>, attempt: number, signal: AbortSignal | undefined, timeoutMs: number, what: string): Promise<void> {
    const delayMs = this.governor.backoffDelay(attempt);
    this.logger?.info(`Codegen API: ${what}; retrying in ${delayMs} ms.`);
    try {
      await this.governor.waitBackoff(spec.rateClass, delayMs, signal);
    } catch (error) {
      throw isApiError(error) ? error : transportError('cancelled', { kind: spec.kind, timeoutMs });
    }
  }

  /** One HTTP exchange under a timeout. Returns the answer, or the transport error (network, timeout, cancelled). */
  private async exchange(
    fetchImpl: FetchLike,
    spec: RequestSpec<unknown>,
    url: URL,
    token: string,
    timeoutMs: number,
    callerSignal: AbortSignal | undefined,
    logPath: string,
    secrets: readonly string[],
  ): Promise<Answer | CodegenApiError> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = this.clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onCallerAbort = (): void => controller.abort();
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    const started = this.clock.now();
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      'User-Agent': this.userAgent,
    };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      const response = await fetchImpl(url.href, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: controller.signal,
        redirect: 'manual',
      });
      const text = await response.text();
      const elapsed = this.clock.now() - started;
      const line = `${spec.method} ${logPath} → ${response.status} in ${elapsed} ms`;
      this.log(response.status < 400 ? 'debug' : 'warn', line, secrets);
      return { status: response.status, statusText: response.statusText, retryAfter: response.headers.get('retry-after'), text };
    } catch (error) {
      const failure = callerSignal?.aborted ? 'cancelled' : timedOut ? 'timeout' : 'network';
      const code = errorCode(error);
      this.log('warn', `${spec.method} ${logPath} → ${failure}${code ? ` ${code}` : ''} after ${this.clock.now() - started} ms`, secrets);
      return transportError(failure, { kind: spec.kind, timeoutMs, code });
    } finally {
      this.clock.clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }

  private urlFor(spec: RequestSpec<unknown>): URL {
    const url = new URL(spec.path, this.baseUrl);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  private async loadFetch(): Promise<FetchLike> {
    if (!this.fetchImpl) {
      const nodeFetch = await import('node-fetch');
      this.fetchImpl = (url, init) => nodeFetch.default(url, init);
    }
    return this.fetchImpl;
  }

  private log(level: keyof ApiLogger, message: string, secrets: readonly string[]): void {
    if (!this.logger) return;
    try {
      this.logger[level](`Codegen API: ${redactSecrets(message, secrets)}`);
    } catch {
      // A failing logger must not fail the call.
    }
  }
}

