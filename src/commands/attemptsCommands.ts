// Several agents on one request, once their runs exist: Compare attempts (a multi-diff of attempt A's branch
// against attempt B's for every pair, and of each attempt against the base) and Choose this attempt (Review,
// Check out or Apply it with the existing commands, then, asked once, close the other attempts' pull
// requests through the PR state endpoint). Fetching and the diff entries are RunChangesCommands' (the one fetch).
import * as vscode from 'vscode';
import type { AgentRun, PullRequest, PullRequestState, PullRequestStateAnswer } from '../api/types';
import { changedFiles, mergeBase, type FetchedBranch } from '../changes';
import { attemptOf, attemptsOfGroup } from '../runs/attempts';
import { hasChangesToBringBack, pullRequestNumber } from '../runs/runModel';
import { Commands } from '../ids';
import type { Interaction } from '../ui/interaction';
import { serviceLabel } from '../util/serviceText';
import type { Log } from '../util/log';
import type { RunChangesCommands } from './changesCommands';

export interface AttemptsDeps {
  changes: Pick<RunChangesCommands, 'fetchRun' | 'recordFigures' | 'diffEntry'>;
  runs(): readonly AgentRun[];
  get(runId: number): AgentRun | undefined;
  setPullRequestState(runId: number, prId: number, state: PullRequestState): Promise<PullRequestStateAnswer>;
  runner: Parameters<typeof changedFiles>[0];
  interaction: Interaction;
  log: Log;
  /** Opens VS Code's multi-diff editor; false when this editor lacks it (EditorSurfaces). */
  openMultiDiff(title: string, resources: Array<[vscode.Uri, vscode.Uri | undefined, vscode.Uri | undefined]>): Promise<boolean>;
}

/** The attempt group a command argument names: an attempts row, an attempt's row, a run id or a group id. */
export function groupFromArgument(argument: unknown, get: (id: number) => AgentRun | undefined): string | undefined {
  if (typeof argument === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(argument) && !/^\d+$/.test(argument)) return argument;
  if (typeof argument === 'number') {
    const run = get(argument);
    return run ? attemptOf(run)?.group : undefined;
  }
  if (argument && typeof argument === 'object') {
    const node = argument as { kind?: unknown; group?: unknown; run?: AgentRun };
    if (node.kind === 'attempts' && typeof node.group === 'string') return node.group;
    if ((node.kind === 'run' || node.kind === 'pr') && node.run) return attemptOf(get(node.run.id) ?? node.run)?.group;
  }
  return undefined;
}

/** The open pull request of an attempt (not merged, not closed), the one Choose may close. */
export function openPullRequestOf(run: AgentRun): (PullRequest & { id: number }) | undefined {
  const pr = run.pullRequests.find((candidate) => candidate.id !== undefined && candidate.merged !== true && (candidate.state ?? 'open').toLowerCase() !== 'closed' && (candidate.state ?? '').toLowerCase() !== 'merged');
  return pr && pr.id !== undefined ? { ...pr, id: pr.id } : undefined;
}

export class AttemptsCommands {
  constructor(private readonly deps: AttemptsDeps) {}

  /** Compare attempts: fetches each attempt's branch and opens one multi-diff. Answers what it showed. */
  async compare(argument: unknown): Promise<string | undefined> {
    const ui = this.deps.interaction;
    const group = groupFromArgument(argument, (id) => this.deps.get(id));
    const attempts = group === undefined ? [] : attemptsOfGroup(this.deps.runs(), group).filter((run) => hasChangesToBringBack(run));
    if (attempts.length < 2) {
      void ui.showMessage({ severity: 'info', message: vscode.l10n.t('Compare attempts needs two attempts of one request with a pull request branch each.') });
      return undefined;
    }
    const fetched: Array<{ run: AgentRun; attempt: number; branch: FetchedBranch }> = [];
    for (const run of attempts) {
      const one = await this.deps.changes.fetchRun(run.id);
      if (!one) return undefined;
      fetched.push({ run, attempt: attemptOf(run)?.attempt ?? 0, branch: one.fetched });
    }
    const root = fetched[0]!.branch.root;
    if (fetched.some((item) => item.branch.root !== root)) {
      void ui.showMessage({ severity: 'warning', message: vscode.l10n.t('The attempts were fetched into different repositories: compare them one by one with Review changes.') });
      return undefined;
    }
    const runner = this.deps.runner;
    const resources: Array<[vscode.Uri, vscode.Uri, vscode.Uri]> = [];
    const counts: string[] = [];
    for (let i = 0; i < fetched.length; i++) {
      for (let j = i + 1; j < fetched.length; j++) {
        const a = fetched[i]!;
        const b = fetched[j]!;
        const files = await changedFiles(runner, root, a.branch.tipSha, b.branch.tipSha);
        const heading = vscode.l10n.t('attempt {0} vs attempt {1}', a.attempt, b.attempt);
        counts.push(`${heading}: ${files.length}`);
        for (const file of files) resources.push(this.deps.changes.diffEntry(heading, root, a.branch.tipSha, b.branch.tipSha, file));
      }
    }
    for (const item of fetched) {
      const base = (await mergeBase(runner, root, 'HEAD', item.branch.tipSha)) ?? item.branch.tipSha;
      const files = await changedFiles(runner, root, base, item.branch.tipSha);
      await this.deps.changes.recordFigures(item.run.id, root, base, item.branch.tipSha);
      const heading = vscode.l10n.t('base vs attempt {0}', item.attempt);
      counts.push(`${heading}: ${files.length}`);
      for (const file of files) resources.push(this.deps.changes.diffEntry(heading, root, base, item.branch.tipSha, file));
    }
    this.deps.log.info(`Compare attempts of group ${group}: ${counts.join(', ')}.`);
    if (resources.length === 0) {
      void ui.showMessage({ severity: 'info', message: vscode.l10n.t('The attempts change nothing, against each other or against your branch.') });
      return vscode.l10n.t('No differences.');
    }
    if (!(await this.deps.openMultiDiff(vscode.l10n.t('Codegen: compare {0} attempts', fetched.length), resources))) {
      void ui.showMessage({ severity: 'warning', message: vscode.l10n.t('This editor lacks the multi-diff editor that Compare attempts opens. Choose this attempt still reviews, checks out or applies one attempt.') });
      return undefined;
    }
    return counts.join('\n');
  }

  /**
   * Choose this attempt: Review, Check out or Apply it (the existing commands), then ask once, naming them,
   * whether to close the other attempts' open pull requests (one PATCH each). Answers the PRs it closed.
   */
  async choose(argument: unknown): Promise<number[] | undefined> {
    const ui = this.deps.interaction;
    const group = groupFromArgument(argument, (id) => this.deps.get(id));
    const runId = runIdOf(argument);
    const chosen = runId === undefined ? undefined : this.deps.get(runId);
    const tag = chosen ? attemptOf(chosen) : undefined;
    if (!chosen || !tag || tag.group !== group) {
      void ui.showMessage({ severity: 'info', message: vscode.l10n.t('Choose an attempt (a row under "N agents: …" in the Codegen view).') });
      return undefined;
    }
    const action = await ui.showPick<'review' | 'checkout' | 'apply' | 'none'>(
      [
        { label: vscode.l10n.t('Review changes'), detail: vscode.l10n.t('Open its changes in the multi-diff editor; your files stay as they are.'), value: 'review' },
        { label: vscode.l10n.t('Check out'), detail: vscode.l10n.t('Switch to its branch (asking first if you have uncommitted changes).'), value: 'checkout' },
        { label: vscode.l10n.t('Apply to my working tree'), detail: vscode.l10n.t('Apply its changes as a 3-way patch, asking first.'), value: 'apply' },
        { label: vscode.l10n.t('Only close the others'), detail: vscode.l10n.t('Leave your working tree alone.'), value: 'none' },
      ],
      { title: vscode.l10n.t('Attempt {0} (run #{1}): what now?', tag.attempt, chosen.id) },
    );
    if (action === undefined) return undefined;
    // Through the commands, so their one door checks trust and explains a failure (bringBackErrors.ts).
    const command = { review: Commands.reviewChanges, checkout: Commands.checkoutChanges, apply: Commands.applyChanges } as const;
    if (action !== 'none' && hasChangesToBringBack(chosen)) await vscode.commands.executeCommand(command[action], chosen.id);
    const others = attemptsOfGroup(this.deps.runs(), tag.group)
      .filter((run) => run.id !== chosen.id)
      .flatMap((run) => {
        const pr = openPullRequestOf(run);
        return pr ? [{ run, pr }] : [];
      });
    if (others.length === 0) return [];
    const list = others.map(({ run, pr }) => vscode.l10n.t('Attempt {0}: #{1} {2}', attemptOf(run)?.attempt ?? '?', pullRequestNumber(pr) ?? pr.id, serviceLabel(pr.title, 120))).join('\n');
    const close = others.length === 1 ? vscode.l10n.t('Close it') : vscode.l10n.t('Close {0} pull requests', others.length);
    const answer = await ui.showMessage({
      severity: 'warning',
      modal: true,
      message: vscode.l10n.t('Close the pull requests of the other attempts?'),
      detail: vscode.l10n.t('{0}\n\nThey are closed on GitHub (not deleted; their branches stay). Your working tree is not touched.', list),
      actions: [close],
    });
    if (answer !== close) return [];
    const closed: number[] = [];
    const failed: string[] = [];
    for (const { run, pr } of others) {
      try {
        const result = await this.deps.setPullRequestState(run.id, pr.id, 'closed');
        if (result.success) closed.push(pr.id);
        else failed.push(`#${pullRequestNumber(pr) ?? pr.id}: ${serviceLabel(result.error, 200) || 'refused'}`);
      } catch (error) {
        failed.push(`#${pullRequestNumber(pr) ?? pr.id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.deps.log.info(`Choose attempt ${tag.attempt} of group ${tag.group}: closed ${closed.length} pull request(s)${failed.length > 0 ? `; failed: ${failed.join('; ')}` : ''}.`);
    void ui.showMessage(
      failed.length === 0
        ? { severity: 'info', message: vscode.l10n.t('Closed {0} pull request(s) of the other attempts.', closed.length) }
        : { severity: 'warning', message: vscode.l10n.t('Closed {0} pull request(s); not closed: {1}', closed.length, failed.join('; ')) },
    );
    return closed;
  }
}

function runIdOf(argument: unknown): number | undefined {
  if (typeof argument === 'number') return argument;
  if (argument && typeof argument === 'object') {
    const node = argument as { kind?: unknown; run?: { id?: unknown } };
    if ((node.kind === 'run' || node.kind === 'pr') && typeof node.run?.id === 'number') return node.run.id;
  }
  return undefined;
}
