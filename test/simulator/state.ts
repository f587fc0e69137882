// The simulator's data: runs, repositories, config. Mutations the API and the control surface share.

import { parseBaseBranchSentence } from '../../src/changes/baseBranchPrompt';
import { SIM, completeRepo, defaultRepos, type RepoInput } from './fixtures';
import { SimGitRepos, type SimCommitInput, type SimGitInfo } from './git';
import { defaultLogCount, visibleLogCount } from './logs';
import {
  currentPhase,
  currentStatus,
  finalStatusFromPrompt,
  historicalRunTemplates,
  isInProgress,
  logHorizon,
  pullRequestOf,
  renderRun,
  snapshotRun,
  type RunRecord,
} from './runs';
import type { ApiPullRequest, ApiRepository, ApiRun, SimRun, SimRunSeed, SimulatorConfig, SimulatorOptions } from './types';

export const DEFAULT_RUN_DURATION_MS = 60_000;

export class SimState {
  config: SimulatorConfig;
  readonly seed: number;
  readonly clock: { now(): number };
  /** The bare repositories of `gitRoot`; undefined without it (no git at all). */
  readonly git: SimGitRepos | undefined;
  private runs = new Map<number, RunRecord>();
  private repos = defaultRepos();
  private nextRunId = 1;

  constructor(private readonly options: SimulatorOptions) {
    this.seed = options.seed ?? 1;
    this.clock = options.clock ?? { now: () => Date.now() };
    this.git = options.gitRoot === undefined ? undefined : new SimGitRepos(options.gitRoot);
    this.config = this.initialConfig();
    this.reset();
  }

  private initialConfig(): SimulatorConfig {
    return {
      runDurationMs: this.options.runDurationMs ?? DEFAULT_RUN_DURATION_MS,
      retryAfter: this.options.retryAfter ?? true,
      rateLimits: this.options.rateLimits ?? true,
    };
  }

  now(): number {
    return this.clock.now();
  }

  reset(): void {
    this.git?.reset();
    this.config = this.initialConfig();
    this.runs = new Map();
    this.repos = defaultRepos();
    this.nextRunId = 1;
    const now = this.now();
    for (const template of historicalRunTemplates(this.options.historicalRuns ?? 0, this.seed, now)) {
      const run = this.addRun({ userId: template.userId, prompt: template.prompt, sourceType: template.sourceType, createdAt: template.createdAtMs, status: template.status });
      run.prMode = template.prMode;
      run.prDetails = template.prDetails;
    }
  }

  configure(partial: Partial<SimulatorConfig>): void {
    const next = { ...this.config };
    if (partial.runDurationMs !== undefined) {
      if (!Number.isFinite(partial.runDurationMs) || partial.runDurationMs < 0) throw new Error('runDurationMs must be a number >= 0');
      next.runDurationMs = partial.runDurationMs;
    }
    if (partial.retryAfter !== undefined) next.retryAfter = Boolean(partial.retryAfter);
    if (partial.rateLimits !== undefined) next.rateLimits = Boolean(partial.rateLimits);
    this.config = next;
  }

  reposOf(orgId: number): ApiRepository[] {
    return this.repos.get(orgId) ?? [];
  }

  setRepos(orgId: number, repos: RepoInput[]): void {
    this.repos.set(orgId, repos.map(completeRepo));
  }

  run(id: number): RunRecord | undefined {
    return this.runs.get(id);
  }

  /** Runs of an org, newest first. */
  runsOf(orgId: number): RunRecord[] {
    return [...this.runs.values()].filter((run) => run.organizationId === orgId).sort((a, b) => b.createdAtMs - a.createdAtMs || b.id - a.id);
  }

  /** Creates a run directly: no auth, no rate limit, no validation beyond types. */
  addRun(seed: Partial<SimRunSeed> = {}): RunRecord {
    const id = this.nextRunId++;
    const now = this.now();
    const organizationId = seed.organizationId ?? SIM.orgId;
    const prompt = seed.prompt ?? `Simulated run ${id}`;
    const repoId = seed.repoId ?? null;
    const repos = this.reposOf(organizationId);
    const repo = repos.find((candidate) => candidate.id === repoId) ?? repos[0];
    const createdAtMs = typeof seed.createdAt === 'string' ? Date.parse(seed.createdAt) : (seed.createdAt ?? now);
    if (!Number.isFinite(createdAtMs)) throw new Error(`createdAt ${String(seed.createdAt)} is not a time`);
    const pullRequest = seed.pullRequest;
    const run: RunRecord = {
      id,
      organizationId,
      userId: seed.userId ?? SIM.userId,
      prompt,
      repoId,
      effectiveRepoFullName: repo?.full_name ?? SIM.repoFullName,
      model: seed.model ?? null,
      agentType: seed.agentType ?? 'codegen',
      images: [...(seed.images ?? [])],
      metadata: seed.metadata ?? null,
      sourceType: seed.sourceType ?? 'API',
      createdAtMs,
      phases: [
        {
          kind: 'initial',
          startMs: createdAtMs,
          durationMs: seed.runDurationMs ?? this.config.runDurationMs,
          finalStatus: seed.finalStatus ?? finalStatusFromPrompt(prompt),
          logCount: seed.logCount ?? defaultLogCount(this.seed, id, 'initial', 0),
          prompt,
          cutAtMs: null,
        },
      ],
      forcedStatus: seed.status ?? null,
      nullStatus: seed.nullStatus ?? false,
      stoppedAtMs: null,
      checksBanned: false,
      removedFromPr: false,
      followUps: [],
      prMode: pullRequest === undefined ? 'auto' : pullRequest === false ? 'never' : 'always',
      prDetails: { state: 'open', merged: false, ...(typeof pullRequest === 'object' ? pullRequest : {}) },
      texts: { summary: seed.summary, result: seed.result },
    };
    this.runs.set(id, run);
    // The run's repository exists before its PR does: clients can clone it right away.
    if (this.git?.handles(run.effectiveRepoFullName)) this.git.ensureRepo(run.effectiveRepoFullName);
    return run;
  }

  setRunStatus(id: number, status: string): RunRecord {
    const run = this.requireRun(id);
    run.forcedStatus = status;
    run.nullStatus = false;
    return run;
  }

  status(run: RunRecord): string {
    return currentStatus(run, this.now());
  }

  hasPullRequest(run: RunRecord): boolean {
    return this.pullRequest(run) !== null;
  }

  /** The run's PR now; the first time it is there, its branch is pushed to the bare repository (with gitRoot). */
  pullRequest(run: RunRecord): ApiPullRequest | null {
    const pullRequest = pullRequestOf(run, this.now());
    if (pullRequest && this.git?.handles(run.effectiveRepoFullName)) this.git.publishRun(run.id, run.effectiveRepoFullName, Date.parse(pullRequest.created_at), parseBaseBranchSentence(run.prompt)?.branch, run.prDetails.headBranch !== undefined);
    // Several agents on one request: each attempt's branch differs (see SimGitRepos.publishAttempt).
    const attempt = run.metadata?.['attempt'];
    if (pullRequest && this.git?.handles(run.effectiveRepoFullName) && typeof run.metadata?.['attempt_group'] === 'string' && typeof attempt === 'number') this.git.publishAttempt(run.id, attempt, Date.parse(pullRequest.created_at));
    return pullRequest;
  }

  /** Git facts of a run (pushing its branch first if its PR is due); undefined without gitRoot. */
  gitInfo(run: RunRecord): SimGitInfo | undefined {
    if (!this.git?.handles(run.effectiveRepoFullName)) return undefined;
    this.pullRequest(run);
    return this.git.info(run.id, run.effectiveRepoFullName);
  }

  deleteRunBranch(run: RunRecord): boolean {
    this.pullRequest(run);
    return this.git?.deleteBranch(run.id) ?? false;
  }

  pushRunCommit(run: RunRecord, input: SimCommitInput): boolean {
    this.pullRequest(run);
    return this.git?.pushCommit(run.id, input, this.now()) ?? false;
  }

  forcePushRunBranch(run: RunRecord): boolean {
    this.pullRequest(run);
    return this.git?.forcePush(run.id, this.now()) ?? false;
  }

  /**
   * Starts a follow-up phase (ACTIVE now, final after another runDurationMs; its final status is steered by
   * the follow-up prompt's markers). The caller checks the run is not in progress.
   */
  resume(run: RunRecord, prompt: string, images: string[]): void {
    const now = this.now();
    run.followUps.push({ prompt, images: [...images], at: new Date(now).toISOString() });
    // What was logged so far stays; the rest of the previous phase (if a forced status cut it short) never happens.
    currentPhase(run).cutAtMs = logHorizon(run, now);
    run.forcedStatus = null;
    run.nullStatus = false;
    run.stoppedAtMs = null;
    const phaseIndex = run.phases.length;
    run.phases.push({
      kind: 'followUp',
      startMs: now,
      durationMs: this.config.runDurationMs,
      finalStatus: finalStatusFromPrompt(prompt),
      logCount: defaultLogCount(this.seed, run.id, 'followUp', phaseIndex),
      prompt,
      cutAtMs: null,
    });
  }

  /** Ban and remove-from-pr stop every agent on the PR: a run in progress ends as STOPPED. */
  stopIfInProgress(run: RunRecord): void {
    if (!isInProgress(this.status(run))) return;
    run.forcedStatus = 'STOPPED';
    run.stoppedAtMs = this.now();
  }

  render(run: RunRecord): ApiRun {
    this.pullRequest(run);
    return renderRun(run, this.now());
  }

  snapshot(run: RunRecord): SimRun {
    this.pullRequest(run);
    return snapshotRun(run, this.now(), visibleLogCount(run, this.now()));
  }

  requireRun(id: number): RunRecord {
    const run = this.runs.get(id);
    if (!run) throw new Error(`no run ${id}`);
    return run;
  }
}
