// The pull request's own commands: its state (ready for review, draft, closed), each asking first, and
// opening it in the GitHub Pull Requests extension.
import * as vscode from 'vscode';
import type { PullRequestState } from '../api/types';
import { BuiltInCommands, GitHubPullRequests } from '../ids';
import type { RunActions } from '../runs/runActions';
import { pullRequestNumber, runTitle } from '../runs/runModel';
import { resolvePullRequest } from '../runs/runNodes';
import type { RunStore } from '../runs/runStore';
import type { Interaction } from '../ui/interaction';
import { showError } from '../ui/showError';
import type { Log } from '../util/log';
import { serviceLabel } from '../util/serviceText';
import { safeExternalUrl } from '../util/urlPolicy';

export interface PrCommandsDeps {
  interaction: Interaction;
  log: Log;
  /** The runs a command argument names; opening a PR clears its run's "changes to review" marker. */
  store: Pick<RunStore, 'get' | 'markReviewed'>;
  actions: Pick<RunActions, 'setPullRequestState'>;
}

const STATE_TEXT: Record<Exclude<PullRequestState, 'open'>, { title: () => string; detail: () => string; confirm: () => string; done: () => string }> = {
  ready_for_review: {
    title: () => vscode.l10n.t('Mark the pull request ready for review?'),
    detail: () => vscode.l10n.t('Reviewers are notified and it can be merged once approved.'),
    confirm: () => vscode.l10n.t('Mark ready for review'),
    done: () => vscode.l10n.t('The pull request is ready for review.'),
  },
  draft: {
    title: () => vscode.l10n.t('Convert the pull request to a draft?'),
    detail: () => vscode.l10n.t('It cannot be merged until it is marked ready for review again.'),
    confirm: () => vscode.l10n.t('Convert to draft'),
    done: () => vscode.l10n.t('The pull request is a draft now.'),
  },
  closed: {
    title: () => vscode.l10n.t('Close the pull request?'),
    detail: () => vscode.l10n.t('It is closed without merging; the branch stays and it can be reopened on GitHub.'),
    confirm: () => vscode.l10n.t('Close pull request'),
    done: () => vscode.l10n.t('The pull request is closed.'),
  },
};

export function createPrCommands(deps: PrCommandsDeps): { setState(state: Exclude<PullRequestState, 'open'>, argument: unknown): Promise<boolean>; openWithGitHubPullRequests(argument: unknown): Promise<boolean> } {
  const { interaction, log, store } = deps;

  const setState = async (state: Exclude<PullRequestState, 'open'>, argument: unknown): Promise<boolean> => {
    const found = resolvePullRequest(store, argument);
    if (!found || found.pr.id === undefined) {
      void interaction.showMessage({ severity: 'info', message: vscode.l10n.t('Choose a Codegen run with a pull request (in the Codegen view).') });
      return false;
    }
    const text = STATE_TEXT[state];
    const name = serviceLabel(found.pr.title, 120) || serviceLabel(found.pr.url, 200);
    const choice = await interaction.showMessage({ severity: 'warning', modal: true, message: text.title(), detail: `${name}\n\n${text.detail()}`, actions: [text.confirm()] });
    if (choice !== text.confirm()) return false;
    try {
      const answer = await deps.actions.setPullRequestState(found.run.id, found.pr.id, state);
      if (!answer.success) {
        void interaction.showMessage({ severity: 'warning', message: vscode.l10n.t('Codegen could not change the pull request: {0}', serviceLabel(answer.error, 300) || vscode.l10n.t('no reason given')) });
        return false;
      }
    } catch (error) {
      await showError(interaction, log, error, 'Changing the pull request');
      return false;
    }
    log.info(`Pull request ${found.pr.id} of run ${found.run.id}: ${state}.`);
    void interaction.showMessage({ severity: 'info', message: text.done() });
    return true;
  };

  const openWithGitHubPullRequests = async (argument: unknown): Promise<boolean> => {
    const found = resolvePullRequest(store, argument);
    const url = safeExternalUrl(found?.pr.url);
    const match = url ? /^https:\/\/github\.com\/([^/]+)\/([^/]+)\/pull\/(\d+)/.exec(url) : null;
    if (!found || !match) {
      void interaction.showMessage({ severity: 'info', message: vscode.l10n.t('Choose a run whose pull request is on github.com.') });
      return false;
    }
    if (!vscode.extensions.getExtension(GitHubPullRequests.extensionId)) {
      const install = vscode.l10n.t('Show the extension');
      const choice = await interaction.showMessage({ severity: 'info', message: vscode.l10n.t('The GitHub Pull Requests extension is not installed.'), actions: [install] });
      if (choice === install) await vscode.commands.executeCommand(BuiltInCommands.showExtension, `@id:${GitHubPullRequests.extensionId}`);
      return false;
    }
    const query = JSON.stringify({ owner: match[1], repo: match[2], pullRequestNumber: Number(pullRequestNumber({ url }) ?? match[3]) });
    const uri = vscode.Uri.from({ scheme: vscode.env.uriScheme, authority: GitHubPullRequests.extensionId, path: GitHubPullRequests.openPullRequestPath, query });
    log.info(`Opening ${runTitle(found.run)}'s pull request with GitHub Pull Requests.`);
    store.markReviewed(found.run.id);
    return vscode.env.openExternal(uri);
  };

  return { setState, openWithGitHubPullRequests };
}
