// The Codegen API endpoints of /work/shared/codegen-api.md: matching, validation and handlers.

import type { SimResponse } from './faults';
import {
  NO_REPOSITORIES_MESSAGE,
  NOT_A_MEMBER_MESSAGE,
  ORGANIZATIONS,
  ORGANIZATION_NOT_FOUND_MESSAGE,
  RUN_IN_PROGRESS_STATUS,
  type SimAccount,
} from './fixtures';
import {
  detailError,
  pageMeta,
  pageOf,
  parseListRunsQuery,
  parseLogsQuery,
  parsePageQuery,
  validationError,
  type ParsedBody,
  type ValidationIssue,
} from './http';
import { logEntries, visibleLogCount } from './logs';
import type { LimitedClass } from './rateLimits';
import { isInProgress, type RunRecord } from './runs';
import type { SimState } from './state';
import type { ApiOrganization, SimAgentType } from './types';

export interface ApiContext {
  state: SimState;
  account: SimAccount;
  /** Numeric path parameters in order: org id, then run id. */
  ids: number[];
  query: Record<string, string>;
  body: ParsedBody;
  /** The simulator's own origin, for URLs it serves itself (avatars). */
  baseUrl: string;
}

interface ApiRoute {
  method: 'GET' | 'POST' | 'PATCH';
  pattern: RegExp;
  rateClass: LimitedClass;
  handle(context: ApiContext): SimResponse;
}

const ORG = String.raw`\/v1\/organizations\/(\d+)`;

const ROUTES: readonly ApiRoute[] = [
  { method: 'GET', pattern: /^\/v1\/users\/me$/, rateClass: 'standard', handle: getCurrentUser },
  { method: 'GET', pattern: /^\/v1\/organizations$/, rateClass: 'standard', handle: listOrganizations },
  { method: 'GET', pattern: new RegExp(`^${ORG}\\/repos$`), rateClass: 'standard', handle: listRepositories },
  { method: 'POST', pattern: new RegExp(`^${ORG}\\/agent\\/run$`), rateClass: 'create', handle: createRun },
  { method: 'POST', pattern: new RegExp(`^${ORG}\\/agent\\/run\\/resume$`), rateClass: 'standard', handle: resumeRun },
  { method: 'POST', pattern: new RegExp(`^${ORG}\\/agent\\/run\\/ban$`), rateClass: 'standard', handle: (context) => prAction(context, 'ban') },
  { method: 'POST', pattern: new RegExp(`^${ORG}\\/agent\\/run\\/unban$`), rateClass: 'standard', handle: (context) => prAction(context, 'unban') },
  { method: 'POST', pattern: new RegExp(`^${ORG}\\/agent\\/run\\/remove-from-pr$`), rateClass: 'standard', handle: (context) => prAction(context, 'remove') },
  { method: 'GET', pattern: new RegExp(`^${ORG}\\/agent\\/run\\/(\\d+)$`), rateClass: 'standard', handle: getRun },
  { method: 'GET', pattern: new RegExp(`^${ORG}\\/agent\\/runs$`), rateClass: 'standard', handle: listRuns },
  { method: 'GET', pattern: /^\/v1\/alpha\/organizations\/(\d+)\/agent\/run\/(\d+)\/logs$/, rateClass: 'logs', handle: getLogs },
  { method: 'PATCH', pattern: new RegExp(`^${ORG}\\/prs\\/(\\d+)$`), rateClass: 'prs', handle: (context) => setPullRequestState(context, undefined, context.ids[1]) },
  {
    method: 'PATCH',
    pattern: new RegExp(`^${ORG}\\/repos\\/(\\d+)\\/prs\\/(\\d+)$`),
    rateClass: 'prs',
    handle: (context) => setPullRequestState(context, context.ids[1], context.ids[2]),
  },
];

export type RouteMatch =
  | { kind: 'found'; route: ApiRoute; ids: number[] }
  | { kind: 'methodNotAllowed'; allowed: string[] }
  | { kind: 'notFound' };

export function matchApiRoute(method: string, path: string): RouteMatch {
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    if (route.method === method) return { kind: 'found', route, ids: match.slice(1).map(Number) };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { kind: 'methodNotAllowed', allowed } : { kind: 'notFound' };
}

// ---- handlers ----

function getCurrentUser({ account, baseUrl }: ApiContext): SimResponse {
  return { status: 200, body: { ...account.user, avatar_url: `${baseUrl}/_sim/avatar/${account.user.id}.svg` } };
}

function listOrganizations({ account, query }: ApiContext): SimResponse {
  const organizations = ORGANIZATIONS.filter((org) => account.orgIds.includes(org.id));
  return { status: 200, body: pageOf(organizations, parsePageQuery(query)) };
}

function listRepositories(context: ApiContext): SimResponse {
  const org = requireOrganization(context);
  return { status: 200, body: pageOf(context.state.reposOf(org.id), parsePageQuery(context.query)) };
}

function createRun(context: ApiContext): SimResponse {
  const org = requireOrganization(context);
  const input = validateCreateBody(context.body);
  const repos = context.state.reposOf(org.id);
  if (repos.length === 0) throw detailError(404, NO_REPOSITORIES_MESSAGE);
  if (input.repoId !== null && !repos.some((repo) => repo.id === input.repoId)) {
    throw detailError(404, `Repository ${input.repoId} not found in organization ${org.id}`);
  }
  const run = context.state.addRun({ ...input, organizationId: org.id, userId: context.account.user.id, sourceType: 'API' });
  return { status: 200, body: context.state.render(run), payload: 'run' };
}

function getRun(context: ApiContext): SimResponse {
  const run = requireRun(context, context.ids[1]);
  return { status: 200, body: context.state.render(run), payload: 'run' };
}

function listRuns(context: ApiContext): SimResponse {
  const org = requireOrganization(context);
  const params = parseListRunsQuery(context.query);
  const runs = context.state
    .runsOf(org.id)
    .filter((run) => params.userId === undefined || run.userId === params.userId)
    .filter((run) => params.sourceType === undefined || run.sourceType === params.sourceType);
  const page = pageOf(runs, params);
  return { status: 200, body: { ...page, items: page.items.map((run) => context.state.render(run)) }, payload: 'runPage' };
}

function resumeRun(context: ApiContext): SimResponse {
  requireOrganization(context);
  const fields = bodyObject(context.body);
  const issues: ValidationIssue[] = [];
  const runId = requiredInteger(fields, 'agent_run_id', issues);
  const prompt = requiredPrompt(fields, issues);
  const images = optionalImages(fields, issues);
  if (issues.length > 0 || runId === undefined || prompt === undefined) throw validationError(issues);
  const run = requireRun(context, runId);
  const status = context.state.status(run);
  if (isInProgress(status)) {
    throw detailError(RUN_IN_PROGRESS_STATUS, `Agent run ${run.id} is still in progress (status ${status}); resume it once it is paused or finished.`);
  }
  context.state.resume(run, prompt, images ?? []);
  return { status: 200, body: context.state.render(run), payload: 'run' };
}

function prAction(context: ApiContext, action: 'ban' | 'unban' | 'remove'): SimResponse {
  requireOrganization(context);
  const fields = bodyObject(context.body);
  const issues: ValidationIssue[] = [];
  const runId = requiredInteger(fields, 'agent_run_id', issues);
  if (issues.length > 0 || runId === undefined) throw validationError(issues);
  const run = requireRun(context, runId);
  if (!context.state.hasPullRequest(run)) {
    throw detailError(404, `Agent run ${run.id} has no pull request: ban, unban and remove-from-pr act on the run's pull request.`);
  }
  if (action === 'ban') {
    run.checksBanned = true;
    context.state.stopIfInProgress(run);
    return { status: 200, body: { message: `Checks banned for the pull request of agent run ${run.id}; its agents were stopped.` } };
  }
  if (action === 'unban') {
    run.checksBanned = false;
    return { status: 200, body: { message: `Checks unbanned for the pull request of agent run ${run.id}.` } };
  }
  run.removedFromPr = true;
  context.state.stopIfInProgress(run);
  return { status: 200, body: { message: `Codegen removed from the pull request of agent run ${run.id}; its agents were stopped.` } };
}

/** The states PATCH .../prs/{pr_id} accepts. */
export const PULL_REQUEST_STATES = ['open', 'closed', 'draft', 'ready_for_review'] as const;

/**
 * PATCH .../prs/{pr_id}: `{state}` open / closed / draft / ready_for_review. The run JSON's PR `state` becomes
 * open, closed or draft (ready_for_review: open). A merged PR, or draft / ready_for_review of a closed one,
 * answers 200 with success false and an error, as the answer's shape suggests.
 */
function setPullRequestState(context: ApiContext, repoId: number | undefined, prId: number | undefined): SimResponse {
  const org = requireOrganization(context);
  const requested = bodyObject(context.body).state;
  if (typeof requested !== 'string' || !(PULL_REQUEST_STATES as readonly string[]).includes(requested)) {
    const issue = requested === undefined || requested === null
      ? { loc: ['body', 'state'], msg: 'Field required', type: 'missing' }
      : { loc: ['body', 'state'], msg: "Input should be 'open', 'closed', 'draft' or 'ready_for_review'", type: 'enum' };
    throw validationError([issue]);
  }
  let repoFullName: string | undefined;
  if (repoId !== undefined) {
    repoFullName = context.state.reposOf(org.id).find((repo) => repo.id === repoId)?.full_name;
    if (repoFullName === undefined) throw detailError(404, `Repository ${repoId} not found in organization ${org.id}`);
  }
  const found = context.state
    .runsOf(org.id)
    .map((run) => ({ run, pullRequest: context.state.pullRequest(run) }))
    .find(({ run, pullRequest }) => pullRequest?.id === prId && (repoFullName === undefined || run.effectiveRepoFullName === repoFullName));
  if (!found?.pullRequest) throw detailError(404, `Pull request ${prId} not found`);
  const { run, pullRequest } = found;
  const number = Number(pullRequest.url.split('/').pop());
  const answer = (success: boolean, error: string | null): SimResponse => ({
    status: 200,
    body: { success, url: pullRequest.url, number, title: pullRequest.title, state: run.prDetails.state, error },
  });
  if (run.prDetails.merged) return answer(false, `Pull request #${number} is merged: its state cannot change.`);
  if (run.prDetails.state === 'closed' && (requested === 'draft' || requested === 'ready_for_review')) {
    return answer(false, `Pull request #${number} is closed: reopen it first.`);
  }
  run.prDetails.state = requested === 'ready_for_review' ? 'open' : requested;
  return answer(true, null);
}

function getLogs(context: ApiContext): SimResponse {
  const run = requireRun(context, context.ids[1]);
  const params = parseLogsQuery(context.query);
  const total = visibleLogCount(run, context.state.now());
  const from = params.reverse ? Math.max(0, total - params.skip - params.limit) : Math.min(total, params.skip);
  const to = params.reverse ? Math.max(0, total - params.skip) : Math.min(total, params.skip + params.limit);
  const logs = logEntries(run, context.state.seed, from, to);
  if (params.reverse) logs.reverse();
  const meta = pageMeta(total, params);
  return {
    status: 200,
    body: { ...context.state.render(run), logs, total_logs: total, page: meta.page, size: meta.size, pages: meta.pages },
    payload: 'logs',
  };
}

// ---- lookups and body validation ----

function requireOrganization({ account, ids }: ApiContext): ApiOrganization {
  const org = ORGANIZATIONS.find((candidate) => candidate.id === ids[0]);
  if (!org) throw detailError(404, ORGANIZATION_NOT_FOUND_MESSAGE);
  if (!account.orgIds.includes(org.id)) throw detailError(403, NOT_A_MEMBER_MESSAGE);
  return org;
}

function requireRun(context: ApiContext, runId: number | undefined): RunRecord {
  const org = requireOrganization(context);
  const run = runId === undefined ? undefined : context.state.run(runId);
  if (!run || run.organizationId !== org.id) throw detailError(404, `Agent run ${runId} not found`);
  return run;
}

function bodyObject(body: ParsedBody): Record<string, unknown> {
  if (body.kind === 'invalid') throw validationError([{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }]);
  if (body.kind === 'none') throw validationError([{ loc: ['body'], msg: 'Field required', type: 'missing' }]);
  if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) {
    throw validationError([{ loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', type: 'model_attributes_type' }]);
  }
  return body.value as Record<string, unknown>;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function requiredPrompt(fields: Record<string, unknown>, issues: ValidationIssue[]): string | undefined {
  const prompt = fields.prompt;
  if (!isPresent(prompt)) issues.push({ loc: ['body', 'prompt'], msg: 'Field required', type: 'missing' });
  else if (typeof prompt !== 'string') issues.push({ loc: ['body', 'prompt'], msg: 'Input should be a valid string', type: 'string_type' });
  else if (prompt.trim() === '') issues.push({ loc: ['body', 'prompt'], msg: 'String should have at least 1 character', type: 'string_too_short' });
  else return prompt;
  return undefined;
}

function requiredInteger(fields: Record<string, unknown>, name: string, issues: ValidationIssue[]): number | undefined {
  const value = fields[name];
  if (!isPresent(value)) issues.push({ loc: ['body', name], msg: 'Field required', type: 'missing' });
  else if (typeof value !== 'number' || !Number.isInteger(value)) issues.push({ loc: ['body', name], msg: 'Input should be a valid integer', type: 'int_type' });
  else return value;
  return undefined;
}

function optionalImages(fields: Record<string, unknown>, issues: ValidationIssue[]): string[] | undefined {
  const images = fields.images;
  if (!isPresent(images)) return undefined;
  if (!Array.isArray(images)) {
    issues.push({ loc: ['body', 'images'], msg: 'Input should be a valid list', type: 'list_type' });
    return undefined;
  }
  images.forEach((image: unknown, index) => {
    if (typeof image !== 'string' || !image.startsWith('data:')) {
      issues.push({ loc: ['body', 'images', index], msg: 'Value error, images must be data: URIs', type: 'value_error' });
    }
  });
  return images as string[];
}

interface CreateInput {
  prompt: string;
  repoId: number | null;
  model: string | null;
  agentType: SimAgentType;
  images: string[];
  metadata: Record<string, unknown> | null;
}

function validateCreateBody(body: ParsedBody): CreateInput {
  const fields = bodyObject(body);
  const issues: ValidationIssue[] = [];
  const prompt = requiredPrompt(fields, issues);
  const repoId = fields.repo_id;
  if (isPresent(repoId) && (typeof repoId !== 'number' || !Number.isInteger(repoId))) {
    issues.push({ loc: ['body', 'repo_id'], msg: 'Input should be a valid integer', type: 'int_type' });
  }
  const model = fields.model;
  if (isPresent(model) && typeof model !== 'string') issues.push({ loc: ['body', 'model'], msg: 'Input should be a valid string', type: 'string_type' });
  const agentType = fields.agent_type;
  if (isPresent(agentType) && agentType !== 'codegen' && agentType !== 'claude_code') {
    issues.push({ loc: ['body', 'agent_type'], msg: "Input should be 'codegen' or 'claude_code'", type: 'enum' });
  }
  const images = optionalImages(fields, issues);
  const metadata = fields.metadata;
  if (isPresent(metadata) && (typeof metadata !== 'object' || Array.isArray(metadata))) {
    issues.push({ loc: ['body', 'metadata'], msg: 'Input should be a valid dictionary', type: 'dict_type' });
  }
  if (issues.length > 0 || prompt === undefined) throw validationError(issues);
  return {
    prompt,
    repoId: isPresent(repoId) ? (repoId as number) : null,
    model: isPresent(model) ? (model as string) : null,
    agentType: isPresent(agentType) ? (agentType as SimAgentType) : 'codegen',
    images: images ?? [],
    metadata: isPresent(metadata) ? structuredClone(metadata as Record<string, unknown>) : null,
  };
}
