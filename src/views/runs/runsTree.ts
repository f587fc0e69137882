// The Runs view: a tree fed by the run store. It never calls the API: the poller fills the store and
// the tree re-renders when the store changes. Every text the service sent goes through the one
// sanitizer (serviceLabel) before it reaches a label, a description or a tooltip.
import * as vscode from 'vscode';
import { categoryLabel, statusCategory, statusLabel, type StatusCategory } from '../../api/status';
import type { AgentRun, PullRequest } from '../../api/types';
import { Commands } from '../../ids';
import { hasBranchToBringBack, hasChangesToBringBack, pullRequestNumber, runTitle, type GroupId } from '../../runs/runModel';
import { attemptOf, describeFigures, type DiffFiguresStore } from '../../runs/attempts';
import { RunTreeNodes } from '../../runs/runTreeNodes';
import type { RunsNode } from '../../runs/runNodes';
import type { RunStore } from '../../runs/runStore';
import type { Clock } from '../../util/clock';
import { cleanServiceText, escapeMarkdown, serviceLabel } from '../../util/serviceText';
import { formatClock, formatRelative, formatWait } from '../../util/time';
import { isSafeExternalUrl } from '../../util/urlPolicy';
import { runUri } from './runDecorations';

function groupLabel(group: GroupId): string {
  switch (group) {
    case 'needsYou':
      return vscode.l10n.t('Needs you');
    case 'running':
      return vscode.l10n.t('Running');
    case 'other':
      return vscode.l10n.t('Other');
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

/** A status as the service sent it, cleaned for display ("Unknown" when missing). */
function shownStatus(run: AgentRun): string {
  return serviceLabel(statusLabel(run.status), 60) || 'Unknown';
}

/** contextValue flags the menus match with regular expressions (viewItem =~ /;hasPr;/). */
export function runContextValue(run: AgentRun, unreviewed = false): string {
  const flags = ['codegenRun'];
  if (run.pullRequests.some((pr) => isSafeExternalUrl(pr.url))) flags.push('hasPr');
  if (hasChangesToBringBack(run)) flags.push('hasBranch');
  if (isSafeExternalUrl(run.webUrl)) flags.push('hasWebUrl');
  if (unreviewed) flags.push('unreviewed');
  flags.push(statusCategory(run.status));
  return `;${flags.join(';')};`;
}

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<RunsNode | RunsNode[] | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;
  private readonly nodes: RunTreeNodes;

  private readonly figuresSubscription: vscode.Disposable | undefined;

  constructor(
    private readonly store: RunStore,
    private readonly clock: Clock,
    private readonly figures?: DiffFiguresStore,
  ) {
    this.nodes = new RunTreeNodes(store);
    // A change redraws what it touched: a new run its group, an updated run its row; a status message nothing.
    this.subscription = store.onDidChange((change) => {
      const redraw = this.nodes.update(change);
      if (redraw.kind === 'all') this.changeEmitter.fire(undefined);
      else if (redraw.nodes.length > 0) this.changeEmitter.fire(redraw.nodes);
    });
    // An attempt's figures arrived (a review or comparison fetched its branch): redraw its row.
    this.figuresSubscription = figures?.onDidChange((runId) => {
      const node = this.nodes.runNode(runId);
      if (node) this.changeEmitter.fire([node]);
    });
  }

  /** The row of an attempt group (tests and reveal). */
  attemptsNode(group: string): RunsNode | undefined {
    return this.nodes.attemptsNode(group);
  }

  /** Re-renders relative times without any request. */
  refreshLabels(): void {
    this.changeEmitter.fire(undefined);
  }

  getChildren(node?: RunsNode): RunsNode[] {
    return node ? this.nodes.children(node) : this.nodes.roots();
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
      case 'attempts':
        return attemptsItem(node.group, node.runs);
      case 'run':
        return this.runItem(node.run);
      case 'pr':
        return prItem(node.run, node.pr, node.index);
      case 'loadMore': {
        const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
        item.id = 'loadMore';
        item.iconPath = new vscode.ThemeIcon('fold-down');
        item.command = { command: Commands.loadMoreRuns, title: vscode.l10n.t('Load more runs') };
        item.contextValue = 'codegenLoadMore';
        return item;
      }
    }
  }

  /** The run's tooltip is built when it is hovered, not for every row drawn. */
  resolveTreeItem(item: vscode.TreeItem, node: RunsNode): vscode.TreeItem {
    if (node.kind === 'run') {
      const run = this.store.get(node.run.id) ?? node.run;
      item.tooltip = runTooltip(run, statusCategory(run.status), this.clock.now(), this.store.isUnreviewed(run.id));
    }
    return item;
  }

  getParent(node: RunsNode): RunsNode | undefined {
    return this.nodes.parent(node);
  }

  private runItem(run: AgentRun): vscode.TreeItem {
    const category = statusCategory(run.status);
    const title = runTitle(run);
    const unreviewed = this.store.isUnreviewed(run.id);
    const item = new vscode.TreeItem(title, run.pullRequests.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `run:${run.id}`;
    // Only a row with the "changes to review" marker carries a resource URI: VS Code asks for the decoration
    // (runDecorations) of that row alone.
    if (unreviewed) item.resourceUri = runUri(run.id);
    item.iconPath = iconFor(category);
    const when = formatRelative(run.createdAt, this.clock.now());
    const status = shownStatus(run);
    item.description = [unreviewed ? vscode.l10n.t('changes to review') : undefined, status, when].filter(Boolean).join(' · ');
    item.contextValue = runContextValue(run, unreviewed);
    item.command = { command: Commands.showRunDetails, title: vscode.l10n.t('Show run details'), arguments: [run.id] };
    const attempt = attemptOf(run);
    if (attempt && this.nodes.attemptsNode(attempt.group)) {
      // An attempt's row under its group: which attempt, and what its branch changes once fetched.
      item.label = vscode.l10n.t('Attempt {0}', attempt.attempt);
      const figures = this.figures?.get(run.id);
      item.description = [figures ? describeFigures(figures) : undefined, item.description].filter(Boolean).join(' · ');
      item.contextValue = `${item.contextValue}attempt;`;
    }
    const spoken = when ? vscode.l10n.t('{0}, {1}, created {2}', title, status, when) : `${title}, ${status}`;
    item.accessibilityInformation = { label: unreviewed ? vscode.l10n.t('{0}, changes to review', spoken) : spoken };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.figuresSubscription?.dispose();
    this.changeEmitter.dispose();
  }
}

/** "3 agents: <title>", with how many are still working and how many finished. */
function attemptsItem(group: string, runs: readonly AgentRun[]): vscode.TreeItem {
  const first = runs[0];
  const title = first ? runTitle(first) : '';
  const item = new vscode.TreeItem(vscode.l10n.t('{0} agents: {1}', runs.length, title), vscode.TreeItemCollapsibleState.Expanded);
  item.id = `attempts:${group}`;
  const categories = runs.map((run) => statusCategory(run.status));
  const working = categories.filter((c) => c === 'inProgress').length;
  const done = categories.filter((c) => c === 'succeeded').length;
  item.description = [working > 0 ? vscode.l10n.t('{0} working', working) : undefined, done > 0 ? vscode.l10n.t('{0} done', done) : undefined].filter(Boolean).join(' · ');
  item.iconPath = new vscode.ThemeIcon('organization');
  const branches = runs.filter((run) => hasChangesToBringBack(run)).length;
  item.contextValue = `codegenAttempts;${branches >= 2 ? 'canCompare;' : ''}`;
  item.tooltip = vscode.l10n.t('The same request sent to {0} agents (runs {1}).', runs.length, runs.map((run) => `#${run.id}`).join(', '));
  return item;
}

function prItem(run: AgentRun, pr: PullRequest, index: number): vscode.TreeItem {
  const number = pullRequestNumber(pr);
  const label = serviceLabel(pr.title, 120) || (number ? vscode.l10n.t('Pull request #{0}', number) : vscode.l10n.t('Pull request'));
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.id = `run:${run.id}:pr:${pr.id ?? index}`;
  const state = pr.merged ? 'merged' : serviceLabel(pr.state, 30);
  item.description = [number ? `#${number}` : undefined, serviceLabel(pr.headBranchName, 80), state].filter(Boolean).join(' · ');
  item.iconPath = new vscode.ThemeIcon(pr.merged ? 'git-merge' : state === 'closed' ? 'git-pull-request-closed' : state === 'draft' ? 'git-pull-request-draft' : 'git-pull-request');
  const safe = isSafeExternalUrl(pr.url);
  item.contextValue = `codegenPr${safe ? ';hasUrl' : ''}${hasBranchToBringBack(pr) ? ';hasBranch' : ''}`;
  item.tooltip = safe ? vscode.l10n.t('Open {0} in the browser', pr.url ?? '') : vscode.l10n.t('This pull request has no https link');
  if (safe) item.command = { command: Commands.openPullRequest, title: vscode.l10n.t('Open pull request'), arguments: [pr.url] };
  return item;
}

/**
 * Tooltip with untrusted text added as text, never as markdown or HTML: every ASCII punctuation escaped
 * (escapeMarkdown), so a bare URL does not become a link, nor `===` a heading (appendText leaves both).
 */
export function runTooltip(run: AgentRun, category: StatusCategory, now: number, unreviewed: boolean): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', false);
  md.isTrusted = false;
  md.supportHtml = false;
  const text = (value: string): vscode.MarkdownString => md.appendMarkdown(escapeMarkdown(value).replace(/\n/g, '  \n'));
  md.appendMarkdown('**');
  text(runTitle(run)).appendMarkdown('**\n\n');
  text(vscode.l10n.t('{0} ({1}) · run #{2}', shownStatus(run), categoryLabel(category), run.id));
  md.appendMarkdown('\n\n');
  if (unreviewed) text(vscode.l10n.t('Its changes have not been reviewed yet.')).appendMarkdown('  \n');
  if (run.sourceType) text(vscode.l10n.t('Source: {0}', serviceLabel(run.sourceType, 40))).appendMarkdown('  \n');
  if (run.createdAt) {
    const parsed = Date.parse(run.createdAt);
    if (!Number.isNaN(parsed)) text(vscode.l10n.t('Created: {0} ({1})', new Date(parsed).toLocaleString(), formatRelative(run.createdAt, now) ?? '')).appendMarkdown('  \n');
  }
  const summary = cleanServiceText(run.summary, { maxLength: 500, multiline: true });
  if (summary) {
    md.appendMarkdown('\n');
    text(summary).appendMarkdown('\n');
  }
  for (const pr of run.pullRequests) {
    const name = serviceLabel(pr.title, 120) || serviceLabel(pr.url, 200) || vscode.l10n.t('pull request');
    const branch = serviceLabel(pr.headBranchName, 80);
    md.appendMarkdown('\n');
    text(branch ? vscode.l10n.t('PR: {0} ({1})', name, branch) : vscode.l10n.t('PR: {0}', name));
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
    case 'failing':
      return status.lastSuccessAt !== undefined
        ? vscode.l10n.t('The Codegen service is failing (server error); showing runs from {0}, retrying.', formatClock(status.lastSuccessAt))
        : vscode.l10n.t('The Codegen service is failing (server error); retrying.');
    case 'error':
      return serviceLabel(status.message, 300);
    case 'unauthorized':
      return vscode.l10n.t('Codegen rejected the API token. Run "Codegen: Set API token".');
  }
}
