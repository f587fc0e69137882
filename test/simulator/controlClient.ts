// A typed client of the /_sim control API, for tests that drive a simulator running in another process
// (end-to-end tests against the CLI, in-host tests given only its URL).

import type { RepoInput } from './fixtures';
import type { SimCommitInput, SimGitInfo } from './git';
import type { ApiRepository, ApiRun, FaultSpec, RecordedRequest, SimRun, SimRunSeed, SimulatorConfig } from './types';

export interface ControlRequestFilter {
  method?: string;
  /** Regex source tested against the path. */
  path?: string;
  rateClass?: string;
  status?: number;
}

export class SimulatorControlClient {
  constructor(private readonly baseUrl: string) {}

  async requests(filter: ControlRequestFilter = {}): Promise<RecordedRequest[]> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(filter)) if (value !== undefined) query.set(name, String(value));
    const answer = await this.call<{ count: number; requests: RecordedRequest[] }>('GET', `/_sim/requests?${query.toString()}`);
    return answer.requests;
  }

  async countRequests(filter: ControlRequestFilter = {}): Promise<number> {
    return (await this.requests(filter)).length;
  }

  async clearRequests(): Promise<void> {
    await this.call('DELETE', '/_sim/requests');
  }

  async injectFault(fault: FaultSpec): Promise<void> {
    await this.call('POST', '/_sim/faults', fault);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/_sim/faults');
  }

  configure(partial: Partial<SimulatorConfig>): Promise<SimulatorConfig> {
    return this.call('POST', '/_sim/config', partial);
  }

  /** Creates a run directly; answers the API's run JSON. */
  addRun(seed: Partial<SimRunSeed> = {}): Promise<ApiRun> {
    return this.call('POST', '/_sim/runs', seed);
  }

  getRun(id: number): Promise<SimRun> {
    return this.call('GET', `/_sim/runs/${id}`);
  }

  setRunStatus(id: number, status: string): Promise<ApiRun> {
    return this.call('POST', `/_sim/runs/${id}/status`, { status });
  }

  async setOrganizationRepos(orgId: number, repos: RepoInput[]): Promise<ApiRepository[]> {
    return (await this.call<{ items: ApiRepository[] }>('POST', `/_sim/orgs/${orgId}/repos`, repos)).items;
  }

  /** Needs a simulator started with gitRoot. */
  gitInfo(runId: number): Promise<SimGitInfo> {
    return this.call('GET', `/_sim/runs/${runId}/git`);
  }

  /** Deletes the run's PR branch ("deleted after merge"); answers the git info after. */
  deleteRunBranch(runId: number): Promise<SimGitInfo> {
    return this.call('DELETE', `/_sim/runs/${runId}/git/branch`);
  }

  /** Pushes one more commit to the run's PR branch; answers the git info after. */
  pushRunCommit(runId: number, input: SimCommitInput = {}): Promise<SimGitInfo> {
    return this.call('POST', `/_sim/runs/${runId}/git/commits`, input);
  }

  /** The agent force-pushes the run's PR branch (rewritten on its base); answers the git info after. */
  forcePushRunBranch(runId: number): Promise<SimGitInfo> {
    return this.call('POST', `/_sim/runs/${runId}/git/force-push`);
  }

  async reset(): Promise<void> {
    await this.call('POST', '/_sim/reset');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`simulator control ${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }
}
