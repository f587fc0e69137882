// Commands on runs: refresh, filter, load more, open (quick pick), open in browser, open pull request,
// copy link, follow up, and the PR actions (ban checks, unban checks, remove from PR).
import * as vscode from 'vscode';
import { statusCategory, statusLabel } from '../api/status';
import type { AgentRun } from '../api/types';
import type { Session } from '../auth/session';
import type { Settings } from '../config/settings';
import { runTitle, type RunFilter, type RunScope, type RunStore } from '../runs/runStore';
import type { Interaction } from '../ui/interaction';
import { showError } from '../ui/showError';
import type { Log } from '../util/log';
import { formatRelative } from '../util/time';
import { isSafeExternalUrl } from '../util/url';
import type { RunsNode } from '../views/runs/runsTree';

/** What the commands need from the polling side. */
export interface RunsRefresher {
  refreshNow(): Promise<void>;
  loadMore(): Promise<void>;
  setFilter(filter: RunFilter): void;
}

export type PrAction = 'ban' | 'unban' | 'removeFromPr';

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

/** Resolves a command argument (a tree node, a run id, or a run) to a known run. */
export function runFromArgument(store: RunStore, argument: unknown): AgentRun | undefined {
  if (typeof argument === 'number') return store.get(argument);
  if (typeof argument === 'string' && /^\d+$/.test(argument)) return store.get(Number(argument));
  if (argument && typeof argument === 'object') {
    const node = argument as Partial<RunsNode> & { id?: unknown };
    if ((node.kind === 'run' || node.kind === 'pr') && 'run' in node && node.run) return store.get(node.run.id) ?? node.run;
    if (typeof node.id === 'number') return store.get(node.id);
  }
  return undefined;
}

export function registerRunCommands(deps: {
  session: Session;
  settings: Settings;
  store: RunStore;
  refresher: RunsRefresher;
  interaction: Interaction;
  log: Log;
}): vscode.Disposable[] {
  const { session, settings, store, refresher, interaction, log } = deps;

  const pickRun = async (placeHolder: string, filter: (run: AgentRun) => boolean = () => true): Promise<AgentRun | undefined> => {
    const runs = store.runs.filter(filter);
    if (runs.length === 0) {
      void interaction.showMessage({ severity: 'info', message: vscode.l10n.t('No Codegen runs are loaded yet. Open the Codegen view or refresh it.') });
      return undefined;
    }
    return interaction.showPick(
      runs.map((run) => ({
        label: runTitle(run),
        description: [statusLabel(run.status), formatRelative(run.createdAt, Date.now())].filter(Boolean).join(' · '),
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
    const node = argument as Partial<RunsNode> | undefined;
    const prUrl = node?.kind === 'pr' ? node.pr?.url : undefined;
    if (prUrl !== undefined) return openPullRequest(prUrl);
    const run = await resolveRun(argument, vscode.l10n.t('Open the pull request of which run?'), (r) => r.pullRequests.length > 0);
    if (!run) return;
    const urls = run.pullRequests.map((pr) => pr.url).filter(isSafeExternalUrl);
    if (urls.length === 0) {
      void interaction.showMessage({ severity: 'info', message: vscode.l10n.t('{0} has no pull request yet.', runTitle(run)) });
      return;
    }
    const url = urls.length === 1 ? urls[0] : await interaction.showPick(urls.map((u) => ({ label: u, value: u })), { placeHolder: vscode.l10n.t('Which pull request?') });
    if (url) await interaction.openExternal(url);
  };

  const runPrAction = async (action: PrAction, argument: unknown): Promise<boolean> => {
    const text = prActionText(action);
    const run = await resolveRun(argument, vscode.l10n.t('{0}: which run?', text.title), (r) => r.pullRequests.length > 0);
    if (!run) return false;
    const orgId = settings.organizationId;
    if (orgId === undefined) return false;
    const prNames = run.pullRequests.map((pr) => pr.url ?? pr.title).filter(Boolean).join(', ');
    const choice = await interaction.showMessage({
      severity: 'warning',
      modal: true,
      message: vscode.l10n.t('{0} for "{1}"?', text.title, runTitle(run)),
      detail: prNames ? vscode.l10n.t('{0}\n\nPull request: {1}', text.detail, prNames) : text.detail,
      actions: [text.confirm],
    });
    if (choice !== text.confirm) return false;
    try {
      if (action === 'ban') await session.api.banChecks(orgId, run.id);
      else if (action === 'unban') await session.api.unbanChecks(orgId, run.id);
      else await session.api.removeFromPr(orgId, run.id);
    } catch (error) {
      await showError(interaction, log, error, PR_ACTION_NAMES[action]);
      return false;
    }
    log.info(`${PR_ACTION_NAMES[action]} sent for run ${run.id}.`);
    void interaction.showMessage({ severity: 'info', message: text.done });
    void refresher.refreshNow();
    return true;
  };

  const followUp = async (argument: unknown): Promise<boolean> => {
    const run = await resolveRun(argument, vscode.l10n.t('Follow up on which run?'));
    const orgId = settings.organizationId;
    if (!run || orgId === undefined) return false;
    const prompt = await interaction.showInput({
      title: vscode.l10n.t('Follow up on "{0}"', runTitle(run)),
      prompt:
        statusCategory(run.status) === 'needsUser'
          ? vscode.l10n.t('The agent is waiting for you. What should it do next?')
          : vscode.l10n.t('What should the agent do next on this run?'),
      placeHolder: vscode.l10n.t('e.g. Also add tests for the empty case'),
      validate: (value) =>
        value.trim() === '' ? vscode.l10n.t('Write what the agent should do.') : value.length > 20000 ? vscode.l10n.t('Keep it under 20,000 characters.') : undefined,
    });
    if (!prompt?.trim()) return false;
    try {
      const updated = await session.api.resumeRun(orgId, { agentRunId: run.id, prompt: prompt.trim() });
      store.upsert({ ...run, ...updated, pullRequests: updated.pullRequests.length ? updated.pullRequests : run.pullRequests });
    } catch (error) {
      await showError(interaction, log, error, 'Sending the follow-up');
      return false;
    }
    void interaction.showMessage({ severity: 'info', message: vscode.l10n.t('Follow-up sent to "{0}".', runTitle(run)) });
    void refresher.refreshNow();
    return true;
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
    if (run) await vscode.commands.executeCommand('codegen.showRunDetails', run.id);
  };

  return [
    vscode.commands.registerCommand('codegen.refreshRuns', () => refresher.refreshNow()),
    vscode.commands.registerCommand('codegen.loadMoreRuns', () => refresher.loadMore()),
    vscode.commands.registerCommand('codegen.filterRuns', filterRuns),
    vscode.commands.registerCommand('codegen.openRun', openRun),
    vscode.commands.registerCommand('codegen.openPullRequest', openPullRequest),
    vscode.commands.registerCommand('codegen.openRunInBrowser', async (argument: unknown) => {
      const run = await resolveRun(argument, vscode.l10n.t('Open which run in the browser?'));
      if (!run) return;
      if (!isSafeExternalUrl(run.webUrl)) {
        void interaction.showMessage({ severity: 'info', message: vscode.l10n.t('This run has no https link to the Codegen web app.') });
        return;
      }
      await interaction.openExternal(run.webUrl);
    }),
    vscode.commands.registerCommand('codegen.copyRunLink', async (argument: unknown) => {
      const run = await resolveRun(argument, vscode.l10n.t('Copy the link of which run?'));
      if (!run) return;
      const link = isSafeExternalUrl(run.webUrl) ? run.webUrl : vscode.l10n.t('Codegen run #{0}', run.id);
      await vscode.env.clipboard.writeText(link);
      void interaction.showMessage({ severity: 'info', message: vscode.l10n.t('Copied {0}', link) });
    }),
    vscode.commands.registerCommand('codegen.followUp', followUp),
    vscode.commands.registerCommand('codegen.banChecks', (argument: unknown) => runPrAction('ban', argument)),
    vscode.commands.registerCommand('codegen.unbanChecks', (argument: unknown) => runPrAction('unban', argument)),
    vscode.commands.registerCommand('codegen.removeFromPr', (argument: unknown) => runPrAction('removeFromPr', argument)),
  ];
}
