// The /_sim control API: the module's methods over HTTP, for other processes (end-to-end tests, the
// extension host). No auth: the server only listens on 127.0.0.1 and refuses other peers.

import { RawBody, validateFault, type SimResponse } from './faults';
import type { RepoInput } from './fixtures';
import type { SimCommitInput, SimGitInfo } from './git';
import type { ParsedBody } from './http';
import type { ApiRepository, ApiRun, FaultSpec, RecordedRequest, SimRun, SimRunSeed, SimulatorConfig } from './types';

/** What the control API needs from the simulator (kept narrow so this file does not import the class). */
export interface ControlTarget {
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  configure(partial: Partial<SimulatorConfig>): void;
  currentConfig(): SimulatorConfig;
  addRunJson(seed: Partial<SimRunSeed>): ApiRun;
  getRun(id: number): SimRun | undefined;
  setRunStatusJson(id: number, status: string): ApiRun | undefined;
  setOrganizationRepos(orgId: number, repos: RepoInput[]): void;
  reposOf(orgId: number): ApiRepository[];
  reset(): void;
  /** True when the simulator was started with gitRoot. */
  readonly gitEnabled: boolean;
  gitInfo(runId: number): SimGitInfo | undefined;
  deleteRunBranch(runId: number): boolean;
  pushRunCommit(runId: number, input: SimCommitInput): boolean;
  forcePushRunBranch(runId: number): boolean;
}

export interface ControlRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: ParsedBody;
}

/** Clearing requests are not recorded afterwards: the log they empty must stay empty. */
export function clearsRecording(method: string, path: string): boolean {
  return (method === 'DELETE' && path === '/_sim/requests') || (method === 'POST' && path === '/_sim/reset');
}

const ok = (body: unknown = { ok: true }): SimResponse => ({ status: 200, body });
const badRequest = (error: string): SimResponse => ({ status: 400, body: { error } });
const notFound = (error = 'Not Found'): SimResponse => ({ status: 404, body: { error } });
const conflict = (error: string): SimResponse => ({ status: 409, body: { error } });

function jsonBody(body: ParsedBody): unknown {
  if (body.kind === 'invalid') throw new ControlInputError('the body is not valid JSON');
  return body.kind === 'json' ? body.value : {};
}

function objectBody(body: ParsedBody): Record<string, unknown> {
  const value = jsonBody(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ControlInputError('the body must be a JSON object');
  return value as Record<string, unknown>;
}

class ControlInputError extends Error {}

export function handleControl(target: ControlTarget, request: ControlRequest): SimResponse {
  try {
    return route(target, request);
  } catch (error) {
    // Bad control input is a test bug: say exactly what was wrong.
    return badRequest(error instanceof Error ? error.message : String(error));
  }
}

function route(target: ControlTarget, { method, path, query, body }: ControlRequest): SimResponse {
  const runMatch = /^\/_sim\/runs\/(\d+)(\/status)?$/.exec(path);
  const reposMatch = /^\/_sim\/orgs\/(\d+)\/repos$/.exec(path);
  const avatarMatch = /^\/_sim\/avatar\/(\d+)\.svg$/.exec(path);
  const gitMatch = /^\/_sim\/runs\/(\d+)\/git(\/branch|\/commits|\/force-push)?$/.exec(path);
  if (gitMatch) return routeGit(target, method, Number(gitMatch[1]), gitMatch[2] ?? '', body);
  const key = `${method} ${runMatch ? (runMatch[2] ? '/_sim/runs/:id/status' : '/_sim/runs/:id') : reposMatch ? '/_sim/orgs/:id/repos' : avatarMatch ? '/_sim/avatar' : path}`;
  switch (key) {
    case 'GET /_sim/requests': {
      const requests = target.requests.filter((recorded) => matchesQuery(recorded, query));
      return ok({ count: requests.length, requests });
    }
    case 'DELETE /_sim/requests':
      target.clearRequests();
      return ok();
    case 'POST /_sim/faults':
      target.injectFault(validateFault(jsonBody(body)));
      return ok();
    case 'DELETE /_sim/faults':
      target.clearFaults();
      return ok();
    case 'GET /_sim/config':
      return ok(target.currentConfig());
    case 'POST /_sim/config':
      target.configure(objectBody(body));
      return ok(target.currentConfig());
    case 'POST /_sim/runs':
      return ok(target.addRunJson(objectBody(body)));
    case 'GET /_sim/runs/:id': {
      const run = target.getRun(Number(runMatch?.[1]));
      return run ? ok(run) : notFound(`no run ${runMatch?.[1]}`);
    }
    case 'POST /_sim/runs/:id/status': {
      const status = objectBody(body).status;
      if (typeof status !== 'string' || status === '') return badRequest('body must be {"status": "<any non-empty string>"}');
      const run = target.setRunStatusJson(Number(runMatch?.[1]), status);
      return run ? ok(run) : notFound(`no run ${runMatch?.[1]}`);
    }
    case 'POST /_sim/reset':
      target.reset();
      return ok();
    case 'POST /_sim/orgs/:id/repos': {
      const value = jsonBody(body);
      const repos = Array.isArray(value) ? value : (value as { repos?: unknown }).repos;
      if (!Array.isArray(repos) || !repos.every(isRepoInput)) return badRequest('body must be an array (or {"repos": [...]}) of {id, name, full_name}');
      const orgId = Number(reposMatch?.[1]);
      target.setOrganizationRepos(orgId, repos);
      return ok({ items: target.reposOf(orgId) });
    }
    case 'GET /_sim/avatar':
      return { status: 200, body: new RawBody(avatarSvg(Number(avatarMatch?.[1])), 'image/svg+xml') };
    default:
      return notFound(`no control endpoint ${method} ${path}`);
  }
}

/** `GET /_sim/runs/:id/git`, `DELETE /_sim/runs/:id/git/branch`, `POST /_sim/runs/:id/git/commits`, `POST /_sim/runs/:id/git/force-push`. */
function routeGit(target: ControlTarget, method: string, runId: number, tail: string, body: ParsedBody): SimResponse {
  const key = `${method} ${tail}`;
  if (key !== 'GET ' && key !== 'DELETE /branch' && key !== 'POST /commits' && key !== 'POST /force-push') return notFound(`no control endpoint ${method} /_sim/runs/${runId}/git${tail}`);
  if (!target.gitEnabled) return notFound('the simulator runs without a git root (option gitRoot, CLI --git-root DIR)');
  if (!target.getRun(runId)) return notFound(`no run ${runId}`);
  if (key === 'DELETE /branch' && !target.deleteRunBranch(runId)) {
    return conflict(`run ${runId} has no branch to delete: its PR has not appeared yet, or the branch was deleted already`);
  }
  if (key === 'POST /commits' && !target.pushRunCommit(runId, commitInput(body))) {
    return conflict(`run ${runId} has no branch to commit to: its PR has not appeared yet, or the branch was deleted`);
  }
  if (key === 'POST /force-push' && !target.forcePushRunBranch(runId)) {
    return conflict(`run ${runId} has no branch to rewrite: its PR has not appeared yet, or the branch was deleted`);
  }
  const info = target.gitInfo(runId);
  return info ? ok(info) : notFound(`run ${runId} works in a repository whose name cannot be a bare repository folder`);
}

function commitInput(body: ParsedBody): SimCommitInput {
  const fields = objectBody(body);
  const input: SimCommitInput = {};
  if (fields.message !== undefined) {
    if (typeof fields.message !== 'string' || fields.message.trim() === '') throw new ControlInputError('message must be a non-empty string');
    input.message = fields.message;
  }
  if (fields.files !== undefined) {
    const files = fields.files as Record<string, unknown> | null;
    if (typeof files !== 'object' || files === null || Array.isArray(files) || Object.keys(files).length === 0) {
      throw new ControlInputError('files must be a non-empty object of path: content (or null to delete)');
    }
    for (const [file, content] of Object.entries(files)) {
      if (content !== null && typeof content !== 'string') throw new ControlInputError(`files[${JSON.stringify(file)}] must be a string or null`);
    }
    input.files = files as Record<string, string | null>;
  }
  return input;
}

function isRepoInput(value: unknown): value is RepoInput {
  const repo = value as Partial<RepoInput> | null;
  return typeof repo === 'object' && repo !== null && Number.isInteger(repo.id) && typeof repo.name === 'string' && typeof repo.full_name === 'string';
}

/** Filters of GET /_sim/requests: method, path (regex source), rateClass, status. */
function matchesQuery(recorded: RecordedRequest, query: Record<string, string>): boolean {
  if (query.method !== undefined && recorded.method !== query.method.toUpperCase()) return false;
  if (query.path !== undefined && !new RegExp(query.path).test(recorded.path)) return false;
  if (query.rateClass !== undefined && recorded.rateClass !== query.rateClass) return false;
  if (query.status !== undefined && recorded.status !== Number(query.status)) return false;
  return true;
}

function avatarSvg(userId: number): string {
  const hue = (userId * 47) % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" rx="32" fill="hsl(${hue},60%,50%)"/><text x="32" y="40" font-size="24" text-anchor="middle" fill="#fff" font-family="sans-serif">${userId}</text></svg>`;
}
