// Domain types the rest of the extension uses. The client turns the service's snake_case JSON
// (untrusted: nulls, missing fields, unknown extras) into these; absent or null fields become undefined.

export interface PullRequest {
  id?: number;
  title?: string;
  url?: string;
  createdAt?: string;
  headBranchName?: string;
  /** e.g. "open", "closed", "merged" when the service sends it. */
  state?: string;
  merged?: boolean;
}

export interface AgentRun {
  id: number;
  organizationId: number;
  /** Raw status string as the service sent it (kept for display; see status.ts for its category). */
  status?: string;
  createdAt?: string;
  webUrl?: string;
  result?: string;
  summary?: string;
  sourceType?: string;
  pullRequests: PullRequest[];
  metadata?: Record<string, unknown>;
}

export interface Page<T> {
  items: T[];
  total?: number;
  page?: number;
  size?: number;
  pages?: number;
}

export interface LogEntry {
  agentRunId?: number;
  createdAt?: string;
  toolName?: string;
  messageType?: string;
  thought?: string;
  /** A string or any JSON value. */
  observation?: unknown;
  toolInput?: unknown;
  toolOutput?: unknown;
}

export interface LogsPage {
  run: AgentRun;
  logs: LogEntry[];
  totalLogs?: number;
  page?: number;
  size?: number;
  pages?: number;
}

export interface User {
  id: number;
  email?: string;
  githubUsername?: string;
  avatarUrl?: string;
  fullName?: string;
  role?: string;
}

export interface Organization {
  id: number;
  name?: string;
}

export interface Repository {
  id: number;
  name?: string;
  fullName?: string;
  githubId?: number;
  setupStatus?: string;
  language?: string;
  visibility?: string;
  archived?: boolean;
}

export type AgentType = 'codegen' | 'claude_code';

export interface CreateRunInput {
  prompt: string;
  repoId?: number;
  model?: string;
  agentType?: AgentType;
  /** data: URIs */
  images?: string[];
  metadata?: Record<string, unknown>;
}

export interface ResumeRunInput {
  agentRunId: number;
  prompt: string;
  images?: string[];
}

export interface PageQuery {
  skip?: number;
  limit?: number;
}

export interface ListRunsQuery extends PageQuery {
  userId?: number;
  sourceType?: string;
}

export interface LogsQuery extends PageQuery {
  reverse?: boolean;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client's default timeout (15 s). */
  timeoutMs?: number;
  /**
   * 'none' for a background poll: one attempt, no retry inside the client (the poller is its retry loop).
   * Default: interactive calls retry reads after 429, 5xx and network errors, writes after 429 only.
   */
  retries?: 'none';
}

/** The rate classes of the service: create 10/min, standard 60/30 s, logs 60/60 s, pull request state 30/min. */
export type RateClass = 'create' | 'standard' | 'logs' | 'prs';

/** The states PATCH .../prs/{pr_id} sets. */
export type PullRequestState = 'open' | 'closed' | 'draft' | 'ready_for_review';

/** The answer of a pull request state change. `success: false` comes with the service's `error`. */
export interface PullRequestStateAnswer {
  success: boolean;
  url?: string;
  number?: number;
  title?: string;
  state?: string;
  error?: string;
}

/** Every call the extension makes to the Codegen API. Implemented by CodegenClient (client.ts). */
export interface CodegenApi {
  getCurrentUser(options?: CallOptions): Promise<User>;
  listOrganizations(query?: PageQuery, options?: CallOptions): Promise<Page<Organization>>;
  listRepositories(orgId: number, query?: PageQuery, options?: CallOptions): Promise<Page<Repository>>;
  createRun(orgId: number, input: CreateRunInput, options?: CallOptions): Promise<AgentRun>;
  getRun(orgId: number, runId: number, options?: CallOptions): Promise<AgentRun>;
  listRuns(orgId: number, query?: ListRunsQuery, options?: CallOptions): Promise<Page<AgentRun>>;
  resumeRun(orgId: number, input: ResumeRunInput, options?: CallOptions): Promise<AgentRun>;
  banChecks(orgId: number, runId: number, options?: CallOptions): Promise<void>;
  unbanChecks(orgId: number, runId: number, options?: CallOptions): Promise<void>;
  removeFromPr(orgId: number, runId: number, options?: CallOptions): Promise<void>;
  getRunLogs(orgId: number, runId: number, query?: LogsQuery, options?: CallOptions): Promise<LogsPage>;
  setPullRequestState(orgId: number, prId: number, state: PullRequestState, options?: CallOptions): Promise<PullRequestStateAnswer>;
}
