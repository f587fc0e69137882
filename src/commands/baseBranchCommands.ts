// The base branch a run was started from ("Include my uncommitted changes"): deleted from the remote, after
// asking, when the run's pull request is merged or closed (watching the run store), or by the command
// "Codegen: Delete the base branch of this run". The run remembers the branch in its metadata (base_branch,
// base_remote), kept with the run; only `codegen/base/<hex>` names are ever deleted.
import * as vscode from 'vscode';
import { deleteBaseBranch } from '../changes/baseBranch';
import { isBaseBranchName } from '../changes/baseBranchPrompt';
import { repositoryOfWorkspace, type GitRunner } from '../changes';
import { StateKeys } from '../ids';
import type { AgentRun } from '../api/types';
import { runTitle } from '../runs/runModel';
import { runFromArgument } from '../runs/runNodes';
import type { RunStore } from '../runs/runStore';
import type { Interaction } from '../ui/interaction';
import { showError } from '../ui/showError';
import type { Disposable } from '../util/events';
import type { Log } from '../util/log';

export interface BaseBranchDeps {
  interaction: Interaction;
  log: Log;
  store: Pick<RunStore, 'get' | 'runs' | 'onDidChange'>;
  runner: GitRunner;
  /** The workspace's local folders (where the repository is looked for). */
  folders(): string[];
  /** Where the base branches already asked about are remembered (globalState), so a reload does not ask again. */
  memory?: Pick<vscode.Memento, 'get' | 'update'>;
}

/** How many base branches already asked about are remembered (the newest). */
const MAX_REMEMBERED = 500;

/** The base branch a run remembers, or undefined. */
export function baseBranchOf(run: AgentRun | undefined): { branch: string; remote: string } | undefined {
  const branch = run?.metadata?.['base_branch'];
  const remote = run?.metadata?.['base_remote'];
  return isBaseBranchName(branch) && typeof remote === 'string' && /^[A-Za-z0-9._-]{1,100}$/.test(remote) ? { branch, remote } : undefined;
}

/** Merged or closed: every pull request of the run (at least one). */
export function pullRequestsFinished(run: AgentRun): boolean {
  return run.pullRequests.length > 0 && run.pullRequests.every((pr) => pr.merged === true || /^(closed|merged)$/i.test(pr.state ?? ''));
}

export class BaseBranchCommands implements Disposable {
  /** Runs already asked about in this window (the answer "Keep" is not asked again). */
  private readonly asked = new Set<number>();
  private readonly subscription: Disposable;

  constructor(private readonly deps: BaseBranchDeps) {
    this.subscription = deps.store.onDidChange(() => void this.watch());
  }

  /** The command: asks, then deletes the run's base branch from its remote. */
  async deleteForRun(argument: unknown): Promise<boolean> {
    const run = argument === undefined ? await this.pickRun() : runFromArgument(this.deps.store, argument);
    if (argument === undefined && !run) return false;
    const base = baseBranchOf(run);
    if (!run || !base) {
      void this.deps.interaction.showMessage({ severity: 'info', message: vscode.l10n.t('This run was not started from uncommitted changes: it has no base branch.') });
      return false;
    }
    return this.askAndDelete(run, base, vscode.l10n.t('Delete the branch {0} from {1}?', base.branch, base.remote), true);
  }

  /** From the palette (no run given): which of the runs started from uncommitted changes. */
  private async pickRun(): Promise<AgentRun | undefined> {
    const runs = this.deps.store.runs.filter((run) => baseBranchOf(run) !== undefined);
    if (runs.length === 0) {
      void this.deps.interaction.showMessage({ severity: 'info', message: vscode.l10n.t('No run in the Codegen view was started from uncommitted changes: there is no base branch to delete.') });
      return undefined;
    }
    return this.deps.interaction.showPick(
      runs.map((run) => ({ label: runTitle(run), description: baseBranchOf(run)?.branch ?? '', value: run })),
      { title: vscode.l10n.t('Delete the base branch of this run'), placeHolder: vscode.l10n.t('Delete the base branch of which run?') },
    );
  }

  private async watch(): Promise<void> {
    for (const run of this.deps.store.runs) {
      const base = baseBranchOf(run);
      if (!base || this.asked.has(run.id) || !pullRequestsFinished(run)) continue;
      if (this.remembered().includes(base.branch)) {
        this.asked.add(run.id);
        continue;
      }
      // Several agents on one request share one base branch: asked once the last of them is finished.
      const sharing = this.deps.store.runs.filter((other) => baseBranchOf(other)?.branch === base.branch);
      if (!sharing.every(pullRequestsFinished)) continue;
      for (const other of sharing) this.asked.add(other.id);
      await this.remember(base.branch);
      await this.askAndDelete(run, base, vscode.l10n.t('The pull request of run #{0} is merged or closed. Delete its base branch {1} from {2}?', run.id, base.branch, base.remote), false);
    }
  }

  private remembered(): string[] {
    const value = this.deps.memory?.get<unknown>(StateKeys.baseBranchesAsked);
    return Array.isArray(value) ? value.filter(isBaseBranchName) : [];
  }

  /** Asked once, whatever the answer: a reload or another window does not ask again (the command still can). */
  private async remember(branch: string): Promise<void> {
    const kept = this.remembered().filter((known) => known !== branch);
    try {
      await this.deps.memory?.update(StateKeys.baseBranchesAsked, [...kept, branch].slice(-MAX_REMEMBERED));
    } catch (error) {
      this.deps.log.warn(`Could not remember the base branch ${branch}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Asks (modal when the user asked for it by the command; a notification when a finished PR prompts it), then deletes. */
  private async askAndDelete(run: AgentRun, base: { branch: string; remote: string }, question: string, modal: boolean): Promise<boolean> {
    const { interaction, log } = this.deps;
    const remove = vscode.l10n.t('Delete branch');
    const choice = await interaction.showMessage({
      severity: 'warning',
      modal,
      message: question,
      detail: vscode.l10n.t('It holds the uncommitted changes the run started from. Your own branch and files are not touched.'),
      actions: [remove],
    });
    if (choice !== remove) return false;
    try {
      const root = await repositoryOfWorkspace(this.deps.runner, this.deps.folders());
      if (root === undefined) throw new Error(vscode.l10n.t('Open the repository the run was sent from.'));
      const deleted = await deleteBaseBranch(this.deps.runner, root, base.remote, base.branch);
      log.info(`Base branch ${base.branch} of run ${run.id}: ${deleted ? 'deleted from' : 'already gone from'} ${base.remote}.`);
      void interaction.showMessage({ severity: 'info', message: deleted ? vscode.l10n.t('Deleted {0} from {1}.', base.branch, base.remote) : vscode.l10n.t('{0} was already gone from {1}.', base.branch, base.remote) });
      return true;
    } catch (error) {
      await showError(interaction, log, error, 'Deleting the base branch');
      return false;
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
