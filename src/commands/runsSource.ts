// What the chat participant and the tools (work bundle) need of the runs the main bundle follows.
import type { AgentRun } from '../api/types';
import type { Disposable } from '../util/events';

export interface AgentRunsSource {
  /** The runs the Runs view knows, newest first. */
  runs(): readonly AgentRun[];
  get(runId: number): AgentRun | undefined;
  onDidChange(listener: () => void): Disposable;
  /** GET one run (a run the store does not hold yet). */
  refresh(runId: number): Promise<AgentRun>;
  /** Sends a follow-up (resume). */
  followUp(runId: number, prompt: string): Promise<AgentRun>;
  /** Polls the list soon. */
  refreshSoon(): void;
  /** The command that opens a pull request link (https checked). */
  openPullRequestCommand: string;
}
