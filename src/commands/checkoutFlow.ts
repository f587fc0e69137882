// Check out and Switch back, as the user sees them: the tip checked out is the one fetched (and, if the run was
// reviewed here, the one reviewed: a branch that moved since is said and asked about); a force-pushed branch
// is followed, or reset after a backup when the user agrees; files in the way are named; every checkout is
// recorded in the workspace's state (WhereYouWere), so Switch back works after a reload and restores every
// stash where it was made. The git work is in src/changes.
import * as path from 'path';
import * as vscode from 'vscode';
import type { AgentRun } from '../api/types';
import {
  addWorktree,
  checkOutAndRecord,
  nameFiles,
  resolveCommit,
  switchBackAndRecord,
  WhereYouWere,
  type FetchedBranch,
  type PullRequestLocalBranch,
  type GitRunner,
  type PreviousHead,
  type SavedStash,
  type StateMemento,
  type SwitchResult,
  type WorktreeRequest,
} from '../changes';
import { Commands } from '../ids';
import type { Interaction } from '../ui/interaction';
import type { Log } from '../util/log';

export interface CheckoutFlowDeps {
  interaction: Interaction;
  log: Log;
  runner(): GitRunner;
  refresh(root: string): Promise<void>;
  /** The workspace's state (VS Code's workspaceState): where the checkouts came from survives a reload. */
  workspaceState: StateMemento;
}

export class CheckoutFlow {
  private readonly where: WhereYouWere;

  constructor(private readonly deps: CheckoutFlowDeps) {
    this.where = new WhereYouWere(deps.workspaceState);
  }

  /** The tip the run's review showed, by repository (kept across reloads): Check out takes that one, or asks when the branch moved since. */
  async noteReviewed(root: string, runId: number, tipSha: string): Promise<void> {
    await this.where.setReviewedTip(root, runId, tipSha);
  }

  /** The commit to check out: the fetched tip, unless the run was reviewed at another one here (then the user says which). */
  async chooseTip(run: AgentRun, fetched: FetchedBranch): Promise<string | undefined> {
    const seen = this.where.reviewedTip(fetched.root, run.id);
    if (seen === undefined || seen === fetched.tipSha) return fetched.tipSha;
    // A reviewed commit the repository no longer holds (a new clone) cannot be checked out: the fetched tip it is.
    if ((await resolveCommit(this.deps.runner(), fetched.root, `${seen}^{commit}`)) === undefined) return fetched.tipSha;
    const latest = vscode.l10n.t('Check out the new tip');
    const reviewed = vscode.l10n.t('Check out what I reviewed');
    const choice = await this.deps.interaction.showMessage({
      severity: 'warning',
      modal: true,
      message: vscode.l10n.t('{0} moved since you reviewed it.', fetched.branch),
      detail: vscode.l10n.t('You reviewed {0}; the pull request branch is at {1} now. Review it again to see the new changes, or choose which one to check out.', seen.slice(0, 8), fetched.tipSha.slice(0, 8)),
      actions: [latest, reviewed],
    });
    return choice === latest ? fetched.tipSha : choice === reviewed ? seen : undefined;
  }

  async switchTo(run: AgentRun, fetched: FetchedBranch, tipSha: string, local: PullRequestLocalBranch): Promise<string | undefined> {
    const ui = this.deps.interaction;
    const request = { branch: local.name, tipSha, runId: run.id, ...(local.upstreamRemote !== undefined ? { remoteName: local.upstreamRemote } : {}) };
    let result: SwitchResult;
    try {
      result = await checkOutAndRecord(this.deps.runner(), this.where, fetched.root, request);
      if (result.kind === 'diverged') {
        const resetDiverged = await this.askReset(result);
        if (!resetDiverged) return vscode.l10n.t('Your local branch {0} has commits the pull request branch does not: nothing changed.', result.branch);
        result = await checkOutAndRecord(this.deps.runner(), this.where, fetched.root, { ...request, resetDiverged });
      }
    } finally {
      await this.deps.refresh(fetched.root);
    }
    switch (result.kind) {
      case 'switched': {
        const from = describe(result.previous);
        const moved = result.backup !== undefined
          ? vscode.l10n.t(' {0} was reset to the pull request branch; its commits are on {1}.', result.branch, result.backup)
          : result.movedFrom !== undefined ? vscode.l10n.t(' {0} followed the force-pushed pull request branch.', result.branch) : '';
        const message = result.stash
          ? vscode.l10n.t('Switched to {0} (you were on {1}). Your changes are stashed as "{2}".', result.branch, from, result.stash.message) + moved
          : vscode.l10n.t('Switched to {0} (you were on {1}).', result.branch, from) + moved;
        const back = vscode.l10n.t('Switch back to {0}', from);
        // Through the command, so a failure is explained like any other (bringBackErrors.ts).
        void ui.showMessage({ severity: 'info', message, actions: [back] }).then((choice) => (choice === back ? vscode.commands.executeCommand(Commands.switchBack, fetched.root) : undefined));
        return message;
      }
      case 'alreadyOnBranch':
        return vscode.l10n.t('You are on {0} already, at the tip of the pull request or ahead of it.', result.branch);
      case 'diverged': {
        const message = vscode.l10n.t('Your local branch {0} has commits the pull request branch does not: nothing changed.', result.branch);
        void ui.showMessage({ severity: 'warning', message });
        return message;
      }
      case 'checkedOutElsewhere': {
        const open = vscode.l10n.t('Open that worktree');
        const message = vscode.l10n.t('{0} is checked out in another worktree: {1}', result.branch, result.worktreePath);
        void ui.showMessage({ severity: 'info', message, actions: [open] }).then(async (choice) => {
          if (choice === open) await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(result.worktreePath), { forceNewWindow: true });
        });
        return message;
      }
      case 'unmergedFiles': {
        const message = vscode.l10n.t('Resolve the conflicts in {0} first: nothing changed.', nameFiles(result.files));
        void ui.showMessage({ severity: 'warning', message });
        return message;
      }
      case 'filesInTheWay': {
        const message = vscode.l10n.t('Not checked out: {0} has files that are here already, untracked or ignored, and git does not overwrite them: {1}. Move or rename them, then check out again. Nothing changed.', fetched.branch, nameFiles(result.files));
        void ui.showMessage({ severity: 'warning', message });
        return message;
      }
    }
  }

  async inWorktree(run: AgentRun, fetched: FetchedBranch, tipSha: string, local: PullRequestLocalBranch): Promise<string | undefined> {
    const dir = path.join(path.dirname(fetched.root), `${path.basename(fetched.root)}-codegen-run-${run.id}`);
    const ownTip = this.where.ownTip(fetched.root, local.name);
    const request: WorktreeRequest = {
      dir, branch: local.name, tipSha,
      ...(local.upstreamRemote !== undefined ? { remoteName: local.upstreamRemote } : {}),
      ...(ownTip !== undefined ? { ownTip } : {}),
    };
    let result = await addWorktree(this.deps.runner(), fetched.root, request);
    if (result.kind === 'diverged') {
      const resetDiverged = await this.askReset(result);
      if (!resetDiverged) return vscode.l10n.t('Your local branch {0} has commits the pull request branch does not: nothing changed.', result.branch);
      result = await addWorktree(this.deps.runner(), fetched.root, { ...request, resetDiverged });
    }
    const ui = this.deps.interaction;
    if (result.kind === 'added') {
      if (result.createdBranch || result.fastForwarded || result.movedFrom !== undefined) await this.where.setOwnTip(fetched.root, result.branch, result.tipSha);
      this.deps.log.info(`Worktree for run ${run.id}: ${result.path} on ${result.branch}.`);
      await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(result.path), { forceNewWindow: true });
      const moved = result.backup !== undefined ? vscode.l10n.t(' {0} was reset to the pull request branch; its commits are on {1}.', result.branch, result.backup) : '';
      return vscode.l10n.t('Checked out {0} in {1} (a new window); this window is unchanged.', result.branch, result.path) + moved;
    }
    const message =
      result.kind === 'pathNotEmpty'
        ? vscode.l10n.t('{0} exists and is not empty: nothing changed.', result.path)
        : result.kind === 'checkedOutElsewhere'
          ? vscode.l10n.t('{0} is checked out in another worktree: {1}', result.branch, result.worktreePath)
          : vscode.l10n.t('Your local branch {0} has commits the pull request branch does not: nothing changed.', result.branch);
    void ui.showMessage({ severity: 'warning', message });
    return message;
  }

  /** A local branch with commits the PR branch lacks (it was force-pushed): reset it, after a backup branch keeps them? */
  private async askReset(diverged: { branch: string; localSha: string; backup: string }): Promise<{ localSha: string; backup: string } | undefined> {
    const reset = vscode.l10n.t('Reset, keeping a backup branch');
    const choice = await this.deps.interaction.showMessage({
      severity: 'warning',
      modal: true,
      message: vscode.l10n.t('Your local branch {0} has commits the pull request branch does not have.', diverged.branch),
      detail: vscode.l10n.t('The pull request branch was probably rewritten (force-pushed). Reset {0} to it? Your local commits are kept first on the branch {1}; uncommitted changes are stashed as for any checkout. Or cancel: nothing changes.', diverged.branch, diverged.backup),
      actions: [reset],
    });
    return choice === reset ? { localSha: diverged.localSha, backup: diverged.backup } : undefined;
  }

  /** Back from the last checkout in `root` (default: the latest one recorded), restoring its stash. */
  async switchBack(root?: string): Promise<string | undefined> {
    const ui = this.deps.interaction;
    const outcome = await switchBackAndRecord(this.deps.runner(), this.where, root);
    if (outcome.kind === 'nothingRecorded') {
      const message = outcome.root !== undefined && outcome.stashes.length > 0
        ? vscode.l10n.t('No Codegen checkout is recorded to switch back from. Stashes Codegen made are still in {0}: {1}. Apply one from the Source Control view (Stashes) or with git stash apply.', path.basename(outcome.root), listStashes(outcome.stashes))
        : vscode.l10n.t('There is no Codegen checkout to switch back from in this window.');
      void ui.showMessage({ severity: 'info', message });
      return undefined;
    }
    const repository = outcome.departure.root;
    await this.deps.refresh(repository);
    const where = describe(outcome.departure.previous);
    if (outcome.kind === 'dirty') {
      void ui.showMessage({ severity: 'warning', message: vscode.l10n.t('You have uncommitted changes on {0}: {1}. Commit or stash them, then switch back to {2}.', outcome.departure.branch, nameFiles(outcome.files), where) });
      return undefined;
    }
    if (outcome.kind === 'filesInTheWay') {
      void ui.showMessage({ severity: 'warning', message: vscode.l10n.t('Not switched back: {0} has files that are here already, untracked or ignored, and git does not overwrite them: {1}. Move or rename them, then switch back.', where, nameFiles(outcome.files)) });
      return undefined;
    }
    const stashNote =
      outcome.stash === 'restored' ? vscode.l10n.t(' Your stashed changes are back.') : outcome.stash === 'conflicts' ? vscode.l10n.t(' Your stashed changes conflict: the stash is kept; resolve the conflicts.') : outcome.stash === 'notFound' ? vscode.l10n.t(' The stash was not found any more.') : '';
    const others = outcome.otherStashes.length > 0 ? vscode.l10n.t(' Other stashes Codegen made are still there: {0}.', listStashes(outcome.otherStashes)) : '';
    const message = vscode.l10n.t('Back on {0}.{1}', where, stashNote) + others;
    const next = outcome.remaining.at(-1);
    const actions = next ? [vscode.l10n.t('Switch back to {0}', describe(next.previous))] : [];
    void ui.showMessage({ severity: outcome.stash === 'conflicts' ? 'warning' : 'info', message, actions }).then((choice) => (choice !== undefined && choice === actions[0] ? vscode.commands.executeCommand(Commands.switchBack, repository) : undefined));
    return message;
  }
}

function describe(previous: PreviousHead): string {
  return previous.kind === 'branch' ? previous.name : previous.sha.slice(0, 8);
}

function listStashes(stashes: readonly SavedStash[]): string {
  return nameFiles(stashes.map((stash) => `"${stash.message}" (${stash.sha.slice(0, 8)})`), 5);
}
