// The Runs view: a tree fed by the run store. It never calls the API: the poller fills the store and
// the tree re-renders when the store changes.
import * as vscode from 'vscode';
import { statusCategory, statusLabel, categoryLabel, type StatusCategory } from '../../api/status';
import type { AgentRun, PullRequest } from '../../api/types';
import { groupRuns, runTitle, type RunStore } from '../../runs/runStore';
import { isSafeExternalUrl } from '../../util/url';
import { formatClock, formatRelative, formatWait } from '../../util/time';
import type { Clock } from '../../util/clock';

export type GroupId = 'needsYou' | 'running' | 'finished';

export type RunsNode =
  | { kind: 'group'; group: GroupId; count: number }
  | { kind: 'run'; run: AgentRun }
  | { kind: 'pr'; run: AgentRun; pr: PullRequest; index: number }
  | { kind: 'loadMore' };

function groupLabel(group: GroupId): string {
  switch (group) {
    case 'needsYou':
      return vscode.l10n.t('Needs you');
    case 'running':
      return vscode.l10n.t('Running');
    case 'finished':
      return vscode.l10n.t('Finished');
  }
}

export function iconFor(category: StatusCategory): vscode.ThemeIcon {
  switch (category) {
    case 'inProgress':
      return new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue'));
    case 'needsUser':
      return new vscode.ThemeIcon('bell-dot', new vscode.ThemeColor('charts.yellow'));
    case 'succeeded':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'cancelled':
      return new vscode.ThemeIcon('circle-slash');
    case 'unknown':
      return new vscode.ThemeIcon('question');
  }
}

/** contextValue flags the menus match with regular expressions (viewItem =~ /;hasPr;/). */
export function runContextValue(run: AgentRun): string {
  const flags = ['codegenRun'];
  if (run.pullRequests.some((pr) => isSafeExternalUrl(pr.url))) flags.push('hasPr');
  if (isSafeExternalUrl(run.webUrl)) flags.push('hasWebUrl');
  const category = statusCategory(run.status);
  flags.push(category);
  return `;${flags.join(';')};`;
}

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly store: RunStore,
    private readonly clock: Clock,
  ) {
    this.subscription = store.onDidChange(() => this.changeEmitter.fire(undefined));
  }

  /** Re-renders relative times without any request. */
  refreshLabels(): void {
    this.changeEmitter.fire(undefined);
  }

  getChildren(node?: RunsNode): RunsNode[] {
    if (!node) {
      const groups = groupRuns(this.store.runs);
      const roots: RunsNode[] = [];
      for (const group of ['needsYou', 'running', 'finished'] as const) {
        if (groups[group].length > 0) roots.push({ kind: 'group', group, count: groups[group].length });
      }
      if (roots.length > 0 && this.store.hasMore) roots.push({ kind: 'loadMore' });
      return roots;
    }
    switch (node.kind) {
      case 'group':
        return groupRuns(this.store.runs)[node.group].map((run) => ({ kind: 'run', run }));
      case 'run':
        return node.run.pullRequests.map((pr, index) => ({ kind: 'pr', run: node.run, pr, index }));
      case 'pr':
      case 'loadMore':
        return [];
    }
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group': {
        const item = new vscode.TreeItem(groupLabel(node.group), vscode.TreeItemCollapsibleState.Expanded);
        item.id = `group:${node.group}`;
        item.description = String(node.count);
        item.contextValue = `codegenGroup-${node.group}`;
        return item;
      }
      case 'run':
        return this.runItem(node.run);
      case 'pr':
        return prItem(node.run, node.pr, node.index);
      case 'loadMore': {
        const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
        item.id = 'loadMore';
        item.iconPath = new vscode.ThemeIcon('fold-down');
        item.command = { command: 'codegen.loadMoreRuns', title: vscode.l10n.t('Load more runs') };
        item.contextValue = 'codegenLoadMore';
        return item;
      }
    }
  }

  getParent(node: RunsNode): RunsNode | undefined {
    if (node.kind === 'pr') return { kind: 'run', run: node.run };
    if (node.kind === 'run') {
      const category = statusCategory(node.run.status);
      const group: GroupId = category === 'needsUser' ? 'needsYou' : category === 'inProgress' ? 'running' : 'finished';
      return { kind: 'group', group, count: groupRuns(this.store.runs)[group].length };
    }
    return undefined;
  }

  private runItem(run: AgentRun): vscode.TreeItem {
    const category = statusCategory(run.status);
    const item = new vscode.TreeItem(
      runTitle(run),
      run.pullRequests.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `run:${run.id}`;
    item.iconPath = iconFor(category);
    const when = formatRelative(run.createdAt, this.clock.now());
    item.description = [statusLabel(run.status), when].filter(Boolean).join(' · ');
    item.tooltip = runTooltip(run, category, this.clock.now());
    item.contextValue = runContextValue(run);
    item.command = { command: 'codegen.showRunDetails', title: vscode.l10n.t('Show run details'), arguments: [run.id] };
    item.accessibilityInformation = {
      label: when ? vscode.l10n.t('{0}, {1}, created {2}', runTitle(run), statusLabel(run.status), when) : `${runTitle(run)}, ${statusLabel(run.status)}`,
    };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

function prItem(run: AgentRun, pr: PullRequest, index: number): vscode.TreeItem {
  const number = /\/pull\/(\d+)/.exec(pr.url ?? '')?.[1];
  const label = pr.title?.trim() || (number ? vscode.l10n.t('Pull request #{0}', number) : vscode.l10n.t('Pull request'));
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.id = `run:${run.id}:pr:${pr.id ?? index}`;
  const state = pr.merged ? 'merged' : pr.state;
  item.description = [number ? `#${number}` : undefined, pr.headBranchName, state].filter(Boolean).join(' · ');
  item.iconPath = new vscode.ThemeIcon(pr.merged ? 'git-merge' : state === 'closed' ? 'git-pull-request-closed' : 'git-pull-request');
  const safe = isSafeExternalUrl(pr.url);
  item.contextValue = safe ? 'codegenPr;hasUrl' : 'codegenPr';
  item.tooltip = safe ? vscode.l10n.t('Open {0} in the browser', pr.url ?? '') : vscode.l10n.t('This pull request has no https link');
  if (safe) item.command = { command: 'codegen.openPullRequest', title: vscode.l10n.t('Open pull request'), arguments: [pr.url] };
  return item;
}

/** Tooltip with untrusted text added as text (escaped), never as markdown or HTML. */
function runTooltip(run: AgentRun, category: StatusCategory, now: number): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', false);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown('**').appendText(runTitle(run)).appendMarkdown('**\n\n');
  md.appendText(vscode.l10n.t('{0} ({1}) · run #{2}', statusLabel(run.status), categoryLabel(category), run.id));
  md.appendMarkdown('\n\n');
  if (run.sourceType) md.appendText(vscode.l10n.t('Source: {0}', run.sourceType)).appendMarkdown('  \n');
  if (run.createdAt) {
    const parsed = Date.parse(run.createdAt);
    if (!Number.isNaN(parsed)) md.appendText(vscode.l10n.t('Created: {0} ({1})', new Date(parsed).toLocaleString(), formatRelative(run.createdAt, now) ?? '')).appendMarkdown('  \n');
  }
  if (run.summary) md.appendMarkdown('\n').appendText(run.summary.slice(0, 500)).appendMarkdown('\n');
  for (const pr of run.pullRequests) {
    const name = pr.title ?? pr.url ?? vscode.l10n.t('pull request');
    md.appendMarkdown('\n').appendText(pr.headBranchName ? vscode.l10n.t('PR: {0} ({1})', name, pr.headBranchName) : vscode.l10n.t('PR: {0}', name));
  }
  return md;
}

/** The message shown above the tree for the store's status, or undefined. */
export function viewMessage(store: RunStore, now: number, signedIn: boolean, organizationSelected: boolean): string | undefined {
  if (!signedIn || !organizationSelected) return undefined;
  const status = store.status;
  switch (status.kind) {
    case 'idle':
      return store.loaded && store.size === 0 ? vscode.l10n.t('No runs yet. Select code and run "Codegen: Run on selection".') : undefined;
    case 'loading':
      return store.size === 0 ? vscode.l10n.t('Loading runs…') : undefined;
    case 'rateLimited':
      return vscode.l10n.t('Rate limited, retrying in {0}.', formatWait(status.retryAt - now));
    case 'offline':
      return status.lastSuccessAt !== undefined
        ? vscode.l10n.t('Offline: showing runs from {0}.', formatClock(status.lastSuccessAt))
        : vscode.l10n.t('Offline: Codegen cannot be reached; retrying.');
    case 'error':
      return status.message;
    case 'unauthorized':
      return vscode.l10n.t('Codegen rejected the API token. Run "Codegen: Set API token".');
  }
}
