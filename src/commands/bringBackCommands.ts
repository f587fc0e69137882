// The commands that bring a run's pull request into the editor and act on it: Review changes, Check out,
// Apply to my working tree, Switch back, Open with GitHub Pull Requests, and the pull request's state. The
// work bundle does the work (git, dialogs); this registers them and resolves which run and PR are meant.
import * as vscode from 'vscode';
import type { AgentRun, PullRequest, PullRequestState } from '../api/types';
import { pullRequestToBringBack } from '../runs/runModel';
import { Commands } from '../ids';
import { pullRequestFromArgument, runFromArgument } from '../runs/runNodes';
import type { RunStore } from '../runs/runStore';

export interface PrWork {
  setState(state: Exclude<PullRequestState, 'open'>, argument: unknown): Promise<boolean>;
  openWithGitHubPullRequests(argument: unknown): Promise<boolean>;
}

export interface BringBackWork {
  review(argument: unknown): Promise<string | undefined>;
  checkout(argument: unknown): Promise<string | undefined>;
  apply(argument: unknown): Promise<string | undefined>;
  switchBack(argument?: unknown): Promise<string | undefined>;
}

/** The run and pull request an argument names: a PR node's, else the run's first PR with changes to bring back, else its first. */
export function resolvePullRequest(store: RunStore, argument: unknown): { run: AgentRun; pr: PullRequest } | undefined {
  const run = runFromArgument(store, argument);
  if (!run) return undefined;
  const fromNode = argument && typeof argument === 'object' && (argument as { kind?: unknown }).kind === 'pr' ? pullRequestFromArgument(argument, run) : undefined;
  const pr = fromNode ?? pullRequestToBringBack(run) ?? run.pullRequests[0];
  return pr ? { run, pr } : undefined;
}

export function registerBringBackCommands(deps: { work: () => BringBackWork; prs: () => PrWork }): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.reviewChanges, (argument: unknown) => deps.work().review(argument)),
    vscode.commands.registerCommand(Commands.checkoutChanges, (argument: unknown) => deps.work().checkout(argument)),
    vscode.commands.registerCommand(Commands.applyChanges, (argument: unknown) => deps.work().apply(argument)),
    vscode.commands.registerCommand(Commands.switchBack, (argument: unknown) => deps.work().switchBack(argument)),
    vscode.commands.registerCommand(Commands.openWithGitHubPullRequests, (argument: unknown) => deps.prs().openWithGitHubPullRequests(argument)),
    vscode.commands.registerCommand(Commands.markReadyForReview, (argument: unknown) => deps.prs().setState('ready_for_review', argument)),
    vscode.commands.registerCommand(Commands.convertToDraft, (argument: unknown) => deps.prs().setState('draft', argument)),
    vscode.commands.registerCommand(Commands.closePullRequest, (argument: unknown) => deps.prs().setState('closed', argument)),
  ];
}
