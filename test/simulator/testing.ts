// Helpers for tests that talk to the simulator over real HTTP with Node's global fetch.

import { SIM } from './fixtures';

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body (undefined when the body is empty or not JSON). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON
  json: any;
}

export interface CallOptions {
  /** Bearer token; default SIM.token; null sends no Authorization header. */
  token?: string | null;
  /** Serialized as JSON. */
  body?: unknown;
  /** Sent as-is (for malformed-JSON tests). */
  rawBody?: string;
  signal?: AbortSignal;
}

export async function call(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? SIM.token : options.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }), ...(options.signal ? { signal: options.signal } : {}) });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Path helpers for org-scoped endpoints. */
export const paths = {
  create: (orgId: number = SIM.orgId) => `/v1/organizations/${orgId}/agent/run`,
  run: (runId: number, orgId: number = SIM.orgId) => `/v1/organizations/${orgId}/agent/run/${runId}`,
  runs: (orgId: number = SIM.orgId, query = '') => `/v1/organizations/${orgId}/agent/runs${query}`,
  resume: (orgId: number = SIM.orgId) => `/v1/organizations/${orgId}/agent/run/resume`,
  ban: (orgId: number = SIM.orgId) => `/v1/organizations/${orgId}/agent/run/ban`,
  unban: (orgId: number = SIM.orgId) => `/v1/organizations/${orgId}/agent/run/unban`,
  removeFromPr: (orgId: number = SIM.orgId) => `/v1/organizations/${orgId}/agent/run/remove-from-pr`,
  logs: (runId: number, query = '', orgId: number = SIM.orgId) => `/v1/alpha/organizations/${orgId}/agent/run/${runId}/logs${query}`,
  repos: (orgId: number = SIM.orgId, query = '') => `/v1/organizations/${orgId}/repos${query}`,
  pullRequest: (prId: number, orgId: number = SIM.orgId) => `/v1/organizations/${orgId}/prs/${prId}`,
  repoPullRequest: (repoId: number, prId: number, orgId: number = SIM.orgId) => `/v1/organizations/${orgId}/repos/${repoId}/prs/${prId}`,
};
