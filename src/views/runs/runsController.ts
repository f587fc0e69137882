// Connects the run store and poller to VS Code: the Runs tree view (visibility, message, badge,
// description), window focus, settings, and the signed-in session. A poller exists only while the user
// is signed in with an organization; it polls only while that is useful (see RunPoller).
import * as vscode from 'vscode';
import type { Session, SessionState } from '../../auth/session';
import type { Settings } from '../../config/settings';
import { RunPoller } from '../../runs/poller';
import { RunStore, type RunFilter, type RunStorage } from '../../runs/runStore';
import type { Clock } from '../../util/clock';
import type { Log } from '../../util/log';
import type { RunsRefresher } from '../../commands/runCommands';
import { RunsTreeProvider, viewMessage } from './runsTree';

const CACHE_KEY = 'codegen.runs.lastKnown';

export class RunsController implements RunsRefresher, vscode.Disposable {
  readonly store: RunStore;
  readonly tree: RunsTreeProvider;
  readonly view: vscode.TreeView<unknown>;
  private poller: RunPoller | undefined;
  private pollerAccount: string | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private messageTimer: ReturnType<Clock['setTimeout']> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly session: Session,
    private readonly settings: Settings,
    private readonly clock: Clock,
    private readonly log: Log,
  ) {
    const storage: RunStorage = {
      load: () => Promise.resolve(context.globalState.get<unknown>(CACHE_KEY)),
      save: (value) => Promise.resolve(context.globalState.update(CACHE_KEY, value)),
    };
    this.store = new RunStore({ storage, clock, onSaveError: (e) => log.warn(`Could not save the last-known runs: ${String(e)}`) });
    this.tree = new RunsTreeProvider(this.store, clock);
    this.view = vscode.window.createTreeView('codegen.runs', { treeDataProvider: this.tree, showCollapseAll: true });
    this.subscriptions.push(
      this.view,
      this.tree,
      this.store,
      this.view.onDidChangeVisibility((e) => {
        this.poller?.setViewVisible(e.visible);
        if (e.visible) this.tree.refreshLabels();
      }),
      vscode.window.onDidChangeWindowState((state) => this.poller?.setWindowFocused(state.focused)),
      this.store.onDidChange(() => this.updateViewChrome()),
      session.onDidChangeState((state) => this.onSessionChanged(state)),
      settings.onDidChange((event) => {
        if (event.affectsConfiguration('codegen.polling.intervalSeconds')) this.poller?.setIntervalSeconds(settings.pollingIntervalSeconds);
      }),
    );
    this.onSessionChanged(session.state);
    this.updateViewChrome();
  }

  /** The poller of the current account, for tests and benches. */
  get currentPoller(): RunPoller | undefined {
    return this.poller;
  }

  async refreshNow(): Promise<void> {
    if (!this.poller) {
      const state = this.session.state;
      if (!state.signedIn) await vscode.commands.executeCommand('codegen.setToken');
      else if (state.organizationId === undefined) await vscode.commands.executeCommand('codegen.selectOrganization');
      return;
    }
    await this.poller.refreshNow();
  }

  setFilter(filter: RunFilter): void {
    if (this.poller) this.poller.setFilter(filter);
    else this.store.setFilter(filter);
    this.updateViewChrome();
  }

  async loadMore(): Promise<void> {
    await this.poller?.loadMore();
  }

  private onSessionChanged(state: SessionState): void {
    const ready = state.signedIn && state.organizationId !== undefined && state.configurationError === undefined;
    if (!ready || state.organizationId === undefined) {
      this.stopPolling();
      if (!state.signedIn) this.store.clear();
      this.updateViewChrome();
      return;
    }
    // Another service (base URL), organization or token is another account: a fresh poller (the user of
    // 'mine' is asked again), no inherited waits.
    const baseUrl = this.settings.apiBaseUrl;
    const account = `${baseUrl.ok ? baseUrl.url : ''}|${state.organizationId}|${state.tokenGeneration}`;
    if (this.poller && this.pollerAccount === account) {
      this.poller.resume();
      return;
    }
    this.stopPolling();
    this.store.clear();
    void this.store.restore({ organizationId: state.organizationId });
    const shared = this.sharedPolling();
    this.poller = new RunPoller({
      api: this.session.api,
      store: this.store,
      orgId: state.organizationId,
      clock: this.clock,
      intervalSeconds: this.settings.pollingIntervalSeconds,
      viewVisible: this.view.visible,
      windowFocused: vscode.window.state.focused,
      shared,
      onError: (error) => this.log.warn(`Refreshing runs failed: ${error instanceof Error ? error.message : String(error)}`),
    });
    this.pollerAccount = account;
    this.log.info(`Following runs of organization ${state.organizationId}${shared ? ' (polling shared with other windows)' : ''}.`);
  }

  /** Windows share one polling budget through a lease in the global storage folder (local disks only). */
  private sharedPolling(): { dir: string } | undefined {
    const uri = this.context.globalStorageUri;
    return uri.scheme === 'file' ? { dir: vscode.Uri.joinPath(uri, 'polling').fsPath } : undefined;
  }

  private stopPolling(): void {
    this.poller?.dispose();
    this.poller = undefined;
    this.pollerAccount = undefined;
  }

  private updateViewChrome(): void {
    const state = this.session.state;
    const now = this.clock.now();
    this.view.message = viewMessage(this.store, now, state.signedIn, state.organizationId !== undefined);
    const needsYou = this.store.counts().needsYou;
    this.view.badge =
      needsYou > 0
        ? { value: needsYou, tooltip: needsYou === 1 ? vscode.l10n.t('1 Codegen run waiting for you') : vscode.l10n.t('{0} Codegen runs waiting for you', needsYou) }
        : undefined;
    const filter = this.store.filter;
    const scope = filter.scope === 'mine' ? vscode.l10n.t('Mine') : vscode.l10n.t('Organization');
    this.view.description = state.signedIn ? `${scope}${filter.sourceType ? ` · ${filter.sourceType}` : ''}` : undefined;
    // A "retrying in 20 s" message counts down without any request.
    this.clock.clearTimeout(this.messageTimer);
    this.messageTimer = this.store.status.kind === 'rateLimited' ? this.clock.setTimeout(() => this.updateViewChrome(), 1000) : undefined;
  }

  dispose(): void {
    this.clock.clearTimeout(this.messageTimer);
    this.stopPolling();
    for (const s of this.subscriptions) s.dispose();
  }
}
