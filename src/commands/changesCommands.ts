// Bringing the agent's work back into the editor: review
// the PR branch in VS Code's multi-diff editor (files read-only from git objects, the working tree
// untouched), check it out (with uncommitted changes: stash and switch, or a new worktree, or cancel; and
// back again), or apply its changes to the working tree as a 3-way patch. The git work is in src/changes (the
// one git layer); its messages for failures are shown as they are.
import * as path from 'path';
import * as vscode from 'vscode';
import type { AgentRun, PullRequest } from '../api/types';
import {
  applyChanges,
  compareWithHead,
  diffFigures,
  fetchRunBranch,
  parsePullRequestUrl,
  pullRequestLocalBranch,
  workingTreeState,
  type ChangedFile,
  type FetchedBranch,
  type GitRunner,
  type StateMemento,
} from '../changes';
import { CheckoutFlow } from './checkoutFlow';
import type { DiffFigures } from '../runs/attempts';
import type { Interaction } from '../ui/interaction';
import type { Log } from '../util/log';

export interface ChangesDeps {
  interaction: Interaction;
  log: Log;
  /** The URI scheme file contents are served for (read-only, from git objects; see content()). */
  scheme: string;
  /** The run and pull request a command argument names (a tree node, a run id), or undefined. */
  resolve(argument: unknown): { run: AgentRun; pr: PullRequest } | undefined;
  /** The run's changes were opened: its "to review" marker goes. */
  markReviewed(runId: number): void;
  git: ChangesGit;
  /** Opens VS Code's multi-diff editor; false when this editor lacks it (EditorSurfaces). */
  openMultiDiff(title: string, resources: Array<[vscode.Uri, vscode.Uri | undefined, vscode.Uri | undefined]>): Promise<boolean>;
  /** The workspace's state (workspaceState): where each checkout came from, kept across reloads. */
  workspaceState: StateMemento;
  /** A fetch computed what the run's branch changes against the base (files, lines added and removed). */
  recordFigures?(runId: number, figures: DiffFigures): void;
}

/** The git layer as the editor gives it (GitAdapter): the one runner (behind the workspace's trust) and the git view's refresh. */
export interface ChangesGit {
  readonly runner: GitRunner;
  refresh(root: string): Promise<void>;
}

export interface ContentQuery {
  root: string;
  rev: string;
  path: string;
  /** The file does not exist on this side (added or deleted): empty content. */
  absent?: boolean;
}

export class RunChangesCommands {
  /** Check out and Switch back (their record lives in the workspace's state). */
  private readonly flow: CheckoutFlow;

  constructor(private readonly deps: ChangesDeps) {
    this.flow = new CheckoutFlow({ interaction: deps.interaction, log: deps.log, runner: () => this.runner, refresh: (root) => deps.git.refresh(root), workspaceState: deps.workspaceState });
  }

  private get runner(): GitRunner {
    return this.deps.git.runner;
  }

  /** Review changes: the multi-diff of merge-base(HEAD, branch) against the branch tip. */
  async review(argument: unknown): Promise<string | undefined> {
    const target = this.target(argument);
    if (!target) return undefined;
    const fetched = await this.fetch(target);
    if (!fetched) return undefined;
    const comparison = await compareWithHead(this.runner, fetched.root, fetched.tipSha);
    this.deps.markReviewed(target.run.id);
    await this.flow.noteReviewed(fetched.root, target.run.id, comparison.tip);
    await this.recordFigures(target.run.id, fetched.root, comparison.base, comparison.tip);
    if (comparison.files.length === 0) {
      void this.deps.interaction.showMessage({ severity: 'info', message: vscode.l10n.t('{0} changes nothing compared with your branch.', fetched.branch) });
      return vscode.l10n.t('No changes against your branch.');
    }
    const resources = comparison.files.map((file) => this.resource(fetched.root, comparison.base, comparison.tip, file));
    const title = vscode.l10n.t('Codegen run #{0}: {1}', target.run.id, fetched.branch);
    if (!(await this.deps.openMultiDiff(title, resources))) {
      void this.deps.interaction.showMessage({
        severity: 'warning',
        message: vscode.l10n.t('This editor lacks the multi-diff editor that Review changes opens. Check out or Apply to my working tree still bring the run\'s changes here.'),
      });
      return undefined;
    }
    this.deps.log.info(`Review of run ${target.run.id}: ${comparison.files.length} files, ${comparison.base.slice(0, 8)}..${comparison.tip.slice(0, 8)} in ${fetched.root}.`);
    return vscode.l10n.t('Showing {0} changed files.', comparison.files.length);
  }

  /** Check out: switch to the PR branch; with uncommitted work, ask first. */
  async checkout(argument: unknown): Promise<string | undefined> {
    const target = this.target(argument);
    if (!target) return undefined;
    const fetched = await this.fetch(target);
    if (!fetched) return undefined;
    const ui = this.deps.interaction;
    // The commit fetched (or the one reviewed, if the branch moved since): never the private ref, which may move meanwhile.
    const tipSha = await this.flow.chooseTip(target.run, fetched);
    if (tipSha === undefined) return vscode.l10n.t('Cancelled: nothing changed.');
    // A fork's pull request is not checked out under its head name (often the user's own main).
    const local = await pullRequestLocalBranch(this.runner, fetched, target.pr.url);
    const state = await workingTreeState(this.runner, fetched.root);
    let useWorktree = false;
    if (state.dirty) {
      const stash = vscode.l10n.t('Stash and switch');
      const worktree = vscode.l10n.t('Check out in a new worktree');
      const choice = await ui.showMessage({
        severity: 'warning',
        modal: true,
        message: vscode.l10n.t('You have uncommitted changes in {0}.', path.basename(fetched.root)),
        detail: state.changed.length + state.untracked.length === 1
          ? vscode.l10n.t('1 file is changed or untracked. Stash it (with a message naming run #{0}) and switch to {1}, or check {1} out in a new worktree opened in a new window, leaving this one as it is.', target.run.id, local.name)
          : vscode.l10n.t('{0} files are changed or untracked. Stash them (with a message naming run #{1}) and switch to {2}, or check {2} out in a new worktree opened in a new window, leaving this one as it is.', state.changed.length + state.untracked.length, target.run.id, local.name),
        actions: [stash, worktree],
      });
      if (choice !== stash && choice !== worktree) return vscode.l10n.t('Cancelled: nothing changed.');
      useWorktree = choice === worktree;
    }
    this.deps.markReviewed(target.run.id);
    return useWorktree ? this.flow.inWorktree(target.run, fetched, tipSha, local) : this.flow.switchTo(target.run, fetched, tipSha, local);
  }

  /** Switch back to the branch the last checkout left (recorded across reloads), restoring its stash. */
  async switchBack(rootArgument?: unknown): Promise<string | undefined> {
    return this.flow.switchBack(typeof rootArgument === 'string' ? rootArgument : undefined);
  }

  /** Apply to my working tree: the branch's changes as a 3-way patch, without switching branch. */
  async apply(argument: unknown): Promise<string | undefined> {
    const target = this.target(argument);
    if (!target) return undefined;
    const fetched = await this.fetch(target);
    if (!fetched) return undefined;
    const ui = this.deps.interaction;
    const comparison = await compareWithHead(this.runner, fetched.root, fetched.ref);
    if (comparison.files.length === 0) return vscode.l10n.t('{0} changes nothing compared with your branch.', fetched.branch);
    const applyLabel = vscode.l10n.t('Apply');
    const choice = await ui.showMessage({
      severity: 'info',
      modal: true,
      message: vscode.l10n.t('Apply the changes of {0} ({1} files) to your working tree?', fetched.branch, comparison.files.length),
      detail: vscode.l10n.t('You stay on your branch; nothing is committed. Where your files differ, git merges (3-way) and leaves conflict markers to resolve. Files you edited but did not stage are not touched: the patch is refused instead.'),
      actions: [applyLabel],
    });
    if (choice !== applyLabel) return vscode.l10n.t('Cancelled: nothing changed.');
    this.deps.markReviewed(target.run.id);
    const result = await applyChanges(this.runner, fetched.root, { base: comparison.base, tip: comparison.tip });
    await this.deps.git.refresh(fetched.root);
    switch (result.kind) {
      case 'applied': {
        const message = vscode.l10n.t('Applied {0} files from {1} (staged, not committed).', result.files.length, fetched.branch);
        void ui.showMessage({ severity: 'info', message });
        return message;
      }
      case 'conflicts': {
        const message = vscode.l10n.t('Applied {0} with conflicts in {1}: resolve them as a merge conflict.', fetched.branch, result.conflicted.join(', '));
        void ui.showMessage({ severity: 'warning', message });
        const first = result.conflicted[0];
        if (first !== undefined) await vscode.window.showTextDocument(vscode.Uri.file(path.join(fetched.root, first)), { preview: false });
        return message;
      }
      case 'refused': {
        const why =
          result.reason === 'localChanges'
            ? vscode.l10n.t('you have unstaged edits in {0}; stage or stash them first', result.files.join(', '))
            : result.reason === 'untrackedInTheWay'
              ? vscode.l10n.t('untracked files are in the way: {0}', result.files.join(', '))
              : result.reason === 'unmergedFiles'
                ? vscode.l10n.t('resolve the conflicts you already have first')
                : vscode.l10n.t('git could not apply the patch ({0})', result.detail);
        const message = vscode.l10n.t('Nothing was applied: {0}.', why);
        void ui.showMessage({ severity: 'warning', message });
        return message;
      }
      case 'partlyApplied': {
        const message = vscode.l10n.t('Applying stopped part way: these files were changed: {0}. git said: {1}', result.changedPaths.join(', '), result.detail);
        this.deps.log.error(message);
        void ui.showMessage({ severity: 'error', message });
        return message;
      }
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** The run's PR branch fetched (the one fetch, with its progress and wording), or undefined with the reason shown. */
  async fetchRun(argument: unknown): Promise<{ run: AgentRun; fetched: FetchedBranch } | undefined> {
    const target = this.target(argument);
    if (!target) return undefined;
    const fetched = await this.fetch(target);
    return fetched ? { run: target.run, fetched } : undefined;
  }

  /** Stores what the branch changes from `base` to `tip` on the run (the tree shows it); a failure is only logged. */
  async recordFigures(runId: number, root: string, base: string, tip: string): Promise<void> {
    if (!this.deps.recordFigures) return;
    try {
      this.deps.recordFigures(runId, await diffFigures(this.runner, root, base, tip));
    } catch (error) {
      this.deps.log.debug(`Counting the changes of run ${runId} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * A multi-diff entry under a heading, shown as the file's folder (e.g. "attempt 1 vs attempt 2/src"): the
   * same file can then appear once per comparison. The content still comes from the query (root, commit, path).
   */
  diffEntry(heading: string, root: string, base: string, tip: string, file: ChangedFile): [vscode.Uri, vscode.Uri, vscode.Uri] {
    const [, left, right] = this.resource(root, base, tip, file);
    const under = (uri: vscode.Uri): vscode.Uri => uri.with({ path: `/${heading}${uri.path}` });
    return [under(right), under(left), under(right)];
  }

  private target(argument: unknown): { run: AgentRun; pr: PullRequest & { url: string; headBranchName: string } } | undefined {
    const found = this.deps.resolve(argument);
    const ui = this.deps.interaction;
    if (!found) {
      void ui.showMessage({ severity: 'info', message: vscode.l10n.t('Choose a Codegen run with a pull request (in the Codegen view).') });
      return undefined;
    }
    const { pr } = found;
    if (!pr.url || !pr.headBranchName) {
      void ui.showMessage({ severity: 'info', message: vscode.l10n.t('Run #{0} has no pull request branch to bring back yet.', found.run.id) });
      return undefined;
    }
    return { run: found.run, pr: { ...pr, url: pr.url, headBranchName: pr.headBranchName } };
  }

  /** Fetches the PR branch, with progress; undefined (after saying why) for a virtual workspace; throws a git failure. */
  private async fetch(target: { run: AgentRun; pr: { url: string; headBranchName: string } }): Promise<FetchedBranch | undefined> {
    const ui = this.deps.interaction;
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length > 0 && folders.every((folder) => folder.uri.scheme !== 'file')) {
      void ui.showMessage({ severity: 'warning', message: vscode.l10n.t('This is a virtual workspace: bringing changes back needs a local clone of the repository. Open one, or open the pull request in the browser.') });
      return undefined;
    }
    const local = folders.filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath);
    // A failure is thrown to the one door every command goes through (bringBackErrors.ts), which explains it.
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: fetchingTitle(target.pr.url, target.pr.headBranchName) },
      () => fetchRunBranch(this.runner, { runId: target.run.id, pullRequestUrl: target.pr.url, branch: target.pr.headBranchName, folders: local }),
    );
  }

  /**
   * One entry of the multi-diff: the file at the base (empty for an added file) against the file at the
   * tip (empty for a deleted one), so every changed file has an entry with two sides.
   */
  private resource(root: string, base: string, tip: string, file: ChangedFile): [vscode.Uri, vscode.Uri, vscode.Uri] {
    const label = vscode.Uri.file(path.join(root, file.path));
    const left = this.contentUri(root, base, file.oldPath ?? file.path, file.status === 'added');
    const right = this.contentUri(root, tip, file.path, file.status === 'deleted');
    return [label, left, right];
  }

  private contentUri(root: string, rev: string, filePath: string, absent: boolean): vscode.Uri {
    const query: ContentQuery = absent ? { root, rev, path: filePath, absent: true } : { root, rev, path: filePath };
    return vscode.Uri.from({ scheme: this.deps.scheme, path: `/${filePath}`, query: JSON.stringify(query) });
  }
}

/** The query of a content URI (made by contentUri), or undefined when it is not one. Served by ChangesContentProvider. */
export function parseContentQuery(query: string): ContentQuery | undefined {
  try {
    const value = JSON.parse(query) as Partial<ContentQuery>;
    if (typeof value.root !== 'string' || typeof value.rev !== 'string' || typeof value.path !== 'string') return undefined;
    if (!/^[0-9a-f]{40,64}$/.test(value.rev) || value.path.startsWith('/') || value.path.split('/').includes('..')) return undefined;
    return { root: value.root, rev: value.rev, path: value.path, ...(value.absent === true ? { absent: true } : {}) };
  } catch {
    return undefined;
  }
}

/** "fetching pull request #107 (main)": a fork's head name alone (often main) would read as the user's own branch. */
function fetchingTitle(pullRequestUrl: string, branch: string): string {
  const number = parsePullRequestUrl(pullRequestUrl)?.number;
  return number === undefined
    ? vscode.l10n.t('Codegen: fetching {0}', branch.slice(0, 120))
    : vscode.l10n.t('Codegen: fetching pull request #{0} ({1})', number, branch.slice(0, 120));
}
