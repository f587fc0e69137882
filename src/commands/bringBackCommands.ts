// The commands that bring a run's pull request into the editor and act on it: Review changes, Check out,
// Apply to my working tree, Switch back, Open with GitHub Pull Requests, and the pull request's state:
// registered here, done by RunChangesCommands (git) and the PR commands. The git ones go through the one door
// (throughBringBackDoor): refused until the workspace is trusted, every failure explained, whichever way in.
import * as vscode from 'vscode';
import type { PullRequestState } from '../api/types';
import { BuiltInCommands, Commands } from '../ids';
import type { Interaction } from '../ui/interaction';
import type { Log } from '../util/log';
import { throughBringBackDoor, type BringBackDoorDeps } from './bringBackErrors';

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

/** The door as the editor opens it: the workspace's trust, its Manage Workspace Trust, translated buttons. */
export function editorBringBackDoor(interaction: Interaction, log: Log, refreshGitView: () => Promise<void>): BringBackDoorDeps {
  return {
    isTrusted: () => vscode.workspace.isTrusted,
    interaction,
    log,
    refreshGitView,
    manageTrust: () => vscode.commands.executeCommand(BuiltInCommands.manageWorkspaceTrust),
    labels: { manageTrust: vscode.l10n.t('Manage Workspace Trust'), showLog: vscode.l10n.t('Show log') },
  };
}

export function registerBringBackCommands(work: BringBackWork, prs: PrWork, door: BringBackDoorDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.reviewChanges, throughBringBackDoor(door, 'Review changes', (argument: unknown) => work.review(argument))),
    vscode.commands.registerCommand(Commands.checkoutChanges, throughBringBackDoor(door, 'Check out', (argument: unknown) => work.checkout(argument))),
    vscode.commands.registerCommand(Commands.applyChanges, throughBringBackDoor(door, 'Apply', (argument: unknown) => work.apply(argument))),
    vscode.commands.registerCommand(Commands.switchBack, throughBringBackDoor(door, 'Switch back', (argument: unknown) => work.switchBack(argument))),
    vscode.commands.registerCommand(Commands.openWithGitHubPullRequests, (argument: unknown) => prs.openWithGitHubPullRequests(argument)),
    vscode.commands.registerCommand(Commands.markReadyForReview, (argument: unknown) => prs.setState('ready_for_review', argument)),
    vscode.commands.registerCommand(Commands.convertToDraft, (argument: unknown) => prs.setState('draft', argument)),
    vscode.commands.registerCommand(Commands.closePullRequest, (argument: unknown) => prs.setState('closed', argument)),
  ];
}
