// Commands on runs: refresh, filter, load more, open (quick pick), open in browser, open pull request,
// copy link, follow up, and the PR actions (ban checks, unban checks, remove from PR).
import * as vscode from 'vscode';
import { statusCategory, statusLabel } from '../api/status';
import type { AgentRun } from '../api/types';
import type { Session } from '../auth/session';
import { Commands } from '../ids';
import { LIMITS } from '../protocol/messages';
import type { PrAction, RunActions } from '../runs/runActions';
import { runTitle, type RunFilter, type RunScope } from '../runs/runModel';
import { runFromArgument } from '../runs/runNodes';
import type { RunStore } from '../runs/runStore';
import type { Interaction } from '../ui/interaction';
import { showError } from '../ui/showError';
import type { Log } from '../util/log';
import { serviceLabel } from '../util/serviceText';
import { formatRelative } from '../util/time';
import { isSafeExternalUrl } from '../util/urlPolicy';

/** What the commands need from the polling side (the runs controller provides it). */
export interface RunsRefresher {
  /** Polls now; false when there is no poller (not signed in, no organization). */
  refreshNow(): Promise<boolean>;
  loadMore(): Promise<void>;
  setFilter(filter: RunFilter): void;
}

/** The action's name in the log and in error messages (which stay English, see errorAdvice). */
const PR_ACTION_NAMES: Record<PrAction, string> = { ban: 'Ban checks', unban: 'Unban checks', removeFromPr: 'Remove from PR' };

/** What the user reads about a PR action; a function so the strings are localized when used, not at load. */
export function prActionText(action: PrAction): { title: string; confirm: string; detail: string; done: string } {
  switch (action) {
    case 'ban':
      return {
        title: vscode.l10n.t('Ban checks'),
        confirm: vscode.l10n.t('Ban checks'),
        detail: vscode.l10n.t('This stops every Codegen agent currently working on this pull request and ignores future CI check events on it, so no new agent starts from a failing check.'),
        done: vscode.l10n.t('Checks banned: agents on the pull request were stopped.'),
      };
    case 'unban':
      return {
        title: vscode.l10n.t('Unban checks'),
        confirm: vscode.l10n.t('Unban checks'),
        detail: vscode.l10n.t('Codegen will again react to CI check events on this pull request (a failing check can start an agent).'),
        done: vscode.l10n.t('Checks unbanned: Codegen reacts to CI checks on the pull request again.'),
      };
    case 'removeFromPr':
      return {
        title: vscode.l10n.t('Remove from PR'),
        confirm: vscode.l10n.t('Remove Codegen from PR'),
        detail: vscode.l10n.t('This stops every Codegen agent on this pull request and flags the pull request so Codegen does not process it again.'),
        done: vscode.l10n.t('Codegen was removed from the pull request: its agents were stopped.'),
      };
  }
}

export function registerRunCommands(deps: {
  session: Session;
  store: RunStore;
  actions: RunActions;
  refresher: RunsRefresher;
  interaction: Interaction;
  log: Log;
}): vscode.Disposable[] {
  const { session, store, actions, refresher, interaction, log } = deps;

  const pickRun = async (placeHolder: string, filter: (run: AgentRun) => boolean = () => true): Promise<AgentRun | undefined> => {
    const runs = store.runs.filter(filter);
    if (runs.length === 0) {
      void interaction.showMessage({ severity: 'info', message: vscode.l10n.t('No Codegen runs are loaded yet. Open the Codegen view or refresh it.') });
      return undefined;
    }
    return interaction.showPick(
      runs.map((run) => ({
        label: runTitle(run),
        description: [serviceLabel(statusLabel(run.status), 60), formatRelative(run.createdAt, Date.now())].filter(Boolean).join(' · '),
        detail: run.pullRequests.length ? vscode.l10n.t('{0} pull request(s)', run.pullRequests.length) : undefined,
        value: run,
      })),
      { title: vscode.l10n.t('Codegen runs'), placeHolder },
    );
  };

  const resolveRun = async (argument: unknown, placeHolder: string, filter?: (run: AgentRun) => boolean): Promise<AgentRun | undefined> =>
    runFromArgument(store, argument) ?? (argument === undefined ? pickRun(placeHolder, filter) : undefined);

  const openPullRequest = async (argument: unknown): Promise<void> => {
    if (typeof argument === 'string' && !/^\d+$/.test(argument)) {
      if (!isSafeExternalUrl(argument)) {
        log.warn('Refused to open a pull request link that is not https.');
        void interaction.showMessage({ severity: 'warning', message: vscode.l10n.t('That pull request link is not an https link, so it was not opened.') });
        return;
      }
      await interaction.openExternal(argument);
      return;
    }
    const node = argument as { kind?: unknown; pr?: { url?: string } } | undefined;
    const prUrl = node?.kind === 'pr' ? node.pr?.url : undefined;
    if (prUrl !== undefined) return openPullRequest(prUrl);
    const run = await resolveRun(argument, vscode.l10n.t('Open the pull request of which run?'), (r) => r.pullRequests.length > 0);
    if (!run) return;
    const urls = run.pullRequests.map((pr) => pr.url).filter(isSafeExternalUrl);
    if (urls.length === 0) {
      void interaction.showMessage({ severity: 'info', message: vscode.l10n.t('{0} has no pull request yet.', runTitle(run)) });
      return;
    }
    const url = urls.length === 1 ? urls[0] : await interaction.showPick(urls.map((u) => ({ label: serviceLabel(u, 200), value: u })), { placeHolder: vscode.l10n.t('Which pull request?') });
    if (url) await interaction.openExternal(url);
  };

  const runPrAction = async (action: PrAction, argument: unknown): Promise<boolean> => {
    const text = prActionText(action);
    const run = await resolveRun(argument, vscode.l10n.t('{0}: which run?', text.title), (r) => r.pullRequests.length > 0);
    if (!run) return false;
    const prNames = run.pullRequests.map((pr) => serviceLabel(pr.url, 200) || serviceLabel(pr.title, 120)).filter(Boolean).join(', ');
    const choice = await interaction.showMessage({
      severity: 'warning',
      modal: true,
      message: vscode.l10n.t('{0} for "{1}"?', text.title, runTitle(run)),
      detail: prNames ? vscode.l10n.t('{0}\n\nPull request: {1}', text.detail, prNames) : text.detail,
      actions: [text.confirm],
    });
    if (choice !== text.confirm) return false;
    try {
      // The run's own organization, as the details panel does.
      await actions.prAction(run.id, action);
    } catch (error) {
      await showError(interaction, log, error, PR_ACTION_NAMES[action]);
      return false;
    }
    log.info(`${PR_ACTION_NAMES[action]} sent for run ${run.id}.`);
    void interaction.showMessage({ severity: 'info', message: text.done });
    return true;
  };

  const followUp = async (argument: unknown): Promise<boolean> => {
    const run = await resolveRun(argument, vscode.l10n.t('Follow up on which run?'));
    if (!run) return false;
    const prompt = await interaction.showInput({
      title: vscode.l10n.t('Follow up on "{0}"', runTitle(run)),
      prompt:
        statusCategory(run.status) === 'needsUser'
          ? vscode.l10n.t('The agent is waiting for you. What should it do next?')
          : vscode.l10n.t('What should the agent do next on this run?'),
      placeHolder: vscode.l10n.t('e.g. Also add tests for the empty case'),
      validate: (value) =>
        value.trim() === ''
          ? vscode.l10n.t('Write what the agent should do.')
          : value.length > LIMITS.followUp
            ? vscode.l10n.t('Keep it under {0} characters.', LIMITS.followUp.toLocaleString('en-US'))
            : undefined,
    });
    if (!prompt?.trim()) return false;
    try {
      await actions.followUp(run.id, prompt.trim());
    } catch (error) {
      await showError(interaction, log, error, 'Sending the follow-up');
      return false;
    }
    void interaction.showMessage({ severity: 'info', message: vscode.l10n.t('Follow-up sent to "{0}".', runTitle(run)) });
    return true;
  };

  const refresh = async (): Promise<void> => {
    if (await refresher.refreshNow()) return;
    const state = session.state;
    if (!state.signedIn) await vscode.commands.executeCommand(Commands.setToken);
    else if (state.organizationId === undefined) await vscode.commands.executeCommand(Commands.selectOrganization);
  };

  const filterRuns = async (): Promise<void> => {
    const current = store.filter;
    const scope = await interaction.showPick<RunScope>(
      [
        { label: vscode.l10n.t('My runs'), description: current.scope === 'mine' ? vscode.l10n.t('current') : undefined, value: 'mine' },
        { label: vscode.l10n.t('All runs in the organization'), description: current.scope === 'organization' ? vscode.l10n.t('current') : undefined, value: 'organization' },
      ],
      { title: vscode.l10n.t('Codegen: Filter runs'), placeHolder: vscode.l10n.t('Whose runs should the view list?') },
    );
    if (!scope) return;
    const sources = ['LOCAL', 'API', 'SLACK', 'GITHUB', 'GITHUB_CHECK_SUITE', 'GITHUB_PR_REVIEW', 'LINEAR', 'CHAT', 'JIRA', 'CLICKUP', 'MONDAY', 'SETUP_COMMANDS'];
    const source = await interaction.showPick<string>(
      [
        { label: vscode.l10n.t('Every source'), value: '' },
        ...sources.map((s) => ({ label: s, description: s === current.sourceType ? vscode.l10n.t('current') : undefined, value: s })),
      ],
      { title: vscode.l10n.t('Codegen: Filter runs'), placeHolder: vscode.l10n.t('Only runs started from…') },
    );
    if (source === undefined) return;
    refresher.setFilter({ scope, sourceType: source || undefined });
  };

  const openRun = async (): Promise<void> => {
    const run = await pickRun(vscode.l10n.t('Open the details of a run'));
    if (run) await vscode.commands.executeCommand(Commands.showRunDetails, run.id);
  };

  return [
    vscode.commands.registerCommand(Commands.refreshRuns, refresh),
    vscode.commands.registerCommand(Commands.loadMoreRuns, () => refresher.loadMore()),
    vscode.commands.registerCommand(Commands.filterRuns, filterRuns),
    vscode.commands.registerCommand(Commands.openRun, openRun),
    vscode.commands.registerCommand(Commands.openPullRequest, openPullRequest),
    vscode.commands.registerCommand(Commands.openRunInBrowser, async (argument: unknown) => {
      const run = await resolveRun(argument, vscode.l10n.t('Open which run in the browser?'));
      if (!run) return;
      if (!isSafeExternalUrl(run.webUrl)) {
        void interaction.showMessage({ severity: 'info', message: vscode.l10n.t('This run has no https link to the Codegen web app.') });
        return;
      }
      await interaction.openExternal(run.webUrl);
    }),
    vscode.commands.registerCommand(Commands.copyRunLink, async (argument: unknown) => {
      const run = await resolveRun(argument, vscode.l10n.t('Copy the link of which run?'));
      if (!run) return;
      const link = isSafeExternalUrl(run.webUrl) ? run.webUrl : vscode.l10n.t('Codegen run #{0}', run.id);
      await vscode.env.clipboard.writeText(link);
      void interaction.showMessage({ severity: 'info', message: vscode.l10n.t('Copied {0}', link) });
    }),
    vscode.commands.registerCommand(Commands.followUp, followUp),
    vscode.commands.registerCommand(Commands.banChecks, (argument: unknown) => runPrAction('ban', argument)),
    vscode.commands.registerCommand(Commands.unbanChecks, (argument: unknown) => runPrAction('unban', argument)),
    vscode.commands.registerCommand(Commands.removeFromPr, (argument: unknown) => runPrAction('removeFromPr', argument)),
  ];
}
