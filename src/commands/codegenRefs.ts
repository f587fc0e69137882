// Keeps the promise of the README: one private ref per pull request (refs/codegen/pulls/...), removed once no
// run the extension holds names that pull request. A while after the set of pull requests the held runs name
// changes (an account switch or a refresh drops some; a status update does not count) and when the workspace
// becomes trusted, every repository of the workspace is pruned (pruneWorkspaceRefs). Nothing at startup: the
// set first seen is the baseline (no timer, no git). Never in an untrusted workspace: that would run git.
import * as vscode from 'vscode';
import { pruneWorkspaceRefs, type GitRunner } from '../changes';
import type { Clock, TimerHandle } from '../util/clock';
import type { Log } from '../util/log';

/** How long after the last change of the runs the refs are pruned. */
export const PRUNE_DELAY_MS = 10_000;

export class CodegenRefsJanitor implements vscode.Disposable {
  private timer: TimerHandle | undefined;
  private readonly subscriptions: vscode.Disposable[];
  private disposed = false;
  /** The held pull requests the refs were last pruned for (or first seen): a change of runs that keeps them prunes nothing. */
  private heldSeen: string | undefined;

  constructor(
    private readonly runner: GitRunner,
    private readonly localFolders: () => string[],
    /** The pull request urls of every run held. */
    private readonly heldPullRequestUrls: () => string[],
    onDidChangeRuns: (listener: () => void) => vscode.Disposable,
    private readonly clock: Clock,
    private readonly log: Log,
  ) {
    this.subscriptions = [onDidChangeRuns(() => this.runsChanged()), vscode.workspace.onDidGrantWorkspaceTrust(() => this.schedule())];
  }

  private runsChanged(): void {
    const held = [...new Set(this.heldPullRequestUrls())].sort().join('\n');
    if (this.heldSeen === undefined) this.heldSeen = held;
    if (held === this.heldSeen) return;
    this.heldSeen = held;
    this.schedule();
  }

  /** Prunes now (the test hooks call it; the timer does otherwise). */
  async prune(): Promise<void> {
    if (this.disposed || !vscode.workspace.isTrusted) return;
    try {
      const removed = await pruneWorkspaceRefs(this.runner, this.localFolders(), this.heldPullRequestUrls());
      for (const [root, refs] of removed) this.log.info(`Removed ${refs.length} Codegen refs no run names any more in ${root}.`);
    } catch (error) {
      this.log.debug(`Could not prune the Codegen refs: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private schedule(): void {
    if (this.disposed) return;
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.prune();
    }, PRUNE_DELAY_MS);
  }

  dispose(): void {
    this.disposed = true;
    this.clock.clearTimeout(this.timer);
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }
}
