// The ports of a run details session: what it needs from the extension (runs, actions, focus, log), its
// UI side effects and its webview.
import type { AgentRun, LogsPage, LogsQuery } from '../api/types';
import type { BringBackKind, ExportFormat, ToWebview } from '../protocol/messages';
import type { Clock } from '../util/clock';
import type { Disposable } from '../util/events';

export interface RunDetailsLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Whether the window has focus, and when that changes. */
export interface WindowFocus {
  isFocused(): boolean;
  onDidChange(listener: (focused: boolean) => void): Disposable;
}

/** What a session needs from the rest of the extension (the run store and the run actions). */
export interface RunSessionDeps {
  /** Latest known state of a run (the run store). */
  getRun(runId: number): AgentRun | undefined;
  /** Fires when the run store changed. */
  onDidChangeRuns(listener: () => void): Disposable;
  /** GET the run (the store is updated by whoever answers). */
  refreshRun(runId: number, signal?: AbortSignal): Promise<AgentRun>;
  /** `background` for a poll: one attempt, the session's scheduler is the retry loop. */
  fetchLogs(runId: number, query: LogsQuery, signal?: AbortSignal, background?: boolean): Promise<LogsPage>;
  resume(runId: number, prompt: string): Promise<AgentRun>;
  banChecks(runId: number): Promise<void>;
  unbanChecks(runId: number): Promise<void>;
  removeFromPr(runId: number): Promise<void>;
  /** Brings the run's change into the editor (review, check out, apply): the extension's commands. A message for the panel, or undefined. */
  bringBack?(kind: BringBackKind, runId: number): Promise<string | undefined>;
  log: RunDetailsLog;
  /** Title a run is shown with (default: runModel's runTitle). */
  runTitle?(run: AgentRun): string;
  /** The window's focus (default: always focused). */
  windowFocus?: WindowFocus;
  /** Jitter source of the error backoff, in [0, 1) (default Math.random). */
  random?: () => number;
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

