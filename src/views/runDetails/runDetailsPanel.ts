// The run details panels (vscode side): one webview panel per run, revealed rather than duplicated,
// restored after a reload by a serializer that needs only {runId}; "Codegen: Show run details" opens one
// and clears the run's "changes to review" marker (a restored panel does not). Each panel adapts a RunSession (the
// logic, vscode-free) to a WebviewPanel: the HTML shell, visibility, title, and the UI side effects.
// The webview is not retained when hidden: it asks for its state again ('ready') when shown.

import * as vscode from 'vscode';
import type { AgentRun } from '../../api/types';
import { Commands, Views } from '../../ids';
import type { BringBackKind } from '../../protocol/messages';
import { parseRunDetailsState, runIdFromArgument } from '../../protocol/panelState';
import { RunSession, type ExportTarget, type RunDetailsLog, type RunSessionDeps, type SessionUi, type WindowFocus } from '../../runDetails/runSession';
import type { RunActions } from '../../runs/runActions';
import type { Clock } from '../../util/clock';
import { buildShellHtml } from './html';

export { confirmationFor, LOG_POLL_INTERVAL_MS, type RunDetailsLog } from '../../runDetails/runSession';

export const RUN_DETAILS_VIEW_TYPE = Views.runDetails;

/** The commands behind the panel's Review changes, Check out and Apply buttons. */
const BRING_BACK_COMMANDS: Record<BringBackKind, string> = {
  reviewChanges: Commands.reviewChanges,
  checkoutChanges: Commands.checkoutChanges,
  applyChanges: Commands.applyChanges,
};

/** What the panels need from the rest of the extension. */
export interface RunDetailsDeps extends RunSessionDeps {
  extensionUri: vscode.Uri;
  /** The run's details were opened: its "changes to review" marker goes (RunStore.markReviewed). */
  markReviewed(runId: number): void;
  /** UI side effects, replaceable in tests (e.g. openExternal, confirm). */
  ui?: Partial<RunDetailsUi>;
}

/** The vscode calls behind the session's UI side effects. */
export interface RunDetailsUi {
  openExternal(uri: vscode.Uri): Thenable<boolean>;
  /** A modal confirmation; true only when the user chose `confirmLabel`. */
  confirm(message: string, detail: string, confirmLabel: string): Thenable<boolean>;
  pickSaveLocation(defaultName: string, format: 'json' | 'text'): Thenable<vscode.Uri | undefined>;
  writeFile(uri: vscode.Uri, content: Uint8Array): Thenable<void>;
  copyToClipboard(text: string): Thenable<void>;
  withProgress<T>(title: string, task: (report: (message: string) => void, signal: AbortSignal) => Promise<T>): Thenable<T>;
}

export const defaultRunDetailsUi: RunDetailsUi = {
  openExternal: (uri) => vscode.env.openExternal(uri),
  async confirm(message, detail, confirmLabel) {
    const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, confirmLabel);
    return choice === confirmLabel;
  },
  pickSaveLocation(defaultName, format) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    return vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export run logs'),
      saveLabel: vscode.l10n.t('Export'),
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, defaultName) } : {}),
      filters: format === 'json' ? { JSON: ['json'] } : { [vscode.l10n.t('Text')]: ['txt', 'log'] },
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

function sessionUi(ui: RunDetailsUi): SessionUi {
  return {
    openExternal: async (url) => {
      // The session has checked the URL is https; parse strictly so nothing is re-interpreted.
      await ui.openExternal(vscode.Uri.parse(url, true));
    },
    confirm: async (message, detail, confirmLabel) => ui.confirm(message, detail, confirmLabel),
    pickExportTarget: async (defaultName, format): Promise<ExportTarget | undefined> => {
      const uri = await ui.pickSaveLocation(defaultName, format);
      if (!uri) return undefined;
      return {
        label: uri.scheme === 'file' ? uri.fsPath : uri.toString(true),
        write: async (content) => ui.writeFile(uri, new TextEncoder().encode(content)),
      };
    },
    copyToClipboard: async (text) => ui.copyToClipboard(text),
    withProgress: async (title, task) => ui.withProgress(title, task),
  };
}

/** One open run details panel. */
export class RunDetailsPanel implements vscode.Disposable {
  readonly session: RunSession;
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    readonly runId: number,
    readonly panel: vscode.WebviewPanel,
    deps: RunDetailsDeps,
    private readonly onDisposed: (panel: RunDetailsPanel) => void,
  ) {
    const dist = vscode.Uri.joinPath(deps.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(deps.extensionUri, 'media');
    // Set again here: a panel restored by the serializer comes with the options it was saved with.
    panel.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [dist, media] };
    panel.iconPath = vscode.Uri.joinPath(media, 'codegen.svg');
    panel.webview.html = buildShellHtml(runId, {
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'webview.css')).toString(),
    });

    this.session = new RunSession(
      runId,
      deps,
      {
        post: (message) => void panel.webview.postMessage(message),
        isVisible: () => panel.visible,
        setTitle: (title) => {
          if (panel.title !== title) panel.title = title;
        },
      },
      sessionUi({ ...defaultRunDetailsUi, ...deps.ui }),
    );

    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.session.handleMessage(raw)),
      panel.onDidChangeViewState(() => this.session.visibilityChanged()),
      panel.onDidDispose(() => this.dispose()),
    );
    this.session.start();
  }

  /** Handles one message as if the webview had sent it (validated like any other). */
  handleMessage(raw: unknown): Promise<void> {
    return this.session.handleMessage(raw);
  }

  /** The HTML shell the webview was given. */
  get html(): string {
    return this.panel.webview.html;
  }

  reveal(preserveFocus = false): void {
    this.panel.reveal(undefined, preserveFocus);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.session.dispose();
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.panel.dispose();
    this.onDisposed(this);
  }
}

/** Opens, reveals and restores run details panels: at most one per run. */
export class RunDetailsPanels implements vscode.Disposable {
  static readonly viewType = RUN_DETAILS_VIEW_TYPE;
  private readonly panels = new Map<number, RunDetailsPanel>();

  /** Restores a panel from the state its webview saved ({runId, ...}); register with registerSerializer(). */
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

  /** Shows the run's panel, creating it if needed (an open one is revealed, not duplicated); the run counts as reviewed. */
  show(runId: number, options: { preserveFocus?: boolean; viewColumn?: vscode.ViewColumn } = {}): RunDetailsPanel {
    this.deps.markReviewed(runId);
    const existing = this.panels.get(runId);
    if (existing) {
      existing.panel.reveal(options.viewColumn, options.preserveFocus ?? false);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      RUN_DETAILS_VIEW_TYPE,
      vscode.l10n.t('Run #{0}', runId),
      { viewColumn: options.viewColumn ?? vscode.ViewColumn.Active, preserveFocus: options.preserveFocus ?? false },
      // No retainContextWhenHidden: the webview re-requests its state when shown again.
      { enableScripts: true, enableCommandUris: false, enableFindWidget: true, localResourceRoots: this.resourceRoots() },
    );
    return this.adopt(runId, panel);
  }

  /** Registers the serializer that restores panels after a reload (with the onWebviewPanel:codegen.runDetails activation event). */
  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(RUN_DETAILS_VIEW_TYPE, this.serializer);
  }

  /** "Codegen: Show run details" for a run id, a tree node or a run; without one it asks which run (Open run…). */
  registerShowCommand(): vscode.Disposable {
    return vscode.commands.registerCommand(Commands.showRunDetails, async (argument: unknown) => {
      const runId = runIdFromArgument(argument);
      if (runId === undefined) return vscode.commands.executeCommand(Commands.openRun);
      this.show(runId);
      return undefined;
    });
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

/** The window's focus as a session sees it. */
export const vscodeWindowFocus: WindowFocus = {
  isFocused: () => vscode.window.state.focused,
  onDidChange: (listener) => vscode.window.onDidChangeWindowState((state) => listener(state.focused)),
};

/**
 * Builds RunDetailsDeps from the run actions: every call goes to the run's own organization, and what the
 * answers teach updates the run store (one merge rule, see RunActions).
 */
export function runDetailsDeps(options: {
  actions: RunActions;
  getRun(runId: number): AgentRun | undefined;
  onDidChangeRuns(listener: () => void): { dispose(): void };
  markReviewed(runId: number): void;
  log: RunDetailsLog;
  extensionUri: vscode.Uri;
  windowFocus?: WindowFocus;
  clock?: Clock;
  ui?: Partial<RunDetailsUi>;
}): RunDetailsDeps {
  const { actions } = options;
  return {
    getRun: (runId) => options.getRun(runId),
    onDidChangeRuns: (listener) => options.onDidChangeRuns(listener),
    markReviewed: (runId) => options.markReviewed(runId),
    refreshRun: async (runId, signal) => actions.refresh(runId, signal ? { signal } : {}),
    fetchLogs: async (runId, query, signal, background) => actions.logs(runId, query, { ...(signal ? { signal } : {}), ...(background ? { retries: 'none' as const } : {}) }),
    resume: async (runId, prompt) => actions.followUp(runId, prompt),
    banChecks: async (runId) => actions.prAction(runId, 'ban'),
    unbanChecks: async (runId) => actions.prAction(runId, 'unban'),
    removeFromPr: async (runId) => actions.prAction(runId, 'removeFromPr'),
    bringBack: async (kind, runId) => vscode.commands.executeCommand<string | undefined>(BRING_BACK_COMMANDS[kind], runId),
    log: options.log,
    extensionUri: options.extensionUri,
    windowFocus: options.windowFocus ?? vscodeWindowFocus,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.ui ? { ui: options.ui } : {}),
  };
}
