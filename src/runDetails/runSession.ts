// Everything a run details panel does, without vscode: keeps the run and its loaded log, polls new
// entries on the window's one PollScheduler while the run is in progress, the panel is visible and its
// window has focus (a window in the background makes no log requests), and answers the webview's
// messages (validated on receipt). The panel (views/runDetails) adapts it to a WebviewPanel and provides
// the UI side effects; unit tests drive it against the simulator with a FakeClock.

import { isApiError, type ApiErrorKind } from '../api/errors';
import { statusCategory } from '../api/status';
import type { AgentRun } from '../api/types';
import { assertNever, describeRefused, parseFromWebview, type ActionKind, type ExportFormat, type FromWebview, type ResultKind, type ToWebview } from '../protocol/messages';
import { toLabel, toRunView } from '../protocol/viewModels';
import { PollScheduler } from '../runs/pollScheduler';
import { runTitle as modelRunTitle } from '../runs/runModel';
import { systemClock, type Clock } from '../util/clock';
import type { Disposable } from '../util/events';
import { safeExternalUrl } from '../util/urlPolicy';
import { exportJson, exportText } from './logExport';
import { RunLogFeed, type FeedUpdate } from './logFeed';
import { confirmationFor, describeError, errorMessage, isCancellation, schemeOf } from './sessionText';
import type { RunSessionDeps, SessionUi, SessionView } from './sessionTypes';

export { confirmationFor } from './sessionText';
export type { ExportTarget, RunDetailsLog, RunSessionDeps, SessionUi, SessionView, WindowFocus } from './sessionTypes';

/** Minimum time between two log polls of one panel (the logs class allows 60 requests per 60 s per token). */
export const LOG_POLL_INTERVAL_MS = 5_000;
/** Longest wait between polls after repeated failures. */
export const LOG_POLL_MAX_BACKOFF_MS = 60_000;
/** After a follow-up, keep following the run this long even before its status says it is running again. */
export const FOLLOW_AFTER_FOLLOW_UP_MS = 60_000;

/** Failures that retrying will not fix: wait for the user's Retry instead of polling on. */
const PERMANENT_ERROR_KINDS: readonly ApiErrorKind[] = ['unauthorized', 'forbidden', 'notFound', 'billing', 'invalid'];

/** One run's details: state, log, polling, and the handling of webview messages. */
export class RunSession implements Disposable {
  private run: AgentRun | undefined;
  private lastStoreRun: AgentRun | undefined;
  private readonly feed: RunLogFeed;
  private readonly scheduler: PollScheduler;
  private ready = false;
  private disposed = false;
  private lastPollAt = -Infinity;
  /** The run changed since the last successful poll: fetch once more even if it is no longer in progress. */
  private logsStale = false;
  private loadingNewest = false;
  private loadingOlder = false;
  /** Clock time until which the session follows the run whatever its status (after a follow-up). */
  private followUntil = -Infinity;
  private postedPolling: boolean | undefined;
  private lastError: string | undefined;
  private readonly abort = new AbortController();
  private readonly subscriptions: Disposable[] = [];
  private readonly clock: Clock;

  constructor(
    readonly runId: number,
    private readonly deps: RunSessionDeps,
    private readonly view: SessionView,
    private readonly ui: SessionUi,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.feed = new RunLogFeed((query, signal, background) => deps.fetchLogs(runId, query, signal, background));
    this.scheduler = new PollScheduler({
      clock: this.clock,
      maxBackoffMs: LOG_POLL_MAX_BACKOFF_MS,
      haltOn: PERMANENT_ERROR_KINDS,
      policy: {
        wanted: () => this.wantsLogs(),
        dueAt: () => this.lastPollAt + LOG_POLL_INTERVAL_MS,
        backoffBaseMs: () => LOG_POLL_INTERVAL_MS,
      },
      tick: async () => {
        await this.pollLogs();
        return 'polled';
      },
      onFailure: ({ error }) => this.onLogsError(error),
      onDidSchedule: () => this.updatePollingIndicator(),
      random: deps.random,
    });
    this.run = deps.getRun(runId);
    this.lastStoreRun = this.run;
    this.subscriptions.push(deps.onDidChangeRuns(() => this.onStoreChanged()));
    if (deps.windowFocus) this.subscriptions.push(deps.windowFocus.onDidChange(() => this.reschedule()));
    this.updateTitle();
  }

  /** Starts loading: the run (GET) and the newest page of its log, at once. */
  start(): void {
    void this.refreshRun();
    void this.scheduler.refreshNow().then(() => this.updatePollingIndicator());
  }

  /** The latest run state known. */
  get currentRun(): AgentRun | undefined {
    return this.run;
  }

  /** Number of log entries loaded. */
  get loadedLogCount(): number {
    return this.feed.entries.length;
  }

  /** Indices of the loaded entries, oldest first (for tests and diagnostics). */
  get loadedIndices(): number[] {
    return this.feed.entries.map((entry) => entry.index);
  }

  get hasOlderLogs(): boolean {
    return this.feed.hasOlder;
  }

  /** True while a poll is scheduled or running. */
  get isPolling(): boolean {
    return this.scheduler.isActive;
  }

  /** Handles one raw message from the webview: validated first, dropped (and logged) when malformed. */
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

  /** The panel became visible or hidden. A hidden webview is torn down; it says 'ready' again when shown. */
  visibilityChanged(): void {
    if (this.disposed) return;
    if (!this.view.isVisible()) this.ready = false;
    this.reschedule();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.abort.abort();
    this.scheduler.dispose();
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }

  private async dispatch(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.reschedule();
        this.postFullState();
        return;
      case 'refresh':
        this.lastError = undefined;
        await Promise.all([this.refreshRun(), this.scheduler.refreshNow()]);
        this.updatePollingIndicator();
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
    const statusChanged = this.run !== undefined && this.run.status !== run.status;
    this.run = run;
    // A status change may come with entries not seen yet (the final answer, a new phase).
    if (statusChanged) this.logsStale = true;
    this.updateTitle();
    this.reschedule();
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

  private title(): string {
    if (!this.run) return `Run #${this.runId}`;
    return toLabel((this.deps.runTitle ?? modelRunTitle)(this.run), 80) || `Run #${this.runId}`;
  }

  private updateTitle(): void {
    if (!this.disposed) this.view.setTitle(this.title());
  }

  /** In progress, or an unknown status that may still move. */
  private isLive(): boolean {
    if (!this.run) return false;
    const category = statusCategory(this.run.status);
    return category === 'inProgress' || category === 'unknown';
  }

  // ---- logs ------------------------------------------------------------------------------------------

  /**
   * Logs are polled only while someone can see them: the panel visible and its window focused. Then while
   * the run is live (or changed since the last poll, or was just sent a follow-up), and a first load that
   * failed is retried.
   */
  private wantsLogs(): boolean {
    if (this.disposed || !this.view.isVisible() || !(this.deps.windowFocus?.isFocused() ?? true)) return false;
    if (!this.feed.loadedNewest) return this.scheduler.failures > 0;
    return this.isLive() || this.logsStale || this.clock.now() < this.followUntil;
  }

  private reschedule(): void {
    if (this.disposed) return;
    this.scheduler.reschedule();
  }

  /** One request: the newest page first, then the entries added since the last load. */
  private async pollLogs(): Promise<void> {
    this.lastPollAt = this.clock.now();
    const first = !this.feed.loadedNewest;
    if (first) {
      this.loadingNewest = true;
      this.postLoading();
    }
    try {
      const update = first ? await this.feed.loadNewest(this.abort.signal, true) : await this.feed.loadNew(this.abort.signal, true);
      // Cleared before applying: a status change carried by this very page asks for one more poll.
      this.logsStale = false;
      this.applyFeedUpdate(update);
    } finally {
      if (first) {
        this.loadingNewest = false;
        this.postLoading();
      }
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

  /** Tells the webview when following starts or stops (its "Live" badge). */
  private updatePollingIndicator(): void {
    if (this.isPolling !== this.postedPolling) this.postState();
  }

  private applyFeedUpdate(update: FeedUpdate): void {
    if (this.disposed) return;
    this.lastError = undefined;
    this.post({ type: 'logs', mode: update.mode, entries: update.entries, hasOlder: update.hasOlder, totalLogs: update.totalLogs });
    if (update.run.id === this.runId) this.setRun(update.run);
  }

  private onLogsError(error: unknown): void {
    if (isCancellation(error) || this.disposed) return;
    this.deps.log.warn(`Run details #${this.runId}: loading logs failed (${this.scheduler.failures} in a row): ${describeError(error)}`);
    this.postError(`Could not load the logs: ${errorMessage(error)}`);
  }

  // ---- actions ---------------------------------------------------------------------------------------

  private async openExternal(url: string, kind: ResultKind): Promise<void> {
    const safe = safeExternalUrl(url);
    if (!safe) {
      this.deps.log.warn(`Run details #${this.runId}: refused to open a ${schemeOf(url)} link; only https links open in the browser`);
      this.post({ type: 'actionResult', kind, ok: false, message: 'Only https links can be opened.' });
      return;
    }
    await this.ui.openExternal(safe);
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
        this.reschedule();
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
    if (kind === 'reviewChanges' || kind === 'checkoutChanges' || kind === 'applyChanges') {
      if (!this.deps.bringBack) {
        this.post({ type: 'actionResult', kind, ok: false, message: 'This is not available here.' });
        return;
      }
      const message = await this.deps.bringBack(kind, this.runId);
      if (message !== undefined) this.post({ type: 'actionResult', kind, ok: true, message: toLabel(message, 1000) });
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
    const target = await this.ui.pickExportTarget(`codegen-run-${this.runId}-logs.${format === 'json' ? 'json' : 'txt'}`, format);
    if (!target) return;
    try {
      // Every older page first (through the client's rate governor: a long log takes a while).
      await this.ui.withProgress(`Exporting the logs of run #${this.runId}`, async (report, signal) => {
        const combined = AbortSignal.any([signal, this.abort.signal]);
        await this.feed.loadAll(combined, (update) => {
          this.applyFeedUpdate(update);
          report(`${this.feed.entries.length} of ${this.feed.totalLogs} entries`);
        });
      });
      const log = { runId: this.runId, status: this.run?.status, totalLogs: this.feed.totalLogs, entries: this.feed.entries, rawEntries: this.feed.rawEntries };
      await target.write(format === 'json' ? exportJson(log) : exportText(log));
      const message = `Exported ${this.feed.entries.length} entries to ${target.label}.`;
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

  // ---- posting ---------------------------------------------------------------------------------------

  /** Messages go out only while the webview is ready: a hidden or still-loading one would drop them. */
  private post(message: ToWebview): void {
    if (this.disposed || !this.ready) return;
    this.view.post(message);
  }

  private postState(): void {
    if (!this.run || !this.ready) return;
    this.postedPolling = this.isPolling;
    this.post({ type: 'state', run: toRunView(this.run, this.title()), polling: this.postedPolling });
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
