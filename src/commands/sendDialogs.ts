// How the commands (and the quick fixes, which open the same picker) answer the send pipeline's
// questions: modal dialogs, the prompt picker, a progress toast with rate-limit waits; signing in and
// choosing an organization through their commands.
import * as vscode from 'vscode';
import type { RateWaitEvent } from '../api/rateGovernor';
import type { AgentRun } from '../api/types';
import type { SessionState } from '../auth/session';
import { Commands } from '../ids';
import { describeFindings, type LocatedFinding } from '../send/secretFindings';
import type { OverLimitInfo, PickedRequest, Readiness, SendDialogs, SendInput } from '../send/sendTypes';
import { WaitCountdown } from '../send/waitCountdown';
import type { Interaction } from '../ui/interaction';
import { showError } from '../ui/showError';
import type { Clock } from '../util/clock';
import type { Event } from '../util/events';
import type { Log } from '../util/log';
import type { PickerOptions, RequestPicker } from './sendPicker';

export interface InteractiveDeps {
  interaction: Interaction;
  log: Log;
  clock: Clock;
  /** The window's rate governors' waits: the create class's are shown in the progress. */
  rateWaits: Event<RateWaitEvent>;
  /** Whether signing in and choosing an organization (their commands) took effect. */
  session: { readonly state: SessionState };
  /** Runs `callback` a little later (a timer its owner clears on dispose): the "started" toast waits for the row. */
  later(callback: () => void, delayMs: number): void;
}

/** The new run's row is drawn first; its toast follows this much later (a toast in the same frame delays the row). */
export const ANNOUNCE_DELAY_MS = 150;

const sendAnyway = (): string => vscode.l10n.t('Send anyway');

export class InteractiveDialogs implements SendDialogs {
  constructor(
    private readonly deps: InteractiveDeps,
    private readonly picker: RequestPicker,
    private readonly pickerOptions: (input: SendInput) => PickerOptions,
    /** Show the "started run" toast (the chat says it in its answer instead). */
    private readonly announceCreated = true,
  ) {
    if (announceCreated) this.uncommittedChanges = (files) => this.askUncommitted(files);
  }

  /** "Include my uncommitted changes": a modal listing exactly the files that go. */
  private async askUncommitted(files: ReadonlyArray<{ status: string; path: string }>): Promise<'include' | 'without' | undefined> {
    const include = vscode.l10n.t('Include my uncommitted changes');
    const without = vscode.l10n.t('Send without them');
    const words: Readonly<Record<string, string>> = { A: 'added', M: 'modified', D: 'deleted', T: 'type changed' };
    const listed = files.slice(0, 50).map((file) => `${words[file.status] ?? file.status}: ${file.path}`);
    if (files.length > listed.length) listed.push(vscode.l10n.t('… and {0} more', files.length - listed.length));
    const choice = await this.deps.interaction.showMessage({
      severity: 'info',
      modal: true,
      message: vscode.l10n.t('Include your {0} uncommitted file(s)? They are pushed to your remote as a new branch codegen/base/… and the agent starts from it.', files.length),
      detail: `${listed.join('\n')}\n\n${vscode.l10n.t('Your branch, index, stash and files are not changed. The branch is deleted from the remote (after asking) when the pull request is merged or closed.')}`,
      actions: [include, without],
    });
    return choice === include ? 'include' : choice === without ? 'without' : undefined;
  }

  /** The request being sent came from the picker. */
  private pickedHere = false;

  /** Offered by the commands' dialogs only: the chat's (announceCreated false) keep their behaviour. */
  readonly uncommittedChanges?: (files: ReadonlyArray<{ status: string; path: string }>) => Promise<'include' | 'without' | undefined>;

  async fixReadiness(readiness: Exclude<Readiness, { kind: 'ready' }>): Promise<number | undefined> {
    const ui = this.deps.interaction;
    if (readiness.kind === 'configurationError') {
      void ui.showMessage({ severity: 'error', message: readiness.message });
      return undefined;
    }
    if (readiness.kind === 'signedOut') {
      const setToken = vscode.l10n.t('Set API token');
      const choice = await ui.showMessage({ severity: 'info', message: vscode.l10n.t('Set your Codegen API token to send work to Codegen.'), actions: [setToken] });
      if (choice !== setToken) return undefined;
      await vscode.commands.executeCommand(Commands.setToken);
      if (!this.deps.session.state.signedIn) return undefined;
    }
    if (this.deps.session.state.organizationId === undefined) await vscode.commands.executeCommand(Commands.selectOrganization);
    return this.deps.session.state.organizationId;
  }

  async pickRequest(input: SendInput): Promise<PickedRequest | undefined> {
    const picked = await this.picker.pick(this.pickerOptions(input));
    this.pickedHere = picked !== undefined;
    return picked;
  }

  async overLimit(info: OverLimitInfo): Promise<'trim' | 'send' | 'cancel'> {
    const count = info.charCount.toLocaleString('en-US');
    const limit = info.maxChars.toLocaleString('en-US');
    if (info.stage === 'request') {
      const choice = await this.deps.interaction.showMessage({
        severity: 'warning',
        modal: true,
        message: vscode.l10n.t('Your request is {0} characters, over the limit of {1}.', count, limit),
        detail: vscode.l10n.t('The limit is the setting codegen.context.maxChars.'),
        actions: [sendAnyway()],
      });
      return choice === sendAnyway() ? 'send' : 'cancel';
    }
    const trim = vscode.l10n.t('Trim');
    const choice = await this.deps.interaction.showMessage({
      severity: 'warning',
      modal: true,
      message: vscode.l10n.t('The prompt is {0} characters, over the limit of {1}.', count, limit),
      detail: vscode.l10n.t('Trim cuts the code to fit (your request stays whole and the prompt says what was left out). Send anyway sends everything. The limit is the setting codegen.context.maxChars.'),
      actions: [trim, sendAnyway()],
    });
    return choice === trim ? 'trim' : choice === sendAnyway() ? 'send' : 'cancel';
  }

  review(prompt: string): Promise<string | undefined> {
    return this.deps.interaction.reviewPrompt({ text: prompt, language: 'markdown' });
  }

  async secretsFound(findings: readonly LocatedFinding[]): Promise<boolean> {
    const detail = describeFindings(findings);
    const choice = await this.deps.interaction.showMessage({
      severity: 'warning',
      modal: true,
      message: findings.length === 1 ? vscode.l10n.t('What you are about to send may contain a secret.') : vscode.l10n.t('What you are about to send may contain {0} secrets.', findings.length),
      detail:
        findings.length === 1
          ? vscode.l10n.t("{0}\n\nCodegen's agent, its logs and the pull request could expose it. Cancel and remove it from the selection, or send anyway.", detail)
          : vscode.l10n.t("{0}\n\nCodegen's agent, its logs and the pull request could expose them. Cancel and remove them from the selection, or send anyway.", detail),
      actions: [sendAnyway()],
    });
    return choice === sendAnyway();
  }

  async scanFailed(message: string): Promise<boolean> {
    const sendWithoutChecking = vscode.l10n.t('Send without checking');
    const choice = await this.deps.interaction.showMessage({
      severity: 'warning',
      modal: true,
      message: vscode.l10n.t('Codegen could not check the prompt for secrets.'),
      detail: vscode.l10n.t('{0}\n\nSend it without the check?', message),
      actions: [sendWithoutChecking],
    });
    return choice === sendWithoutChecking;
  }

  async repositoryLookupFailed(fullName: string, message: string): Promise<boolean> {
    const useDefault = vscode.l10n.t("Use the organization's default");
    const choice = await this.deps.interaction.showMessage({
      severity: 'warning',
      modal: true,
      message: vscode.l10n.t('Codegen could not look up the repository {0}.', fullName),
      detail: vscode.l10n.t("{0}\n\nSend the run to the organization's default repository instead? Or set codegen.repositoryId.", message),
      actions: [useDefault],
    });
    return choice === useDefault;
  }

  accessProblem(error: unknown, step: string): Promise<void> {
    return showError(this.deps.interaction, this.deps.log, error, step);
  }

  creating<T>(task: (signal: AbortSignal) => Promise<T>, attempt?: { attempt: number; count: number }): Promise<{ value: T } | { error: unknown; cancelledWhileSending: boolean }> {
    const { clock, log } = this.deps;
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Codegen', cancellable: true }, async (progress, token) => {
        // Several agents: which run of the group, also while it waits for the create limit.
        const creatingText = attempt ? vscode.l10n.t('Creating run {0} of {1}…', attempt.attempt, attempt.count) : vscode.l10n.t('Creating the run…');
        progress.report({ message: creatingText });
        const countdown = new WaitCountdown(
          clock,
          (seconds) =>
            progress.report({
              message: attempt
                ? vscode.l10n.t('Run {0} of {1}: waiting for the rate limit (10 runs per minute): {2} s', attempt.attempt, attempt.count, seconds)
                : vscode.l10n.t('Waiting for the rate limit: {0} s', seconds),
            }),
          () => progress.report({ message: creatingText }),
        );
        const controller = new AbortController();
        let cancelledWhileSending = false;
        const subscriptions = [
          this.deps.rateWaits((event) => {
            if (event.rateClass !== 'create') return;
            log.info(`Creating the run waits ${Math.ceil(event.waitMs / 1000)} s for the rate limit (${event.reason}).`);
            countdown.start(event.waitMs);
          }),
          token.onCancellationRequested(() => {
            // Cancelling a wait is safe; once the request is out, the run may already exist.
            cancelledWhileSending = !countdown.active;
            controller.abort();
          }),
        ];
        try {
          return { value: await task(controller.signal) };
        } catch (error) {
          return { error, cancelledWhileSending };
        } finally {
          countdown.dispose();
          for (const s of subscriptions) s.dispose();
        }
      }),
    );
  }

  async createFailed(message: string): Promise<'retry' | 'stop'> {
    const retry = vscode.l10n.t('Retry');
    const showLog = vscode.l10n.t('Show log');
    const choice = await this.deps.interaction.showMessage({
      severity: 'error',
      message: vscode.l10n.t('Creating the Codegen run failed: {0} Your request is kept.', message),
      actions: [retry, showLog],
    });
    if (choice === showLog) this.deps.log.show();
    return choice === retry ? 'retry' : 'stop';
  }

  failed(error: unknown, step: string): Promise<void> {
    return showError(this.deps.interaction, this.deps.log, error, step);
  }

  mayExist(): void {
    void this.deps.interaction.showMessage({
      severity: 'warning',
      message: vscode.l10n.t('Codegen may have created the run: no answer arrived. The Runs view is refreshed; check it before sending again.'),
    });
  }

  created(run: AgentRun, title: string): void {
    // Only a request from the picker is done with: a chat's request never touches the picker's drafts.
    if (this.pickedHere) this.picker.clear();
    this.pickedHere = false;
    if (this.announceCreated) this.deps.later(() => void this.announce(run, title), ANNOUNCE_DELAY_MS);
  }

  private async announce(run: AgentRun, title: string): Promise<void> {
    const showDetails = vscode.l10n.t('Show details');
    const choice = await this.deps.interaction.showMessage({ severity: 'info', message: vscode.l10n.t('Codegen started run #{0}: {1}', run.id, title), actions: [showDetails] });
    if (choice !== showDetails) return;
    try {
      await vscode.commands.executeCommand(Commands.showRunDetails, run.id);
    } catch (error) {
      this.deps.log.warn(`Could not show the run's details: ${error instanceof Error ? error.message : String(error)}`);
      if (run.webUrl) await this.deps.interaction.openExternal(run.webUrl);
    }
  }
}
