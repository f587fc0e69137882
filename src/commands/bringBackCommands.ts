// The commands that bring a run's pull request into the editor and act on it: Review changes, Check out,
// Apply to my working tree, Switch back, Open with GitHub Pull Requests, and the pull request's state:
// registered here, done by RunChangesCommands (git) and the PR commands.
import * as vscode from 'vscode';
import type { PullRequestState } from '../api/types';
import { Commands } from '../ids';

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

export function registerBringBackCommands(work: BringBackWork, prs: PrWork): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.reviewChanges, (argument: unknown) => work.review(argument)),
    vscode.commands.registerCommand(Commands.checkoutChanges, (argument: unknown) => work.checkout(argument)),
    vscode.commands.registerCommand(Commands.applyChanges, (argument: unknown) => work.apply(argument)),
    vscode.commands.registerCommand(Commands.switchBack, (argument: unknown) => work.switchBack(argument)),
    vscode.commands.registerCommand(Commands.openWithGitHubPullRequests, (argument: unknown) => prs.openWithGitHubPullRequests(argument)),
    vscode.commands.registerCommand(Commands.markReadyForReview, (argument: unknown) => prs.setState('ready_for_review', argument)),
    vscode.commands.registerCommand(Commands.convertToDraft, (argument: unknown) => prs.setState('draft', argument)),
    vscode.commands.registerCommand(Commands.closePullRequest, (argument: unknown) => prs.setState('closed', argument)),
  ];
}
