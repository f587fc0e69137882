// A faithful local stand-in for the Codegen API (/work/shared/codegen-api.md): a real HTTP server on
// 127.0.0.1 with seeded data, lazily progressing runs, per-token rate limits, injectable faults and a
// /_sim control API. Used as a module by unit tests, benchmarks and in-host tests, and by cli.ts.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { matchApiRoute, type RouteMatch } from './api';
import { clearsRecording, handleControl, type ControlTarget } from './control';
import { FaultTable, applyPayloadFault, faultAnswer, isAnsweringFault, malformedAnswer, type SimResponse } from './faults';
import { RATE_LIMIT_MESSAGE, SIM, UNAUTHORIZED_MESSAGE, accountForToken, type RepoInput, type SimAccount } from './fixtures';
import type { SimCommitInput, SimGitInfo } from './git';
import { CORS_HEADERS, HttpError, parseBody, readBody, writeResponse, type ParsedBody } from './http';
import { RateLimiter } from './rateLimits';
import { SimState } from './state';
import type {
  ApiRepository,
  ApiRun,
  FaultSpec,
  RecordedRequest,
  RequestRateClass,
  SimRun,
  SimRunSeed,
  SimulatorConfig,
  SimulatorOptions,
} from './types';

export * from './types';
export { GIT_AUTHOR, GIT_BASE_BRANCH, GIT_BASE_FILES, runBranchChanges, runBranchName, type SimCommitInput, type SimGitInfo, type SimRunBranchChanges } from './git';
export { PULL_REQUEST_STATES } from './api';
export {
  IN_PROGRESS_STATUSES,
  LOG_MESSAGE_TYPES,
  NOT_A_MEMBER_MESSAGE,
  NO_REPOSITORIES_MESSAGE,
  ORGANIZATION_NOT_FOUND_MESSAGE,
  PROMPT_MARKERS,
  PWNED_GLOBAL,
  RATE_LIMIT_MESSAGE,
  RUN_IN_PROGRESS_STATUS,
  SIM,
  SOURCE_TYPES,
  UNAUTHORIZED_MESSAGE,
  UNKNOWN_FAULT_STATUS,
  UNKNOWN_LOG_TYPE,
  WEIRD_STATUS,
} from './fixtures';
export { RATE_LIMITS } from './rateLimits';
export { ACTIVE_FROM, PR_APPEARS_AT } from './runs';
export { DEFAULT_RUN_DURATION_MS } from './state';

export interface RequestFilter {
  method?: string;
  /** A string matches the path exactly; a RegExp is tested against it. */
  path?: string | RegExp;
  rateClass?: string;
  status?: number;
}

export class CodegenSimulator implements ControlTarget {
  readonly url: string;
  /** Every request, in order of answer. Tokens and headers are never recorded. */
  readonly requests: RecordedRequest[] = [];
  private nextSeq = 1;
  private readonly faults = new FaultTable();
  private readonly limiter = new RateLimiter();
  private readonly sockets = new Set<Socket>();
  private readonly slowAnswers = new Set<NodeJS.Timeout>();
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    private readonly state: SimState,
    readonly port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.handle(request, response).catch((error: unknown) => {
        console.error('Codegen simulator: request failed', error);
        response.destroy();
      });
    });
  }

  static async start(options: SimulatorOptions = {}): Promise<CodegenSimulator> {
    const state = new SimState(options);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new CodegenSimulator(server, state, (server.address() as AddressInfo).port);
  }

  // ---- inspection and control (also served over HTTP by control.ts) ----

  clearRequests(): void {
    this.requests.length = 0;
  }

  countRequests(filter: RequestFilter = {}): number {
    return this.requests.filter((recorded) => matchesFilter(recorded, filter)).length;
  }

  injectFault(fault: FaultSpec): void {
    this.faults.add(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  configure(partial: Partial<Pick<SimulatorOptions, 'runDurationMs' | 'retryAfter' | 'rateLimits'>>): void {
    this.state.configure(partial);
  }

  currentConfig(): SimulatorConfig {
    return { ...this.state.config };
  }

  /** Creates a run directly (no auth, no rate limit) and returns its state. */
  addRun(seed: Partial<SimRunSeed> = {}): SimRun {
    return this.state.snapshot(this.state.addRun(seed));
  }

  addRunJson(seed: Partial<SimRunSeed>): ApiRun {
    return this.state.render(this.state.addRun(seed));
  }

  /** A snapshot of the run's internal state now (status, flags, follow-up prompts, PR, visible log count). */
  getRun(id: number): SimRun | undefined {
    const run = this.state.run(id);
    return run ? this.state.snapshot(run) : undefined;
  }

  /** Forces a status (any string); it holds until a resume starts a new phase. */
  setRunStatus(id: number, status: string): void {
    this.state.setRunStatus(id, status);
  }

  setRunStatusJson(id: number, status: string): ApiRun | undefined {
    const run = this.state.run(id);
    if (!run) return undefined;
    this.state.setRunStatus(id, status);
    return this.state.render(run);
  }

  /** Replaces an org's repositories; missing documented fields get defaults. [] makes create answer 404. */
  setOrganizationRepos(orgId: number, repos: RepoInput[]): void {
    this.state.setRepos(orgId, repos);
  }

  reposOf(orgId: number): ApiRepository[] {
    return this.state.reposOf(orgId);
  }

  // ---- git side (only with the gitRoot option) ----

  get gitEnabled(): boolean {
    return this.state.git !== undefined;
  }

  /** The bare repositories' folder, or undefined without gitRoot. */
  get gitRoot(): string | undefined {
    return this.state.git?.root;
  }

  /** Makes (on first use) the bare repository of `owner/name` with its base `main`; answers its path. Needs gitRoot. */
  ensureGitRepository(repoFullName: string = SIM.repoFullName): string {
    if (!this.state.git) throw new Error('the simulator was started without gitRoot');
    return this.state.git.ensureRepo(repoFullName);
  }

  /** Bare path, branch and tip of a run's PR branch (pushing it first if the PR is due); undefined without gitRoot or run. */
  gitInfo(runId: number): SimGitInfo | undefined {
    const run = this.state.run(runId);
    return run ? this.state.gitInfo(run) : undefined;
  }

  /** Deletes a run's PR branch from its bare repository, as GitHub does after a merge. False when there is none. */
  deleteRunBranch(runId: number): boolean {
    const run = this.state.run(runId);
    return run ? this.state.deleteRunBranch(run) : false;
  }

  /** Pushes one more commit to a run's PR branch (default: adds notes/follow-up-<n>.md). False when there is no branch. */
  pushRunCommit(runId: number, input: SimCommitInput = {}): boolean {
    const run = this.state.run(runId);
    return run ? this.state.pushRunCommit(run, input) : false;
  }

  /** The agent force-pushes the run's PR branch: rewritten on its base, the old tip no ancestor. False when there is no branch. */
  forcePushRunBranch(runId: number): boolean {
    const run = this.state.run(runId);
    return run ? this.state.forcePushRunBranch(run) : false;
  }

  /** Back to the seeded initial state: runs, repositories, config, faults, rate windows, recorded requests, bare repositories. */
  reset(): void {
    this.state.reset();
    this.faults.clear();
    this.limiter.reset();
    this.clearRequests();
  }

  /** Closes the server and every open (keep-alive) socket; pending slow answers are dropped. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      for (const timer of this.slowAnswers) clearTimeout(timer);
      this.slowAnswers.clear();
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
    return this.stopping;
  }

  // ---- request handling ----

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const at = this.state.now();
    const method = (request.method ?? 'GET').toUpperCase();
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const base = { at, method, path, query };

    let body: ParsedBody;
    try {
      body = parseBody(await readBody(request));
    } catch (error) {
      if (!(error instanceof HttpError)) return; // the client went away mid-body
      this.record({ ...base, rateClass: 'none', status: error.status, authorized: false });
      writeResponse(response, { status: error.status, body: error.body });
      return;
    }
    const recordedBody = body.kind === 'json' ? body.value : body.kind === 'invalid' ? body.text : undefined;
    const withBody = recordedBody === undefined ? base : { ...base, body: recordedBody };

    if (path === '/_sim' || path.startsWith('/_sim/')) {
      const answer = isLoopback(request.socket.remoteAddress)
        ? handleControl(this, { method, path, query, body })
        : { status: 403, body: { error: 'The control API only answers loopback clients' } };
      if (!clearsRecording(method, path)) this.record({ ...withBody, rateClass: 'control', status: answer.status, authorized: false });
      writeResponse(response, answer);
      return;
    }

    if (method === 'OPTIONS') {
      // CORS preflight of a browser-hosted client.
      this.record({ ...withBody, rateClass: 'none', status: 204, authorized: false });
      writeResponse(response, { status: 204, headers: { ...CORS_HEADERS, 'Access-Control-Max-Age': '600' } });
      return;
    }

    const match = matchApiRoute(method, path);
    const token = bearerToken(request.headers.authorization);
    const account = accountForToken(token);
    const rateClass: RequestRateClass = match.kind === 'found' ? match.route.rateClass : 'none';
    const record = (status: number, fault?: string): RecordedRequest =>
      this.record({ ...withBody, rateClass, status, authorized: account !== undefined, ...(fault === undefined ? {} : { fault }) });

    const fault = this.faults.take(method, path);
    if (fault && isAnsweringFault(fault)) {
      if (fault.kind === 'drop') {
        record(0, fault.kind);
        request.socket.destroy();
        return;
      }
      const answer = faultAnswer(fault, this.state.config.retryAfter);
      record(answer.status, fault.kind);
      writeResponse(response, answer);
      return;
    }

    let answer = this.answerApi(match, account, token, query, body);
    if (fault?.kind === 'drop') {
      // afterProcessing: the work is done (a run may exist) but the client never hears about it.
      record(0, fault.kind);
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'malformed') answer = malformedAnswer(answer);
    else if (fault) answer = applyPayloadFault(fault.kind, answer);
    const recorded = record(answer.status, fault?.kind);

    if (fault?.kind === 'slow') {
      const timer = setTimeout(() => {
        this.slowAnswers.delete(timer);
        recorded.wallAt = Date.now();
        writeResponse(response, answer);
      }, fault.delayMs ?? 1000);
      this.slowAnswers.add(timer);
      return;
    }
    writeResponse(response, answer);
  }

  private answerApi(match: RouteMatch, account: SimAccount | undefined, token: string | undefined, query: Record<string, string>, body: ParsedBody): SimResponse {
    if (match.kind === 'notFound') return { status: 404, body: { detail: 'Not Found' } };
    if (match.kind === 'methodNotAllowed') return { status: 405, body: { detail: 'Method Not Allowed' }, headers: { Allow: match.allowed.join(', ') } };
    if (!account || token === undefined) {
      return { status: 401, body: { message: UNAUTHORIZED_MESSAGE, status_code: 401 }, headers: { 'WWW-Authenticate': 'Bearer' } };
    }
    if (this.state.config.rateLimits) {
      const decision = this.limiter.admit(token, match.route.rateClass, this.state.now());
      if (!decision.allowed) {
        return {
          status: 429,
          body: { message: RATE_LIMIT_MESSAGE, status_code: 429 },
          headers: this.state.config.retryAfter ? { 'Retry-After': String(decision.retryAfterSeconds) } : {},
        };
      }
    }
    try {
      return match.route.handle({ state: this.state, account, ids: match.ids, query, body, baseUrl: this.url });
    } catch (error) {
      if (error instanceof HttpError) return { status: error.status, body: error.body, headers: error.headers };
      console.error('Codegen simulator: handler failed', error);
      return { status: 500, body: { detail: 'Internal simulator error' } };
    }
  }

  private record(entry: Omit<RecordedRequest, 'seq' | 'wallAt'>): RecordedRequest {
    // Every caller writes the answer (or drops the socket) right after recording it; a slow answer moves wallAt.
    const recorded: RecordedRequest = { seq: this.nextSeq++, ...entry, wallAt: Date.now() };
    this.requests.push(recorded);
    return recorded;
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function matchesFilter(recorded: RecordedRequest, filter: RequestFilter): boolean {
  if (filter.method !== undefined && recorded.method !== filter.method.toUpperCase()) return false;
  if (typeof filter.path === 'string' && recorded.path !== filter.path) return false;
  if (filter.path instanceof RegExp && !filter.path.test(recorded.path)) return false;
  if (filter.rateClass !== undefined && recorded.rateClass !== filter.rateClass) return false;
  if (filter.status !== undefined && recorded.status !== filter.status) return false;
  return true;
}
