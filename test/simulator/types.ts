// Public types of the Codegen API simulator. Tests, benchmarks and the CLI code against these names.

export interface SimulatorOptions {
  /** 0 (default) picks an ephemeral port. */
  port?: number;
  /** Seeds every generated text and log so runs look the same from one test run to the next (default 1). */
  seed?: number;
  /** Drives run progression and rate-limit windows (default Date.now). Tests pass a FakeClock. */
  clock?: { now(): number };
  /** Time from create to final status (default 60_000). Captured per run phase when it starts. */
  runDurationMs?: number;
  /** Send Retry-After on 429 (default true). */
  retryAfter?: boolean;
  /** Enforce the documented per-token limits (default true). */
  rateLimits?: boolean;
  /** Older runs pre-populated for org 1, spread over past days (default 0). */
  historicalRuns?: number;
  /**
   * Folder of the simulated GitHub's bare repositories (`<gitRoot>/<owner>/<name>.git`, made on first use).
   * With it, a run's PR branch is pushed there when the PR first appears. Without it: no git at all.
   */
  gitRoot?: string;
}

export type SimulatorConfig = Required<Pick<SimulatorOptions, 'runDurationMs' | 'retryAfter' | 'rateLimits'>>;

export type RequestRateClass = 'create' | 'standard' | 'logs' | 'prs' | 'control' | 'none';

export interface RecordedRequest {
  seq: number;
  /** Simulator clock time when the request arrived. */
  at: number;
  /**
   * Wall-clock time (Date.now(), whatever the simulator's clock) when the answer was written, or the socket
   * dropped: what a browser on this machine can compare its own timestamps with (row latency benches).
   */
  wallAt: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  rateClass: RequestRateClass;
  /** Status answered; 0 when the socket was dropped without an answer. */
  status: number;
  /** True when a valid bearer token came with it. The token itself is never recorded. */
  authorized: boolean;
  /** Parsed JSON body (or the raw text when it was not JSON). */
  body?: unknown;
  /** The fault kind that hit this request, if any. */
  fault?: string;
}

export type FaultKind = 'status' | 'slow' | 'drop' | 'malformed' | 'unknownStatus' | 'nullFields' | 'rateLimit';

export interface FaultSpec {
  kind: FaultKind;
  /** Matches the request method, e.g. 'POST'. */
  method?: string;
  /** Regex source matched against the path, e.g. '/agent/run$'. */
  path?: string;
  /** How many matching requests it hits (default 1; -1 = until cleared). */
  times?: number;
  /** For 'status' (e.g. 500, 502, 402, 403); default 500. */
  status?: number;
  /** Error body {message, status_code} (default) or FastAPI {detail}. */
  errorShape?: 'message' | 'detail';
  /** For 'slow': real-timer delay before the answer is written (the request is processed first). */
  delayMs?: number;
  /** For 'drop': perform the request (e.g. really create the run), then destroy the socket unanswered. */
  afterProcessing?: boolean;
  /** For 'rateLimit': Retry-After value; null = no header; omitted = 1 when retryAfter is on. */
  retryAfterSeconds?: number | null;
}

export type SimAgentType = 'codegen' | 'claude_code';

/** Everything addRun() / POST /_sim/runs accepts; every field is optional there. */
export interface SimRunSeed {
  organizationId: number;
  userId: number;
  prompt: string;
  repoId: number | null;
  model: string | null;
  agentType: SimAgentType;
  images: string[];
  metadata: Record<string, unknown> | null;
  sourceType: string;
  /** Epoch ms or ISO string (default: now). */
  createdAt: number | string;
  /** Forces a fixed status from the start (like setRunStatus). A final or paused one makes every log visible. */
  status: string;
  /** The API answers `status: null` for this run (a snapshot keeps the status it has inside), until setRunStatus or a resume. */
  nullStatus: boolean;
  /** Status reached at the end of the run (default steered by the prompt: [fail], [pause], [weird]). */
  finalStatus: string;
  /** Number of log entries of the initial phase (default 24..40). Use 10_000 for virtualization tests. */
  logCount: number;
  /**
   * true: PR from the start; false: never; object: PR from the start with these details. Default: at ~70%.
   * `headBranch`: the PR comes from a fork whose branch has this name (often `main`): the base repository
   * gets no branch for it, only `refs/pull/<n>/head`.
   */
  pullRequest: boolean | { state?: string; merged?: boolean; title?: string; headBranch?: string };
  /** Duration of the initial phase (default: the simulator's runDurationMs). */
  runDurationMs: number;
  /** Summary and result answered once complete, instead of the generated ones (e.g. very long ones). */
  summary: string;
  result: string;
}

export interface SimFollowUp {
  prompt: string;
  images: string[];
  /** ISO time it was received. */
  at: string;
}

/** Snapshot of a run's internal state, computed at the time of the call. */
export interface SimRun {
  id: number;
  organizationId: number;
  userId: number;
  prompt: string;
  repoId: number | null;
  model: string | null;
  agentType: SimAgentType;
  images: string[];
  metadata: Record<string, unknown> | null;
  sourceType: string;
  createdAt: string;
  /** Status the API would answer now. */
  status: string;
  /** Status the current phase ends with. */
  finalStatus: string;
  /** Status forced by setRunStatus / seed / ban / remove-from-pr, if any. */
  forcedStatus: string | null;
  checksBanned: boolean;
  removedFromPr: boolean;
  /** True once ban or remove-from-pr stopped the run while it was in progress. */
  stopped: boolean;
  followUps: SimFollowUp[];
  pullRequest: ApiPullRequest | null;
  /** Log entries visible now. */
  totalLogs: number;
}

// ---- JSON shapes as the service sends them (snake_case) ----

export interface ApiPullRequest {
  id: number;
  title: string;
  url: string;
  created_at: string;
  head_branch_name: string;
  state: string;
  merged: boolean;
}

export interface ApiRun {
  id: number;
  organization_id: number;
  status: string | null;
  created_at: string | null;
  web_url: string | null;
  result: string | null;
  summary: string | null;
  source_type: string | null;
  github_pull_requests: ApiPullRequest[] | null;
  metadata: Record<string, unknown> | null;
}

export interface ApiLogEntry {
  agent_run_id: number;
  created_at: string;
  tool_name: string | null;
  message_type: string;
  thought: string | null;
  observation: unknown;
  tool_input: unknown;
  tool_output: unknown;
}

export interface ApiUser {
  id: number;
  email: string;
  github_username: string;
  avatar_url: string;
  full_name: string;
  role: string;
}

export interface ApiOrganization {
  id: number;
  name: string;
  settings: Record<string, unknown>;
}

export interface ApiRepository {
  id: number;
  name: string;
  full_name: string;
  github_id: number;
  setup_status: string;
  language: string | null;
  visibility: string;
  archived: boolean;
}

export interface ApiPage<T> {
  items: T[];
  total: number;
  page: number;
  size: number;
  pages: number;
}
