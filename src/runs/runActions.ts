// Every call on one run that answers with the run, in one place: what the answer teaches is merged into
// the run store with one rule (runModel.mergeRunAnswer), so the tree, the status bar and every open panel
// agree. Each call goes to the organization the run belongs to (from the store), falling back to the
// configured one (a panel restored after a reload, a run not loaded).

import { CodegenApiError } from '../api/errors';
import type { AgentRun, CallOptions, CodegenApi, LogsPage, LogsQuery, PullRequestState, PullRequestStateAnswer } from '../api/types';
import { mergeRunAnswer } from './runModel';
import type { RunStore } from './runStore';

export type PrAction = 'ban' | 'unban' | 'removeFromPr';

export interface RunActionsDeps {
  api: CodegenApi;
  store: RunStore;
  /** The configured organization, for runs the store does not hold. */
  fallbackOrganization(): number | undefined;
  /** Polls the list soon (after a follow-up or a PR action): the poller gets fast again. */
  refreshSoon(): void;
}

export class RunActions {
  constructor(private readonly deps: RunActionsDeps) {}

  /** The organization of a run: its own when known. Throws when there is none. */
  organizationOf(runId: number, run?: AgentRun): number {
    const orgId = run?.organizationId ?? this.deps.store.get(runId)?.organizationId ?? this.deps.fallbackOrganization();
    if (orgId === undefined) throw new CodegenApiError('invalid', 'No Codegen organization is selected. Run "Codegen: Select organization".');
    return orgId;
  }

  /** GET the run; a run the store holds is updated with the answer. */
  async refresh(runId: number, options: CallOptions = {}): Promise<AgentRun> {
    const answer = await this.deps.api.getRun(this.organizationOf(runId), runId, options);
    return this.learn(answer, false);
  }

  logs(runId: number, query: LogsQuery, options: CallOptions = {}): Promise<LogsPage> {
    return this.deps.api.getRunLogs(this.organizationOf(runId), runId, query, options);
  }

  /** Sends a follow-up (resume). The run counts as one of this editor's from now on: its end notifies. */
  async followUp(runId: number, prompt: string, options: CallOptions = {}): Promise<AgentRun> {
    const answer = await this.deps.api.resumeRun(this.organizationOf(runId), { agentRunId: runId, prompt }, options);
    const run = this.learn(answer, true);
    this.deps.refreshSoon();
    return run;
  }

  /** Ban checks, unban checks or remove Codegen from the run's pull request. */
  async prAction(runId: number, action: PrAction, options: CallOptions = {}): Promise<void> {
    const orgId = this.organizationOf(runId);
    if (action === 'ban') await this.deps.api.banChecks(orgId, runId, options);
    else if (action === 'unban') await this.deps.api.unbanChecks(orgId, runId, options);
    else await this.deps.api.removeFromPr(orgId, runId, options);
    this.deps.refreshSoon();
  }

  /**
   * Sets the state of one of the run's pull requests (ready for review, draft, closed): one PATCH, then the
   * held run shows the answer's state. Resolves with the service's answer (success may be false, with a reason).
   */
  async setPullRequestState(runId: number, prId: number, state: PullRequestState, options: CallOptions = {}): Promise<PullRequestStateAnswer> {
    const answer = await this.deps.api.setPullRequestState(this.organizationOf(runId), prId, state, options);
    const held = this.deps.store.get(runId);
    if (answer.success && held) {
      const shown = answer.state ?? (state === 'ready_for_review' ? 'open' : state);
      const pullRequests = held.pullRequests.map((pr) => (pr.id === prId ? { ...pr, state: shown } : pr));
      this.deps.store.upsert({ ...held, pullRequests });
    }
    this.deps.refreshSoon();
    return answer;
  }

  /** Merges a run from a direct answer into the store (when held, or when it is this editor's). */
  learn(answer: AgentRun, createdHere: boolean): AgentRun {
    const held = this.deps.store.get(answer.id);
    const merged = mergeRunAnswer(held, answer);
    if (held || createdHere) this.deps.store.upsert(merged, { createdHere });
    return merged;
  }
}
