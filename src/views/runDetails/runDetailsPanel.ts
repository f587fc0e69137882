// The run details panels (vscode side): one webview panel per run, restored after a reload by a
// serializer that needs only {runId}. Each panel keeps the run's loaded log, polls new entries while
// the run is in progress and the panel is visible, and answers the webview's typed messages, each
// validated on receipt. The webview is not retained when hidden: it asks for state again ('ready').

import * as vscode from 'vscode';
import { isApiError } from '../../api/errors';
import { statusCategory } from '../../api/status';
import type { AgentRun, CodegenApi, LogsPage, LogsQuery } from '../../api/types';
import { logEntryToText } from '../../protocol/logText';
import {
  assertNever,
  describeRefused,
  parseFromWebview,
  type ActionKind,
  type ExportFormat,
  type FromWebview,
  type ResultKind,
  type ToWebview,
} from '../../protocol/messages';
import { parseRunDetailsState } from '../../protocol/panelState';
import { safeHttpsUrl } from '../../protocol/urls';
import { defaultRunTitle, toLabel, toRunView } from '../../protocol/viewModels';
import { systemClock, type Clock, type TimerHandle } from '../../util/clock';
import { buildShellHtml } from './html';
import { RunLogFeed, type FeedUpdate } from './logFeed';

export const RUN_DETAILS_VIEW_TYPE = 'codegen.runDetails';

/** Minimum time between two log polls of one panel (the logs class allows 60 requests per 60 s per token). */
export const LOG_POLL_INTERVAL_MS = 5_000;
/** Longest wait between polls after repeated failures. */
export const LOG_POLL_MAX_BACKOFF_MS = 60_000;
/** After a follow-up, keep following the run this long even before its status says it is running again. */
export const FOLLOW_AFTER_FOLLOW_UP_MS = 60_000;

/** Failures that retrying will not fix: wait for the user's Retry instead of polling on. */
const PERMANENT_ERROR_KINDS = new Set(['unauthorized', 'forbidden', 'notFound', 'billing', 'invalid']);

export interface RunDetailsLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What the panels need from the rest of the extension. */
export interface RunDetailsDeps {
  /** Latest known state of a run (the run store). */
  getRun(runId: number): AgentRun | undefined;
  /** Fires when the run store changed. */
  onDidChangeRuns(listener: () => void): { dispose(): void };
  /** GET the run through the client. */
  refreshRun(runId: number, signal?: AbortSignal): Promise<AgentRun>;
  fetchLogs(runId: number, query: LogsQuery, signal?: AbortSignal): Promise<LogsPage>;
  resume(runId: number, prompt: string): Promise<AgentRun>;
  banChecks(runId: number): Promise<void>;
  unbanChecks(runId: number): Promise<void>;
  removeFromPr(runId: number): Promise<void>;
  log: RunDetailsLog;
  extensionUri: vscode.Uri;
  /** Title a run is shown with (default: first line of its summary, or "Run #id"). */
  runTitle?(run: AgentRun): string;
  clock?: Clock;
  /** UI side effects, replaceable in tests. */
  ui?: Partial<RunDetailsUi>;
}

export interface RunDetailsUi {
  openExternal(uri: vscode.Uri): Thenable<boolean>;
  /** A modal confirmation; true only when the user chose `confirmLabel`. */
  confirm(message: string, detail: string, confirmLabel: string): Thenable<boolean>;
  pickSaveLocation(defaultName: string, format: ExportFormat): Thenable<vscode.Uri | undefined>;
  writeFile(uri: vscode.Uri, content: Uint8Array): Thenable<void>;
  copyToClipboard(text: string): Thenable<void>;
  /** Runs a long task with a cancellable progress notification. */
  withProgress<T>(title: string, task: (report: (message: string) => void, signal: AbortSignal) => Promise<T>): Thenable<T>;
}

export const defaultRunDetailsUi: RunDetailsUi = {
  openExternal: (uri) => vscode.env.openExternal(uri),
  confirm: async (message, detail, confirmLabel) => {
    const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, confirmLabel);
    return choice === confirmLabel;
  },
  pickSaveLocation: (defaultName, format) => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    return vscode.window.showSaveDialog({
      title: 'Export run logs',
      saveLabel: 'Export',
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, defaultName) } : {}),
      filters: format === 'json' ? { JSON: ['json'] } : { Text: ['txt', 'log'] },
    });
  },
  writeFile: (uri, content) => vscode.workspace.fs.writeFile(uri, content),
  copyToClipboard: (text) => vscode.env.clipboard.writeText(text),
  withProgress<T>(title: string, task: (report: (message: string) => void, signal: AbortSignal) => Promise<T>): Thenable<T> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      return task((message) => progress.report({ message }), controller.signal).finally(() => {
        subscription.dispose();
      });
    });
  },
};

/** Confirmation texts: every action on the pull request says exactly what it does to the agents on it. */
export function confirmationFor(kind: Exclude<ActionKind, 'openInBrowser'>, runId: number): { message: string; detail: string; confirmLabel: string } {
  switch (kind) {
    case 'ban':
      return {
        message: `Ban checks on the pull request of run #${runId}?`,
        detail:
          'This stops every agent on that pull request (not only this run) and makes Codegen ignore future CI check events on it.',
        confirmLabel: 'Ban checks',
      };
    case 'unban':
      return {
        message: `Unban checks on the pull request of run #${runId}?`,
        detail:
          'This acts on the whole pull request, so it affects every agent on that PR: CI check events on it will start agents again.',
        confirmLabel: 'Unban checks',
      };
    case 'removeFromPr':
      return {
        message: `Remove Codegen from the pull request of run #${runId}?`,
        detail: 'This stops every agent on that pull request (not only this run) and flags the PR so Codegen does not process it again.',
        confirmLabel: 'Remove from PR',
      };
    default:
      return assertNever(kind);
  }
}

/** A user-facing message for a failure: the client's own message for API errors, a generic one otherwise. */
function errorMessage(error: unknown): string {
  if (isApiError(error)) return toLabel(error.message, 500) || 'The Codegen service could not be reached.';
  return 'Something went wrong; see the Codegen output for details.';
}

function isCancellation(error: unknown): boolean {
  return isApiError(error, 'cancelled') || (error instanceof Error && error.name === 'AbortError');
}

function describeError(error: unknown): string {
  if (isApiError(error)) return `${error.kind}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function schemeOf(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  return match?.[1] ? `${match[1].toLowerCase().slice(0, 20)}:` : '(relative)';
}

/** One open run details panel. */
export class RunDetailsPanel implements vscode.Disposable {
  private run: AgentRun | undefined;
  private lastStoreRun: AgentRun | undefined;
  private readonly feed: RunLogFeed;
  private ready = false;
  private disposed = false;
  private pollTimer: TimerHandle | undefined;
  private pollInFlight = false;
  private lastPollAt = -Infinity;
  private failures = 0;
  /** The run changed since the last successful poll: fetch once more even if it is no longer in progress. */
  private logsStale = false;
  private loadingNewest = false;
  private loadingOlder = false;
  /** Set by an error retrying cannot fix; cleared by the webview's Retry. */
  private pollingHalted = false;
  /** Clock time until which the panel follows the run regardless of its status (after a follow-up). */
  private followUntil = -Infinity;
  private postedPolling: boolean | undefined;
  private lastError: string | undefined;
  private readonly abort = new AbortController();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly clock: Clock;
  private readonly ui: RunDetailsUi;

  constructor(
    readonly runId: number,
    readonly panel: vscode.WebviewPanel,
    private readonly deps: RunDetailsDeps,
    private readonly onDisposed: (panel: RunDetailsPanel) => void,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.ui = { ...defaultRunDetailsUi, ...deps.ui };
    this.feed = new RunLogFeed((query, signal) => deps.fetchLogs(runId, query, signal));
    this.run = deps.getRun(runId);
    this.lastStoreRun = this.run;

    const dist = vscode.Uri.joinPath(deps.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(deps.extensionUri, 'media');
    panel.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [dist, media] };
    panel.iconPath = vscode.Uri.joinPath(media, 'codegen.svg');
    panel.webview.html = buildShellHtml(runId, {
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'webview.css')).toString(),
    });
    this.updateTitle();

    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.handleMessage(raw)),
      panel.onDidChangeViewState(() => this.onViewStateChanged()),
      panel.onDidDispose(() => this.dispose()),
      deps.onDidChangeRuns(() => this.onStoreChanged()),
    );

    void this.refreshRun();
    void this.loadNewest();
  }

  /** The latest run state the panel knows. */
  get currentRun(): AgentRun | undefined {
    return this.run;
  }

  /** The loaded log entries (oldest first). */
  get loadedLogCount(): number {
    return this.feed.entries.length;
  }

  get isPolling(): boolean {
    return this.pollTimer !== undefined || this.pollInFlight;
  }

  reveal(preserveFocus = false): void {
    this.panel.reveal(undefined, preserveFocus);
  }

  /** Handles one message from the webview. Exposed so tests can drive the panel as the webview would. */
  async handleMessage(raw: unknown): Promise<void> {
    if (this.disposed) return;
    const message = parseFromWebview(raw);
    if (!message) {
      this.deps.log.warn(`Run details #${this.runId}: dropped a malformed or unknown ${describeRefused(raw)} from the webview`);
      return;
    }
    try {
      await this.dispatch(message);
    } catch (error) {
      this.deps.log.error(`Run details #${this.runId}: handling "${message.type}" failed: ${describeError(error)}`);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.abort.abort();
    this.clock.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.panel.dispose();
    this.onDisposed(this);
  }

  private async dispatch(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.scheduleIfWanted();
        this.postFullState();
        return;
      case 'refresh':
        this.lastError = undefined;
        this.pollingHalted = false;
        await Promise.all([this.refreshRun(), this.feed.loadedNewest ? this.pollNow() : this.loadNewest()]);
        return;
      case 'loadOlderLogs':
        await this.loadOlder();
        return;
      case 'openExternal':
        await this.openExternal(message.url, 'openInBrowser');
        return;
      case 'sendFollowUp':
        await this.sendFollowUp(message.text);
        return;
      case 'action':
        await this.runAction(message.kind);
        return;
      case 'copy':
        await this.ui.copyToClipboard(message.text);
        this.post({ type: 'actionResult', kind: 'copy', ok: true, message: 'Copied the entry to the clipboard.' });
        return;
      case 'exportLogs':
        await this.exportLogs(message.format);
        return;
      default:
        assertNever(message);
    }
  }

  // ---- run state -------------------------------------------------------------------------------------

  private setRun(run: AgentRun): void {
    if (this.disposed || run.id !== this.runId) return;
    const before = this.run ? statusCategory(this.run.status) : undefined;
    const statusChanged = this.run?.status !== run.status;
    this.run = run;
    // A status change may come with entries we have not seen (the final answer, a new phase).
    if (statusChanged && before !== undefined) this.logsStale = true;
    this.updateTitle();
    this.scheduleIfWanted();
    this.postState();
  }

  private onStoreChanged(): void {
    const latest = this.deps.getRun(this.runId);
    if (!latest || latest === this.lastStoreRun) return;
    this.lastStoreRun = latest;
    this.setRun(latest);
  }

  private async refreshRun(): Promise<void> {
    try {
      this.setRun(await this.deps.refreshRun(this.runId, this.abort.signal));
    } catch (error) {
      if (isCancellation(error) || this.disposed) return;
      this.deps.log.warn(`Run details #${this.runId}: could not refresh the run: ${describeError(error)}`);
      if (!this.run) this.postError(errorMessage(error));
    }
  }

  private updateTitle(): void {
    if (this.disposed) return;
    const title = this.run ? (this.deps.runTitle ?? defaultRunTitle)(this.run) : `Run #${this.runId}`;
    const label = toLabel(title, 80) || `Run #${this.runId}`;
    if (this.panel.title !== label) this.panel.title = label;
  }

  private isInProgress(): boolean {
    return this.run !== undefined && statusCategory(this.run.status) === 'inProgress';
  }

  // ---- logs ------------------------------------------------------------------------------------------

  private async loadNewest(): Promise<void> {
    if (this.loadingNewest) return;
    this.loadingNewest = true;
    this.postLoading();
    this.lastPollAt = this.clock.now();
    try {
      const update = await this.feed.loadNewest(this.abort.signal);
      this.failures = 0;
      // Cleared before applying: a status change carried by this very page asks for one more poll.
      this.logsStale = false;
      this.applyFeedUpdate(update);
    } catch (error) {
      this.onLogsError(error);
    } finally {
      this.loadingNewest = false;
      this.postLoading();
      this.schedulePoll();
    }
  }

  private async loadOlder(): Promise<void> {
    if (this.loadingOlder || !this.feed.hasOlder) {
      this.postLoading();
      return;
    }
    this.loadingOlder = true;
    this.postLoading();
    try {
      const update = await this.feed.loadOlder(this.abort.signal);
      if (update) this.applyFeedUpdate(update);
    } catch (error) {
      this.onLogsError(error);
    } finally {
      this.loadingOlder = false;
      this.postLoading();
    }
  }

  /** Fetches entries added since the last load: one request, at most a page. */
  private async pollNow(): Promise<void> {
    if (this.pollInFlight || this.disposed) return;
    this.clock.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.pollInFlight = true;
    this.lastPollAt = this.clock.now();
    try {
      const update = this.feed.loadedNewest ? await this.feed.loadNew(this.abort.signal) : await this.feed.loadNewest(this.abort.signal);
      this.failures = 0;
      // Cleared before applying: a status change carried by this very page asks for one more poll.
      this.logsStale = false;
      this.applyFeedUpdate(update);
    } catch (error) {
      this.onLogsError(error);
    } finally {
      this.pollInFlight = false;
      this.schedulePoll();
    }
  }

  /**
   * Polls only while the panel is visible and the run is in progress (or changed since the last poll,
   * or was just sent a follow-up), at most once per LOG_POLL_INTERVAL_MS, backing off after failures.
   */
  private schedulePoll(): void {
    this.scheduleIfWanted();
    this.updatePollingIndicator();
  }

  private scheduleIfWanted(): void {
    if (this.disposed || this.pollTimer !== undefined || this.pollInFlight || this.loadingNewest || this.pollingHalted) return;
    if (!this.panel.visible) return;
    const wanted = this.feed.loadedNewest
      ? this.isInProgress() || this.logsStale || this.clock.now() < this.followUntil
      : this.failures > 0; // the first load failed: retry it with backoff
    if (!wanted) return;
    const interval = this.failures === 0 ? LOG_POLL_INTERVAL_MS : Math.min(LOG_POLL_MAX_BACKOFF_MS, LOG_POLL_INTERVAL_MS * 2 ** this.failures);
    const delay = Math.max(0, this.lastPollAt + interval - this.clock.now());
    this.pollTimer = this.clock.setTimeout(() => {
      this.pollTimer = undefined;
      void this.pollNow();
    }, delay);
  }

  /** Tells the webview when following starts or stops (the "Live" badge). */
  private updatePollingIndicator(): void {
    const polling = this.isPolling;
    if (polling !== this.postedPolling) this.postState();
  }

  private onViewStateChanged(): void {
    if (this.disposed) return;
    if (this.panel.visible) {
      this.schedulePoll();
    } else {
      // The webview is torn down when hidden; it says 'ready' again when shown.
      this.ready = false;
      this.clock.clearTimeout(this.pollTimer);
      this.pollTimer = undefined;
    }
  }

  private applyFeedUpdate(update: FeedUpdate): void {
    if (this.disposed) return;
    this.lastError = undefined;
    this.post({ type: 'logs', mode: update.mode, entries: update.entries, hasOlder: update.hasOlder, totalLogs: update.totalLogs });
    if (update.run.id === this.runId) this.setRun(update.run);
  }

  private onLogsError(error: unknown): void {
    if (isCancellation(error) || this.disposed) return;
    this.failures++;
    if (isApiError(error) && PERMANENT_ERROR_KINDS.has(error.kind)) this.pollingHalted = true;
    this.deps.log.warn(`Run details #${this.runId}: loading logs failed (${this.failures} in a row): ${describeError(error)}`);
    this.postError(`Could not load the logs: ${errorMessage(error)}`);
  }

  // ---- actions ---------------------------------------------------------------------------------------

  private async openExternal(url: string, kind: ResultKind): Promise<void> {
    const safe = safeHttpsUrl(url);
    if (!safe) {
      this.deps.log.warn(`Run details #${this.runId}: refused to open a ${schemeOf(url)} link; only https links open in the browser`);
      this.post({ type: 'actionResult', kind, ok: false, message: 'Only https links can be opened.' });
      return;
    }
    await this.ui.openExternal(vscode.Uri.parse(safe, true));
  }

  private async sendFollowUp(text: string): Promise<void> {
    try {
      const run = await this.deps.resume(this.runId, text);
      this.logsStale = true;
      this.followUntil = this.clock.now() + FOLLOW_AFTER_FOLLOW_UP_MS;
      this.setRun(run);
      const when = new Date(this.clock.now()).toLocaleTimeString();
      this.post({ type: 'followUpResult', ok: true, message: `Follow-up sent at ${when}. Following the run…` });
    } catch (error) {
      this.deps.log.warn(`Run details #${this.runId}: follow-up failed: ${describeError(error)}`);
      const mayHaveArrived = isApiError(error) && error.details.mayHaveBeenCreated === true;
      const message = mayHaveArrived
        ? `${errorMessage(error)} The follow-up may have arrived anyway: check the logs before sending it again.`
        : errorMessage(error);
      this.post({ type: 'followUpResult', ok: false, message: toLabel(message, 1000) });
      if (mayHaveArrived) {
        this.logsStale = true;
        this.schedulePoll();
      }
    }
  }

  private async runAction(kind: ActionKind): Promise<void> {
    if (kind === 'openInBrowser') {
      const url = this.run?.webUrl;
      if (!url) {
        this.post({ type: 'actionResult', kind, ok: false, message: 'This run has no web app link.' });
        return;
      }
      await this.openExternal(url, kind);
      return;
    }
    const text = confirmationFor(kind, this.runId);
    if (!(await this.ui.confirm(text.message, text.detail, text.confirmLabel))) {
      this.post({ type: 'actionResult', kind, ok: false, message: 'Cancelled.' });
      return;
    }
    try {
      if (kind === 'ban') await this.deps.banChecks(this.runId);
      else if (kind === 'unban') await this.deps.unbanChecks(this.runId);
      else await this.deps.removeFromPr(this.runId);
      const done = kind === 'ban' ? 'Checks banned.' : kind === 'unban' ? 'Checks unbanned.' : 'Removed from the pull request.';
      this.deps.log.info(`Run details #${this.runId}: ${done}`);
      this.post({ type: 'actionResult', kind, ok: true, message: done });
      this.logsStale = true;
      await this.refreshRun();
    } catch (error) {
      this.deps.log.warn(`Run details #${this.runId}: ${kind} failed: ${describeError(error)}`);
      this.post({ type: 'actionResult', kind, ok: false, message: errorMessage(error) });
    }
  }

  private async exportLogs(format: ExportFormat): Promise<void> {
    const uri = await this.ui.pickSaveLocation(`codegen-run-${this.runId}-logs.${format === 'json' ? 'json' : 'txt'}`, format);
    if (!uri) return;
    try {
      await this.ui.withProgress(`Exporting the logs of run #${this.runId}`, async (report, signal) => {
        const combined = AbortSignal.any([signal, this.abort.signal]);
        await this.feed.loadAll(combined, (update) => {
          this.applyFeedUpdate(update);
          report(`${this.feed.entries.length} of ${this.feed.totalLogs} entries`);
        });
      });
      const content = format === 'json' ? this.exportJson() : this.exportText();
      await this.ui.writeFile(uri, new TextEncoder().encode(content));
      const message = `Exported ${this.feed.entries.length} entries to ${uri.scheme === 'file' ? uri.fsPath : uri.toString()}.`;
      this.deps.log.info(`Run details #${this.runId}: ${message}`);
      this.post({ type: 'actionResult', kind: 'export', ok: true, message: toLabel(message, 1000) });
    } catch (error) {
      if (isCancellation(error)) {
        this.post({ type: 'actionResult', kind: 'export', ok: false, message: 'Export cancelled.' });
        return;
      }
      this.deps.log.warn(`Run details #${this.runId}: export failed: ${describeError(error)}`);
      const message = isApiError(error) ? errorMessage(error) : `Could not write the file: ${error instanceof Error ? error.message : String(error)}`;
      this.post({ type: 'actionResult', kind: 'export', ok: false, message: toLabel(message, 1000) });
    }
  }

  private exportJson(): string {
    const first = this.feed.entries[0]?.index ?? 0;
    return `${JSON.stringify(
      { runId: this.runId, status: this.run?.status ?? null, totalLogs: this.feed.totalLogs, firstIndex: first, logs: this.feed.rawEntries },
      null,
      2,
    )}\n`;
  }

  private exportText(): string {
    const header = [`Codegen run #${this.runId}`, `Status: ${this.run?.status ?? 'unknown'}`, `Entries: ${this.feed.entries.length} of ${this.feed.totalLogs}`, ''];
    return `${header.join('\n')}\n${this.feed.entries.map(logEntryToText).join('\n\n')}\n`;
  }

  // ---- posting ---------------------------------------------------------------------------------------

  private post(message: ToWebview): void {
    if (this.disposed || !this.ready) return;
    void this.panel.webview.postMessage(message);
  }

  private postState(): void {
    if (!this.run || !this.ready) return;
    const title = (this.deps.runTitle ?? defaultRunTitle)(this.run);
    this.postedPolling = this.isPolling;
    this.post({ type: 'state', run: toRunView(this.run, title), polling: this.postedPolling });
  }

  private postLoading(): void {
    this.post({ type: 'logsLoading', newest: this.loadingNewest, older: this.loadingOlder });
  }

  private postError(message: string): void {
    this.lastError = toLabel(message, 1000);
    this.post({ type: 'error', message: this.lastError });
  }

  /** Everything the webview needs after (re)loading. */
  private postFullState(): void {
    this.postState();
    if (this.feed.loadedNewest) {
      this.post({ type: 'logs', mode: 'replace', entries: [...this.feed.entries], hasOlder: this.feed.hasOlder, totalLogs: this.feed.totalLogs });
    }
    this.postLoading();
    if (this.lastError) this.post({ type: 'error', message: this.lastError });
  }
}

/** Opens, reveals and restores run details panels: at most one per run. */
export class RunDetailsPanels implements vscode.Disposable {
  static readonly viewType = RUN_DETAILS_VIEW_TYPE;
  private readonly panels = new Map<number, RunDetailsPanel>();

  readonly serializer: vscode.WebviewPanelSerializer<unknown> = {
    deserializeWebviewPanel: (panel, state) => {
      const runId = parseRunDetailsState(state);
      if (runId === undefined) {
        this.deps.log.warn('Run details: a restored panel had no valid run id; closing it');
        panel.dispose();
        return Promise.resolve();
      }
      const existing = this.panels.get(runId);
      if (existing) {
        panel.dispose();
        existing.reveal(true);
        return Promise.resolve();
      }
      this.adopt(runId, panel);
      return Promise.resolve();
    },
  };

  constructor(private readonly deps: RunDetailsDeps) {}

  /** Shows the run's panel, creating it if needed (an open one is revealed, not duplicated). */
  show(runId: number, options: { preserveFocus?: boolean; viewColumn?: vscode.ViewColumn } = {}): RunDetailsPanel {
    const existing = this.panels.get(runId);
    if (existing) {
      existing.panel.reveal(options.viewColumn, options.preserveFocus ?? false);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      RUN_DETAILS_VIEW_TYPE,
      `Run #${runId}`,
      { viewColumn: options.viewColumn ?? vscode.ViewColumn.Active, preserveFocus: options.preserveFocus ?? false },
      // No retainContextWhenHidden: the webview re-requests its state when shown again.
      { enableScripts: true, enableCommandUris: false, enableFindWidget: true, localResourceRoots: this.resourceRoots() },
    );
    return this.adopt(runId, panel);
  }

  /** Registers the serializer that restores panels after a reload (needs the onWebviewPanel activation event). */
  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(RUN_DETAILS_VIEW_TYPE, this.serializer);
  }

  get(runId: number): RunDetailsPanel | undefined {
    return this.panels.get(runId);
  }

  get openRunIds(): number[] {
    return [...this.panels.keys()];
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
    this.panels.clear();
  }

  private adopt(runId: number, panel: vscode.WebviewPanel): RunDetailsPanel {
    const details = new RunDetailsPanel(runId, panel, this.deps, (closed) => {
      if (this.panels.get(closed.runId) === closed) this.panels.delete(closed.runId);
    });
    this.panels.set(runId, details);
    return details;
  }

  private resourceRoots(): vscode.Uri[] {
    return [vscode.Uri.joinPath(this.deps.extensionUri, 'dist'), vscode.Uri.joinPath(this.deps.extensionUri, 'media')];
  }
}

/**
 * Builds RunDetailsDeps from the API client: every call goes to the organization the run belongs to
 * (from the store), falling back to the configured one (e.g. for a panel restored after a reload).
 */
export function runDetailsDepsFromApi(options: {
  api: CodegenApi;
  organizationId: () => number | undefined;
  getRun(runId: number): AgentRun | undefined;
  onDidChangeRuns(listener: () => void): { dispose(): void };
  log: RunDetailsLog;
  extensionUri: vscode.Uri;
  runTitle?(run: AgentRun): string;
  clock?: Clock;
  ui?: Partial<RunDetailsUi>;
}): RunDetailsDeps {
  const { api } = options;
  const orgOf = (runId: number): number => {
    const orgId = options.getRun(runId)?.organizationId ?? options.organizationId();
    if (orgId === undefined) throw new Error('No Codegen organization is selected.');
    return orgId;
  };
  return {
    getRun: (runId) => options.getRun(runId),
    onDidChangeRuns: (listener) => options.onDidChangeRuns(listener),
    refreshRun: (runId, signal) => api.getRun(orgOf(runId), runId, signal ? { signal } : {}),
    fetchLogs: (runId, query, signal) => api.getRunLogs(orgOf(runId), runId, query, signal ? { signal } : {}),
    resume: (runId, prompt) => api.resumeRun(orgOf(runId), { agentRunId: runId, prompt }),
    banChecks: (runId) => api.banChecks(orgOf(runId), runId),
    unbanChecks: (runId) => api.unbanChecks(orgOf(runId), runId),
    removeFromPr: (runId) => api.removeFromPr(orgOf(runId), runId),
    log: options.log,
    extensionUri: options.extensionUri,
    ...(options.runTitle ? { runTitle: (run: AgentRun) => options.runTitle!(run) } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.ui ? { ui: options.ui } : {}),
  };
}
