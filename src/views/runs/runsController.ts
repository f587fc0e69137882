// Connects the account's runs (store and poller, see runs/accountRuns) to VS Code: the Runs tree view
// (visibility, message, badge, description), window focus, settings, and the signed-in session.
import * as vscode from 'vscode';
import type { Session } from '../../auth/session';
import type { Settings } from '../../config/settings';
import { settingId, Settings as SettingKeys, StateKeys, Views } from '../../ids';
import { AccountRuns } from '../../runs/accountRuns';
import { DiffFiguresStore } from '../../runs/attempts';
import { RunsCache } from '../../runs/persistence';
import type { RunPoller } from '../../runs/poller';
import type { RunFilter } from '../../runs/runModel';
import { RunStore } from '../../runs/runStore';
import type { Clock } from '../../util/clock';
import type { Log } from '../../util/log';
import { RunDecorations } from './runDecorations';
import { RunsTreeProvider, viewMessage } from './runsTree';

export class RunsController implements vscode.Disposable {
  readonly store: RunStore;
  readonly tree: RunsTreeProvider;
  /** Files changed and lines added/removed of the runs whose branch was fetched (attempt rows show them). */
  readonly figures = new DiffFiguresStore();
  readonly view: vscode.TreeView<unknown>;
  /** The "changes to review" badge on run rows. */
  readonly decorations: RunDecorations;
  private readonly account: AccountRuns;
  private readonly subscriptions: vscode.Disposable[] = [];
  private messageTimer: ReturnType<Clock['setTimeout']> | undefined;
  /** The last account update, for tests: resolves when its runs were restored. */
  private updating: Promise<void> = Promise.resolve();

  constructor(
    context: vscode.ExtensionContext,
    private readonly session: Session,
    settings: Settings,
    private readonly clock: Clock,
    private readonly log: Log,
  ) {
    const onListenerError = (error: unknown): void => log.error(`A Codegen runs listener failed: ${errorText(error)}`);
    this.store = new RunStore({ clock, onSaveError: (e) => log.warn(`Could not save the last-known runs: ${String(e)}`), onListenerError });
    this.tree = new RunsTreeProvider(this.store, clock, this.figures);
    this.view = vscode.window.createTreeView(Views.runs, { treeDataProvider: this.tree, showCollapseAll: true });
    this.decorations = new RunDecorations(this.store);
    this.subscriptions.push(this.decorations, vscode.window.registerFileDecorationProvider(this.decorations));
    const globalStorage = context.globalStorageUri;
    this.account = new AccountRuns({
      api: session.api,
      store: this.store,
      cache: new RunsCache({ load: () => context.globalState.get<unknown>(StateKeys.runsCache), save: (value) => Promise.resolve(context.globalState.update(StateKeys.runsCache, value)) }),
      filterStorage: { load: () => context.globalState.get<unknown>(StateKeys.runsFilter), save: (filter) => Promise.resolve(context.globalState.update(StateKeys.runsFilter, filter)) },
      clock,
      intervalSeconds: () => settings.pollingIntervalSeconds,
      viewVisible: () => this.view.visible,
      windowFocused: () => vscode.window.state.focused,
      // Windows share one polling budget through a lease in the global storage folder (local disks only).
      shared: globalStorage.scheme === 'file' ? { dir: vscode.Uri.joinPath(globalStorage, 'polling').fsPath } : undefined,
      onError: (error) => log.warn(`Refreshing runs failed: ${error instanceof Error ? error.message : String(error)}`),
      onInfo: (message) => log.info(message),
    });
    this.subscriptions.push(
      this.view,
      this.tree,
      this.figures,
      this.store,
      this.account,
      this.view.onDidChangeVisibility((e) => {
        this.poller?.setViewVisible(e.visible);
        if (e.visible) this.tree.refreshLabels();
      }),
      vscode.window.onDidChangeWindowState((state) => this.poller?.setWindowFocused(state.focused)),
      this.store.onDidChange(() => this.updateViewChrome()),
      session.onDidChangeState((state) => this.follow(state)),
      settings.onDidChange((event) => {
        if (event.affectsConfiguration(settingId(SettingKeys.pollingIntervalSeconds))) this.poller?.setIntervalSeconds(settings.pollingIntervalSeconds);
      }),
    );
    this.follow(session.state);
    this.updateViewChrome();
  }

  /** The poller of the current account, for tests and benches. */
  get currentPoller(): RunPoller | undefined {
    return this.account.currentPoller;
  }

  /** Resolves when the latest session state has been applied (its runs restored). */
  whenSettled(): Promise<void> {
    return this.updating;
  }

  /**
   * Polls now; without a poller, says what is missing (token, organization). A session state published just
   * before (a sign-in, another organization) is applied first: the refresh reaches that account's poller,
   * not the one being replaced, and never reads a sign-in in progress as "signed out".
   */
  async refreshNow(): Promise<boolean> {
    await this.updating;
    if (!this.poller) return false;
    await this.poller.refreshNow();
    return true;
  }

  /** A run was created here: polling gets fast again, with no request now (RunPoller.noteActivity). */
  noteActivity(): void {
    this.poller?.noteActivity();
  }

  setFilter(filter: RunFilter): void {
    this.account.setFilter(filter);
    this.updateViewChrome();
  }

  async loadMore(): Promise<void> {
    await this.poller?.loadMore();
  }

  private get poller(): RunPoller | undefined {
    return this.account.currentPoller;
  }

  /** Applies session states one after another; one that fails is logged and the next still runs. */
  private follow(state: Session['state']): void {
    this.updating = this.updating
      .then(async () => {
        await this.account.update(state);
        this.updateViewChrome();
      })
      .catch((error: unknown) => this.log.error(`Following the Codegen account failed: ${errorText(error)}`));
  }

  private updateViewChrome(): void {
    const state = this.session.state;
    const now = this.clock.now();
    this.view.message = viewMessage(this.store, now, state.signedIn, state.organizationId !== undefined);
    const needsYou = this.store.counts().needsYou;
    const unreviewed = this.store.unreviewedCount();
    const parts = [
      needsYou === 0 ? undefined : needsYou === 1 ? vscode.l10n.t('1 Codegen run waiting for you') : vscode.l10n.t('{0} Codegen runs waiting for you', needsYou),
      unreviewed === 0 ? undefined : unreviewed === 1 ? vscode.l10n.t('1 finished run with changes to review') : vscode.l10n.t('{0} finished runs with changes to review', unreviewed),
    ].filter((part): part is string => part !== undefined);
    this.view.badge = needsYou + unreviewed > 0 ? { value: needsYou + unreviewed, tooltip: parts.join(' · ') } : undefined;
    const filter = this.store.filter;
    const scope = filter.scope === 'mine' ? vscode.l10n.t('Mine') : vscode.l10n.t('Organization');
    this.view.description = state.signedIn ? `${scope}${filter.sourceType ? ` · ${filter.sourceType}` : ''}` : undefined;
    // A "retrying in 20 s" message counts down without any request.
    this.clock.clearTimeout(this.messageTimer);
    this.messageTimer = this.store.status.kind === 'rateLimited' ? this.clock.setTimeout(() => this.updateViewChrome(), 1000) : undefined;
  }

  dispose(): void {
    this.clock.clearTimeout(this.messageTimer);
    for (const s of this.subscriptions) s.dispose();
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
