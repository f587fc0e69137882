// Everything a run details panel does, without vscode: keeps the run and its loaded log, polls new
// entries while the run is in progress and the panel is visible, and answers the webview's messages
// (validated on receipt). The panel (runDetailsPanel.ts) adapts it to a WebviewPanel and provides the
// UI side effects; unit tests drive it against the simulator with a FakeClock.

import { isApiError } from '../../api/errors';
import { statusCategory } from '../../api/status';
import type { AgentRun, LogsPage, LogsQuery } from '../../api/types';
import { runTitle as storeRunTitle } from '../../runs/runStore';
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
import { safeHttpsUrl } from '../../protocol/urls';
import { toLabel, toRunView } from '../../protocol/viewModels';
import { systemClock, type Clock, type TimerHandle } from '../../util/clock';
import type { Disposable } from '../../util/events';
import { RunLogFeed, type FeedUpdate } from './logFeed';

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

/** What a session needs from the rest of the extension (the run store and the API client). */
export interface RunSessionDeps {
  /** Latest known state of a run (the run store). */
  getRun(runId: number): AgentRun | undefined;
  /** Fires when the run store changed. */
  onDidChangeRuns(listener: () => void): Disposable;
  /** GET the run through the client. */
  refreshRun(runId: number, signal?: AbortSignal): Promise<AgentRun>;
  fetchLogs(runId: number, query: LogsQuery, signal?: AbortSignal): Promise<LogsPage>;
  resume(runId: number, prompt: string): Promise<AgentRun>;
  banChecks(runId: number): Promise<void>;
  unbanChecks(runId: number): Promise<void>;
  removeFromPr(runId: number): Promise<void>;
  log: RunDetailsLog;
  /** Title a run is shown with (default: the run store's runTitle). */
  runTitle?(run: AgentRun): string;
  clock?: Clock;
}

/** A place the export is written to, chosen by the user. */
export interface ExportTarget {
  /** Shown in the result message (a path). */
  label: string;
  write(content: string): Promise<void>;
}

/** The UI side effects of a session (vscode in the panel; recorded in tests). */
export interface SessionUi {
  /** Opens an https URL (already checked) in the browser. */
  openExternal(url: string): Promise<void>;
  /** A modal confirmation; true only when the user chose `confirmLabel`. */
  confirm(message: string, detail: string, confirmLabel: string): Promise<boolean>;
  pickExportTarget(defaultName: string, format: ExportFormat): Promise<ExportTarget | undefined>;
  copyToClipboard(text: string): Promise<void>;
  /** Runs a long task with a cancellable progress indicator. */
  withProgress<T>(title: string, task: (report: (message: string) => void, signal: AbortSignal) => Promise<T>): Promise<T>;
}

/** The webview side as the session sees it. */
export interface SessionView {
  post(message: ToWebview): void;
  /** True while the panel is visible (polling happens only then). */
  isVisible(): boolean;
  setTitle(title: string): void;
}

/** Confirmation texts: every action on the pull request says what it does to the agents on it. */
export function confirmationFor(kind: Exclude<ActionKind, 'openInBrowser'>, runId: number): { message: string; detail: string; confirmLabel: string } {
  switch (kind) {
    case 'ban':
      return {
        message: `Ban checks on the pull request of run #${runId}?`,
        detail: 'This stops every agent on that pull request (not only this run) and makes Codegen ignore future CI check events on it.',
        confirmLabel: 'Ban checks',
      };
    case 'unban':
      return {
        message: `Unban checks on the pull request of run #${runId}?`,
        detail: 'This acts on the whole pull request, so it affects every agent on that PR: CI check events on it will start agents again.',
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

/** The scheme of a refused URL, for the log (never the URL itself: it may carry secrets). */
function schemeOf(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  return match?.[1] ? `${match[1].toLowerCase().slice(0, 20)}:` : '(relative)';
}

/** One run's details: state, log, polling, and the handling of webview messages. */
export class RunSession implements Disposable {
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
  /** Clock time until which the session follows the run whatever its status (after a follow-up). */
  private followUntil = -Infinity;
  private postedPolling: boolean | undefined;
  private lastError: string | undefined;
  private readonly abort = new AbortController();
  private readonly storeSubscription: Disposable;
  private readonly clock: Clock;

  constructor(
    readonly runId: number,
    private readonly deps: RunSessionDeps,
    private readonly view: SessionView,
    private readonly ui: SessionUi,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.feed = new RunLogFeed((query, signal) => deps.fetchLogs(runId, query, signal));
    this.run = deps.getRun(runId);
    this.lastStoreRun = this.run;
    this.storeSubscription = deps.onDidChangeRuns(() => this.onStoreChanged());
    this.updateTitle();
  }

  /** Starts loading: the run (GET) and the newest page of its log, at once. */
  start(): void {
    void this.refreshRun();
    void this.loadNewest();
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
    return this.pollTimer !== undefined || this.pollInFlight;
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
    if (this.view.isVisible()) {
      this.schedulePoll();
    } else {
      this.ready = false;
      this.clock.clearTimeout(this.pollTimer);
      this.pollTimer = undefined;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.abort.abort();
    this.clock.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.storeSubscription.dispose();
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
    const statusChanged = this.run !== undefined && this.run.status !== run.status;
    this.run = run;
    // A status change may come with entries not seen yet (the final answer, a new phase).
    if (statusChanged) this.logsStale = true;
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

  private title(): string {
    if (!this.run) return `Run #${this.runId}`;
    return toLabel((this.deps.runTitle ?? storeRunTitle)(this.run), 80) || `Run #${this.runId}`;
  }

  private updateTitle(): void {
    if (!this.disposed) this.view.setTitle(this.title());
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

  /** Fetches the entries added since the last load: one request, at most a page. */
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
    if (!this.view.isVisible()) return;
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
      await target.write(format === 'json' ? this.exportJson() : this.exportText());
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

  private exportJson(): string {
    const content = {
      runId: this.runId,
      status: this.run?.status ?? null,
      totalLogs: this.feed.totalLogs,
      firstIndex: this.feed.entries[0]?.index ?? 0,
      logs: this.feed.rawEntries,
    };
    return `${JSON.stringify(content, null, 2)}\n`;
  }

  private exportText(): string {
    const header = [`Codegen run #${this.runId}`, `Status: ${this.run?.status ?? 'unknown'}`, `Entries: ${this.feed.entries.length} of ${this.feed.totalLogs}`];
    return `${header.join('\n')}\n\n${this.feed.entries.map(logEntryToText).join('\n\n')}\n`;
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
