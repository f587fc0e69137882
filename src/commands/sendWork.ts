// "Codegen: Run on selection", "Run on file" and "New run", and the one send pipeline every other entry
// point (quick fixes, TODO comments, chat, tools, the API) uses. This file is VS Code glue only: it turns
// editors into targets and wires the pipeline (src/send) to the session, the settings, the run store, git
// and the dialogs.
import * as path from 'path';
import * as vscode from 'vscode';
import type { RateWaitEvent } from '../api/rateGovernor';
import type { Session } from '../auth/session';
import type { Settings } from '../config/settings';
import { PromptHistory } from '../context';
import type { GitAdapter } from '../git/gitApi';
import { StateKeys } from '../ids';
import type { RunStore } from '../runs/runStore';
import { SendPipeline } from '../send/pipeline';
import { secretScanner } from '../send/secretGuard';
import { silentDialogs } from '../send/silentDialogs';
import type { GitContext, Readiness, SendDialogs, SendInput, SendOutcome, SendTarget } from '../send/sendTypes';
import type { Interaction } from '../ui/interaction';
import type { Clock, TimerHandle } from '../util/clock';
import type { Disposable, Event } from '../util/events';
import type { Log } from '../util/log';
import { InteractiveDialogs, type InteractiveDeps } from './sendDialogs';
import { askAttemptCount, RequestPicker, type PickerOptions } from './sendPicker';
import { bareTarget, documentTarget, editorFor, labelOf, selectionLabel, type GitLookup } from './sendTargets';
import { openFileToSend } from './workspaceFiles';

export interface SendWorkDeps {
  session: Session;
  settings: Settings;
  store: RunStore;
  /** Polls the list now (a create whose answer was lost may have made a run): the poller gets fast again. */
  refreshSoon(): void;
  /** A run was created: the list is polled soon (not now: the new run is in the store already). */
  noteActivity(): void;
  /** The window's rate governors' waits: the create class's are shown in the progress. */
  rateWaits: Event<RateWaitEvent>;
  git: Pick<GitAdapter, 'contextFor'> & Partial<Pick<GitAdapter, 'runner'>>;
  /** Where recent requests are kept. */
  globalState: Pick<vscode.Memento, 'get' | 'update'>;
  interaction: Interaction;
  log: Log;
  clock: Clock;
  extensionVersion: string;
}

export type { SendInput, SendOutcome, SendDialogs, PickedRequest, SendTarget } from '../send/sendTypes';

type CommandOrigin = 'runOnSelection' | 'runOnFile' | 'newRun';

export class WorkSender implements Disposable {
  readonly pipeline: SendPipeline;
  private readonly picker: RequestPicker;
  private readonly subscription: Disposable;
  /** Timers of toasts still to come (InteractiveDeps.later), cleared on dispose. */
  private readonly pendingTimers = new Set<TimerHandle>();
  /** Git of the repository holding a file (or, without one, of the workspace). */
  readonly gitLookup: GitLookup = (uri) => this.deps.git.contextFor(uri);

  constructor(private readonly deps: SendWorkDeps) {
    const { session, settings, store, log, clock } = deps;
    const history = new PromptHistory({
      get: () => deps.globalState.get<unknown>(StateKeys.promptHistory),
      set: (entries) => Promise.resolve(deps.globalState.update(StateKeys.promptHistory, entries)),
    });
    this.pipeline = new SendPipeline({
      api: session.api,
      readiness: (): Readiness => {
        const state = session.state;
        if (state.configurationError !== undefined) return { kind: 'configurationError', message: state.configurationError };
        if (!state.signedIn) return { kind: 'signedOut' };
        return state.organizationId === undefined ? { kind: 'noOrganization' } : { kind: 'ready', organizationId: state.organizationId };
      },
      scanner: () => secretScanner,
      settings: {
        maxChars: () => settings.maxChars,
        reviewBeforeSend: () => settings.reviewBeforeSend,
        repositoryId: () => settings.repositoryId,
        model: () => settings.model,
        agentType: () => settings.agentType,
      },
      history,
      runCreated: (run) => {
        // The answer is the run: into the tree now (one row redrawn); the next list call comes one interval later.
        store.upsert(run, { createdHere: true });
        deps.noteActivity();
      },
      refreshSoon: () => deps.refreshSoon(),
      extensionVersion: deps.extensionVersion,
      clock,
      log,
      ...(deps.git.runner ? { gitRunner: deps.git.runner } : {}),
    });
    this.picker = new RequestPicker(deps.interaction, history, log, () => settings.promptTemplates, () => settings.maxImageBytes, () => settings.attemptsDefault);
    // Another token or organization may see other repositories.
    this.subscription = session.onDidChangeState(() => this.pipeline.forgetRepositories());
  }

  // ---- entry points -----------------------------------------------------------------------------

  /** Sends through the pipeline with the interactive dialogs (the prompt picker unless a request is given). */
  send(input: SendInput, options: { initialText?: string } = {}): Promise<SendOutcome> {
    return this.pipeline.send(input, this.interactive(options.initialText));
  }

  /** Sends with dialogs that never ask: for the API and for tools that confirmed first. */
  sendSilently(input: SendInput, options: { signal?: AbortSignal } = {}): Promise<SendOutcome> {
    return this.pipeline.send(input, silentDialogs(options));
  }

  /** The interactive dialogs for a request given up front, without the "started" toast (the chat). */
  quietDialogs(): SendDialogs {
    return new InteractiveDialogs(this.dialogDeps, this.picker, (input) => this.pickerOptions(input, undefined), false);
  }

  /** Sends with the caller's own dialogs (chat). */
  sendWith(input: SendInput, dialogs: SendDialogs): Promise<SendOutcome> {
    return this.pipeline.send(input, dialogs);
  }

  /** An editor's document (or a part of it) as a target, for the other entry points. */
  targetFor(document: vscode.TextDocument, ranges: readonly vscode.Range[], diagnostics?: readonly vscode.Diagnostic[]): SendTarget {
    return documentTarget(document, ranges, ranges.every((r) => r.isEmpty) ? 'file' : 'selection', this.gitLookup, diagnostics);
  }

  /** With `repository`: the repository of the files the request references (chat, tools), not the workspace's. */
  bareTarget(attachments?: Array<{ label: string; text: string }>, repository?: { git: GitContext | undefined }): SendTarget {
    return bareTarget(this.gitLookup, attachments, repository);
  }

  // ---- commands ---------------------------------------------------------------------------------

  async runOnSelection(argument?: unknown): Promise<number | undefined> {
    const ui = this.deps.interaction;
    const editor = editorFor(argument);
    if (!editor) {
      const newRun = vscode.l10n.t('New run');
      const choice = await ui.showMessage({ severity: 'info', message: vscode.l10n.t('Open a file and select the code Codegen should work on, or start a new run without code.'), actions: [newRun] });
      return choice === newRun ? this.newRun() : undefined;
    }
    let mode: 'selection' | 'file' = 'selection';
    if (editor.selections.every((selection) => selection.isEmpty)) {
      if (!(await this.confirmWholeFile(editor))) return undefined;
      mode = 'file';
    }
    return this.command('runOnSelection', documentTarget(editor.document, editor.selections, mode, this.gitLookup));
  }

  /** "Run on selection with several agents": the same request sent to 2-4 agents (asked, the setting first). */
  async runWithAttempts(argument?: unknown): Promise<number[] | undefined> {
    const editor = editorFor(argument);
    if (!editor) {
      void this.deps.interaction.showMessage({ severity: 'info', message: vscode.l10n.t('Open a file and select the code the agents should work on.') });
      return undefined;
    }
    const mode = editor.selections.every((selection) => selection.isEmpty) ? 'file' : 'selection';
    if (mode === 'file' && !(await this.confirmWholeFile(editor))) return undefined;
    const attempts = await askAttemptCount(this.deps.interaction, this.deps.settings.attemptsDefault);
    if (attempts === undefined) return undefined;
    const outcome = await this.send({ origin: 'runOnSelection', target: documentTarget(editor.document, editor.selections, mode, this.gitLookup), attempts });
    if (outcome.kind !== 'created') return undefined;
    return (outcome.attempts?.runs ?? [outcome.run]).map((run) => run.id);
  }

  /** No selection: asks whether to send the whole file. */
  private async confirmWholeFile(editor: vscode.TextEditor): Promise<boolean> {
    const sendWholeFile = vscode.l10n.t('Send the whole file');
    const choice = await this.deps.interaction.showMessage({
      severity: 'info',
      modal: true,
      message: vscode.l10n.t('No selection: send the whole file?'),
      detail: vscode.l10n.t('{0} ({1} lines) would go to Codegen with your request.', labelOf(editor.document), editor.document.lineCount),
      actions: [sendWholeFile],
    });
    return choice === sendWholeFile;
  }

  async runOnFile(argument?: unknown): Promise<number | undefined> {
    const uri = argument instanceof vscode.Uri ? argument : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void this.deps.interaction.showMessage({ severity: 'info', message: vscode.l10n.t('Open a file first, or right-click a file in the Explorer and choose "Codegen: Run on file".') });
      return undefined;
    }
    const file = await openFileToSend(uri);
    if ('notSent' in file) {
      const name = path.posix.basename(uri.path);
      const advice = file.problem === 'tooLarge' ? ` ${vscode.l10n.t('Open it, select the part that matters, and use "Codegen: Run on selection".')}` : '';
      void this.deps.interaction.showMessage({ severity: file.problem === 'folder' ? 'info' : 'error', message: `${vscode.l10n.t('{0} was not sent to Codegen: {1}.', name, file.notSent)}${advice}` });
      return undefined;
    }
    return this.command('runOnFile', documentTarget(file.document, [], 'file', this.gitLookup));
  }

  newRun(): Promise<number | undefined> {
    return this.command('newRun', bareTarget(this.gitLookup));
  }

  /** What the interactive dialogs use: these deps, and `later` on timers this sender clears on dispose. */
  private get dialogDeps(): InteractiveDeps {
    return {
      ...this.deps,
      later: (callback, delayMs) => {
        const handle = this.deps.clock.setTimeout(() => {
          this.pendingTimers.delete(handle);
          callback();
        }, delayMs);
        this.pendingTimers.add(handle);
      },
    };
  }

  dispose(): void {
    this.subscription.dispose();
    for (const handle of this.pendingTimers) this.deps.clock.clearTimeout(handle);
    this.pendingTimers.clear();
    this.pipeline.forgetRepositories();
  }

  private async command(origin: CommandOrigin, target: SendTarget): Promise<number | undefined> {
    const outcome = await this.send({ origin, target });
    return outcome.kind === 'created' ? outcome.run.id : undefined;
  }

  private interactive(initialText: string | undefined): InteractiveDialogs {
    return new InteractiveDialogs(this.dialogDeps, this.picker, (input) => this.pickerOptions(input, initialText));
  }

  private pickerOptions(input: SendInput, initialText: string | undefined): PickerOptions {
    const target = input.target;
    const where = target.kind === 'document' ? ` · ${target.label}${target.mode === 'selection' ? `:${selectionLabel(target.selections)}` : ''}` : '';
    const options: PickerOptions = {
      title: `${originTitle(input.origin)}${where}`,
      placeHolder:
        target.kind === 'document'
          ? vscode.l10n.t('What should the agent do with this code? Type a request, or pick a recent request or a template')
          : vscode.l10n.t('What should the agent do? Type a request, or pick a recent request or a template'),
    };
    if (initialText !== undefined) options.initialText = initialText;
    return options;
  }
}

function originTitle(origin: SendInput['origin']): string {
  switch (origin) {
    case 'runOnSelection':
      return vscode.l10n.t('Codegen: Run on selection');
    case 'runOnFile':
      return vscode.l10n.t('Codegen: Run on file');
    case 'quickFix':
      return vscode.l10n.t('Codegen: Fix with Codegen');
    case 'todo':
      return vscode.l10n.t('Codegen: Delegate to Codegen');
    default:
      return vscode.l10n.t('Codegen: New run');
  }
}

