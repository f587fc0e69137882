// A run's internal record and everything derived from it at a given clock time: status, pull request, JSON.
// Nothing here runs on a timer: the status is computed lazily from the clock when a request asks for it.

import {
  IN_PROGRESS_STATUSES,
  PROMPT_MARKERS,
  SOURCE_TYPES,
  WEIRD_STATUS,
  pick,
  randomFrom,
} from './fixtures';
import type { ApiPullRequest, ApiRun, SimAgentType, SimFollowUp, SimRun } from './types';

/** One stretch of work: the initial run, or a follow-up started by resume. */
export interface RunPhase {
  kind: 'initial' | 'followUp';
  startMs: number;
  durationMs: number;
  finalStatus: string;
  logCount: number;
  prompt: string;
  /** Set when a resume ended this phase early: its entries after this time never happen. */
  cutAtMs: number | null;
}

export interface RunRecord {
  id: number;
  organizationId: number;
  userId: number;
  prompt: string;
  repoId: number | null;
  /** Repository the run works in: repo_id, or the org's first repository when it was omitted. */
  effectiveRepoFullName: string;
  model: string | null;
  agentType: SimAgentType;
  images: string[];
  metadata: Record<string, unknown> | null;
  sourceType: string;
  createdAtMs: number;
  /** Never empty: phases[0] is the initial phase; resume appends. */
  phases: RunPhase[];
  forcedStatus: string | null;
  /** The API answers `status: null` (seed nullStatus) until a status is set or a resume. */
  nullStatus: boolean;
  /** Set when ban / remove-from-pr stopped the run: logs stop growing there. */
  stoppedAtMs: number | null;
  checksBanned: boolean;
  removedFromPr: boolean;
  followUps: SimFollowUp[];
  prMode: 'auto' | 'always' | 'never';
  prDetails: { state: string; merged: boolean; title?: string; headBranch?: string };
  /** Summary and result to answer instead of the generated ones, once the run is complete. */
  texts?: { summary?: string; result?: string };
}

/** Point of the initial phase (fraction of its duration) where the PR appears. */
export const PR_APPEARS_AT = 0.7;
/** Point of the initial phase where PENDING turns ACTIVE. */
export const ACTIVE_FROM = 0.1;

export function isInProgress(status: string): boolean {
  return IN_PROGRESS_STATUSES.includes(status.toUpperCase());
}

function isFailing(status: string): boolean {
  return ['FAILED', 'ERROR'].includes(status.toUpperCase());
}

export function finalStatusFromPrompt(prompt: string): string {
  const text = prompt.toLowerCase();
  if (text.includes(PROMPT_MARKERS.fail)) return 'FAILED';
  if (text.includes(PROMPT_MARKERS.pause)) return 'PAUSED';
  if (text.includes(PROMPT_MARKERS.weird)) return WEIRD_STATUS;
  return 'COMPLETE';
}

export function initialPhase(run: RunRecord): RunPhase {
  const phase = run.phases[0];
  if (!phase) throw new Error(`run ${run.id} has no phase`);
  return phase;
}

export function currentPhase(run: RunRecord): RunPhase {
  return run.phases[run.phases.length - 1] ?? initialPhase(run);
}

/** Time at fraction `fraction` of a phase, in whole ms so log timestamps are exact. */
export function phaseTime(phase: RunPhase, fraction: number): number {
  return phase.startMs + Math.floor(phase.durationMs * fraction);
}

function phaseStatus(phase: RunPhase, now: number): string {
  if (now >= phaseTime(phase, 1)) return phase.finalStatus;
  if (phase.kind === 'initial' && now < phaseTime(phase, ACTIVE_FROM)) return 'PENDING';
  return 'ACTIVE';
}

export function currentStatus(run: RunRecord, now: number): string {
  return run.forcedStatus ?? phaseStatus(currentPhase(run), now);
}

/**
 * Latest time whose log entries are visible: the stop time of a stopped run; everything when a final
 * (or paused) status was forced (a seeded finished run has all its logs); otherwise now.
 */
export function logHorizon(run: RunRecord, now: number): number {
  if (run.stoppedAtMs !== null) return run.stoppedAtMs;
  if (run.forcedStatus !== null && !isInProgress(run.forcedStatus)) return Number.POSITIVE_INFINITY;
  return now;
}

export function pullRequestOf(run: RunRecord, now: number): ApiPullRequest | null {
  if (run.prMode === 'never') return null;
  const phase = initialPhase(run);
  const appearsAt = run.prMode === 'always' ? run.createdAtMs : phaseTime(phase, PR_APPEARS_AT);
  if (run.prMode === 'auto' && (isFailing(phase.finalStatus) || logHorizon(run, now) < appearsAt)) return null;
  const number = 100 + run.id;
  return {
    id: 5000 + run.id,
    title: run.prDetails.title ?? titleFromPrompt(run.prompt),
    url: `https://github.com/${run.effectiveRepoFullName}/pull/${number}`,
    created_at: new Date(appearsAt).toISOString(),
    head_branch_name: run.prDetails.headBranch ?? `codegen/run-${run.id}`,
    state: run.prDetails.state,
    merged: run.prDetails.merged,
  };
}

export function titleFromPrompt(prompt: string): string {
  const firstLine = prompt.trim().split('\n', 1)[0] ?? '';
  return firstLine.length > 120 ? `${firstLine.slice(0, 117)}...` : firstLine;
}

export function webUrl(runId: number): string {
  return `https://codegen.com/agent/trace/${runId}`;
}

export function renderRun(run: RunRecord, now: number): ApiRun {
  const status = currentStatus(run, now);
  const pullRequest = pullRequestOf(run, now);
  const complete = status.toUpperCase() === 'COMPLETE';
  return {
    id: run.id,
    organization_id: run.organizationId,
    status: run.nullStatus ? null : status,
    created_at: new Date(run.createdAtMs).toISOString(),
    web_url: webUrl(run.id),
    result: complete ? (run.texts?.result ?? resultMarkdown(run, pullRequest)) : null,
    summary: complete ? (run.texts?.summary ?? summaryMarkdown(run, pullRequest)) : null,
    source_type: run.sourceType,
    github_pull_requests: pullRequest ? [pullRequest] : [],
    metadata: run.metadata,
  };
}

export function snapshotRun(run: RunRecord, now: number, totalLogs: number): SimRun {
  return {
    id: run.id,
    organizationId: run.organizationId,
    userId: run.userId,
    prompt: run.prompt,
    repoId: run.repoId,
    model: run.model,
    agentType: run.agentType,
    images: [...run.images],
    metadata: run.metadata === null ? null : structuredClone(run.metadata),
    sourceType: run.sourceType,
    createdAt: new Date(run.createdAtMs).toISOString(),
    status: currentStatus(run, now),
    finalStatus: currentPhase(run).finalStatus,
    forcedStatus: run.forcedStatus,
    checksBanned: run.checksBanned,
    removedFromPr: run.removedFromPr,
    stopped: run.stoppedAtMs !== null,
    followUps: run.followUps.map((followUp) => ({ ...followUp, images: [...followUp.images] })),
    pullRequest: pullRequestOf(run, now),
    totalLogs,
  };
}

function summaryMarkdown(run: RunRecord, pullRequest: ApiPullRequest | null): string {
  const lines = [`**Done.** ${titleFromPrompt(run.prompt)} in \`${run.effectiveRepoFullName}\`.`, '', '- 3 files changed, 2 tests added'];
  if (pullRequest) lines.push(`- Pull request: [#${pullRequest.url.split('/').pop()}](${pullRequest.url})`);
  if (run.followUps.length > 0) lines.push(`- Follow-ups handled: ${run.followUps.length}`);
  return lines.join('\n');
}

/** The result deliberately carries hostile markdown/HTML: renderers must neutralize every piece of it. */
function resultMarkdown(run: RunRecord, pullRequest: ApiPullRequest | null): string {
  return [
    '## Result',
    '',
    `Implemented: ${titleFromPrompt(run.prompt)}`,
    '',
    '- Updated `src/widget.ts` and its tests',
    `- See the [pull request](${pullRequest?.url ?? 'https://github.com/acme/widgets/pulls'}) and the [docs](https://docs.codegen.com/introduction)`,
    '',
    '```ts',
    'export function add(a: number, b: number): number {',
    '  return a + b;',
    '}',
    '```',
    '',
    '<script>window.__codegenPwned=1</script>',
    '<img src=x onerror="window.__codegenPwned=1">',
    '[click me](javascript:alert(1))',
    '[cmd](command:workbench.action.quit)',
    '![tracker](https://evil.example/pixel.png)',
  ].join('\n');
}

const HISTORICAL_PROMPTS = [
  'Fix the flaky date test in widgets',
  'Add pagination to the /users endpoint',
  'Upgrade eslint to v9 and fix new warnings',
  'Document the release process in docs/RELEASING.md',
  'Investigate slow startup of the API server',
  'Add dark mode to the settings page',
  'Rename `fetchAll` to `listAll` across the codebase',
  'Write a migration for the new `archived` column',
];

const HISTORICAL_STATUSES = [
  'COMPLETE', 'COMPLETE', 'COMPLETE', 'FAILED', 'PAUSED', 'STOPPED', 'ERROR', 'CANCELLED', 'TIMEOUT',
  'MAX_ITERATIONS_REACHED', 'OUT_OF_TOKENS', 'COMPLETE',
];

export interface HistoricalRunTemplate {
  userId: number;
  prompt: string;
  sourceType: string;
  createdAtMs: number;
  status: string;
  prMode: RunRecord['prMode'];
  prDetails: RunRecord['prDetails'];
}

/**
 * Older runs of org 1, oldest first, ending about an hour before `now`: varied statuses, sources,
 * users and PR states, all finished (a seeded in-progress run would never end and confuse polling tests).
 */
export function historicalRunTemplates(count: number, seed: number, now: number): HistoricalRunTemplate[] {
  const random = randomFrom(seed, 0x4157);
  const templates: HistoricalRunTemplate[] = [];
  let at = now - 60 * 60_000;
  for (let index = 0; index < count; index++) {
    const status = pick(random, HISTORICAL_STATUSES);
    const failing = isFailing(status);
    const prState = pick(random, ['merged', 'merged', 'open', 'closed']);
    templates.push({
      userId: index % 4 === 3 ? 8 : 7,
      prompt: pick(random, HISTORICAL_PROMPTS),
      sourceType: index % 3 === 0 ? 'API' : pick(random, SOURCE_TYPES),
      createdAtMs: at,
      status,
      prMode: failing || random() < 0.2 ? 'never' : 'always',
      prDetails: { state: prState === 'merged' ? 'closed' : prState, merged: prState === 'merged' },
    });
    // Spread over past days: 2 to 7 hours between runs.
    at -= Math.floor((2 + random() * 5) * 60 * 60_000);
  }
  return templates.reverse();
}
