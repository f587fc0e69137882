// The main bundle's side of the work bundle: loads dist/work.js the first time work is sent or brought
// back, and hands it everything it needs from here (the API, errors classified, settings, the run store,
// git, dialog helpers). Nothing of the main bundle is imported by the work bundle at run time, so no class
// exists twice.
import * as path from 'path';
import * as vscode from 'vscode';
import { isApiError } from '../api/errors';
import { isFinal, statusCategory, statusLabel } from '../api/status';
import { GROUP_ORDER, groupOf, groupRuns, pullRequestNumber, runTitle } from '../runs/runModel';
import { cleanServiceText, serviceLabel } from '../util/serviceText';
import { safeExternalUrl } from '../util/urlPolicy';
import type { RateWaitEvent } from '../api/rateGovernor';
import type { AgentRun } from '../api/types';
import type { Session } from '../auth/session';
import type { Settings } from '../config/settings';
import type { GitAdapter } from '../git/gitApi';
import { BuiltInCommands, Commands, GitHubPullRequests, Settings as SettingKeys, StateKeys } from '../ids';
import type { RunActions } from '../runs/runActions';
import type { PrWork } from './bringBackCommands';
import type { RunStore } from '../runs/runStore';
import type { ErrorFacts, Readiness, SecretScanner } from '../send/sendTypes';
import type { Interaction, PromptUi } from '../ui/interaction';
import { showError } from '../ui/showError';
import type { Clock } from '../util/clock';
import type { Event } from '../util/events';
import type { Log } from '../util/log';
import type { AgentRunsSource, AuthCommands, ChangesDeps, CodegenChat, CodegenTools, DelegateCommands, RunChangesCommands, SendWorkDeps, WorkSender } from './workBundle';
import { TOKEN_URL } from '../util/errorAdvice';
import type { RunTextKit } from '../delegate/runTextKit';

export const DEFAULT_MAX_CHARS = 100_000;

/** The main bundle's sanitizer, URL policy and run model, handed to the work bundle's chat and tool answers. */
export const runTextKit: RunTextKit = { cleanServiceText, serviceLabel, safeExternalUrl, statusLabel, statusCategory, isFinal, runTitle, groupOf, groupRuns, groupOrder: GROUP_ORDER, pullRequestNumber };
export const DEFAULT_MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export interface WorkLoaderDeps {
  context: vscode.ExtensionContext;
  version: string;
  session: Session;
  settings: Settings;
  store: RunStore;
  /** Polls the list now (after a create): the poller gets fast again. */
  refreshSoon(): void;
  rateWaits: Event<RateWaitEvent>;
  /** The URI scheme of file contents at a commit (served by the main bundle's content provider). */
  changesScheme: string;
  /** The run and pull request a command argument names. */
  resolvePullRequest: ChangesDeps['resolve'];
  /** Calls on one run (the PR state). */
  actions: Pick<RunActions, 'setPullRequestState'>;
  /** What the chat and the tools read and do about runs. */
  runsSource: AgentRunsSource;
  /** The main bundle's sanitizer, URL policy and run model, for the chat and tool answers. */
  kit: RunTextKit;
  interaction: Interaction;
  clock: Clock;
  log: Log;
}

/** What the pipeline needs to know of an error, from the main bundle's own error class. */
export function inspectError(error: unknown): ErrorFacts {
  const message = error instanceof Error ? error.message : String(error);
  if (!isApiError(error)) return { kind: 'other', message };
  const kinds: ReadonlyArray<NonNullable<ErrorFacts['kind']>> = ['unauthorized', 'forbidden', 'cancelled', 'network', 'timeout', 'rateLimited', 'malformed', 'server'];
  const kind = kinds.find((k) => k === error.kind) ?? 'other';
  const facts: ErrorFacts = { kind, message };
  if (error.status !== undefined) facts.status = error.status;
  if (error.details.mayHaveBeenCreated !== undefined) facts.mayHaveBeenCreated = error.details.mayHaveBeenCreated;
  return facts;
}

export class WorkLoader implements vscode.Disposable {
  private bundle: typeof import('./workBundle') | undefined;
  private sender: WorkSender | undefined;
  private changesCommands: RunChangesCommands | undefined;
  private delegateCommands: DelegateCommands | undefined;
  private authCommands: AuthCommands | undefined;
  private prCommands: PrWork | undefined;
  private chatHandler: CodegenChat | undefined;
  private toolHandlers: CodegenTools | undefined;
  private scanner: SecretScanner | undefined;
  private gitAdapter: GitAdapter | undefined;

  constructor(private readonly deps: WorkLoaderDeps) {}

  /** The vscode.git adapter (in the work bundle: only sending and bringing changes back use git). */
  private git(): GitAdapter {
    this.gitAdapter ??= new (this.load().GitAdapter)(this.deps.log);
    return this.gitAdapter;
  }

  /** The send pipeline and the send commands, loading the work bundle on first use. */
  get(): WorkSender {
    this.sender ??= this.load().createWorkSender(this.sendWorkDeps());
    return this.sender;
  }

  /** The bring-back commands (review, check out, apply). */
  changes(): RunChangesCommands {
    const { interaction, log, store } = this.deps;
    this.changesCommands ??= new (this.load().RunChangesCommands)({
      interaction,
      log,
      scheme: this.deps.changesScheme,
      resolve: this.deps.resolvePullRequest,
      markReviewed: (runId) => store.markReviewed(runId),
      git: this.git(),
    });
    return this.changesCommands;
  }

  /** The prompt picker and the prompt review editor. */
  promptUi(): PromptUi {
    return this.load().vscodePromptUi;
  }

  /** The pull request's state and Open with GitHub Pull Requests. */
  prs(): PrWork {
    const { interaction, log, store } = this.deps;
    this.prCommands ??= this.load().createPrCommands({
      interaction,
      log,
      kit: runTextKit,
      resolve: this.deps.resolvePullRequest,
      setPullRequestState: (runId, prId, state) => this.deps.actions.setPullRequestState(runId, prId, state),
      markReviewed: (runId) => store.markReviewed(runId),
      showError: (error, what) => showError(interaction, log, error, what),
      gitHubPullRequests: { extensionId: GitHubPullRequests.extensionId, openPullRequestPath: GitHubPullRequests.openPullRequestPath, showExtensionCommand: BuiltInCommands.showExtension },
    });
    return this.prCommands;
  }

  /** Set API token, Sign out, Select organization. */
  auth(): AuthCommands {
    const { session, settings, interaction, log } = this.deps;
    this.authCommands ??= this.load().createAuthCommands({
      session,
      settings,
      interaction,
      log,
      inspectError,
      showError: (error, what) => showError(interaction, log, error, what),
      serviceLabel,
      tokenUrl: TOKEN_URL,
      setTokenCommand: Commands.setToken,
    });
    return this.authCommands;
  }

  /** Fix with Codegen and Delegate to Codegen. */
  delegate(): DelegateCommands {
    this.delegateCommands ??= new (this.load().DelegateCommands)(this.get());
    return this.delegateCommands;
  }

  /** The @codegen chat participant's handler. */
  chat(participantId: string): CodegenChat {
    const sender = this.get();
    this.chatHandler ??= new (this.load().CodegenChat)(sender, this.deps.runsSource, this.deps.kit, participantId, () => sender.quietDialogs());
    return this.chatHandler;
  }

  /** The agent-mode tools. */
  tools(): CodegenTools {
    this.toolHandlers ??= new (this.load().CodegenTools)(this.get(), this.deps.runsSource, this.deps.kit, () => this.loadScanner());
    return this.toolHandlers;
  }

  private load(): typeof import('./workBundle') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a sibling bundle, loaded on first use
    this.bundle ??= require(path.join(this.deps.context.extensionPath, 'dist', 'work.js')) as typeof import('./workBundle');
    return this.bundle;
  }

  /** The secret scanner's bundle (secretlint is large), loaded on first use. */
  loadScanner(): SecretScanner {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a sibling bundle, loaded on first use
    this.scanner ??= require(path.join(this.deps.context.extensionPath, 'dist', 'secretScan.js')) as SecretScanner;
    return this.scanner;
  }

  dispose(): void {
    this.sender?.dispose();
  }

  private sendWorkDeps(): SendWorkDeps {
    const { session, settings, store, interaction, log, clock, context } = this.deps;
    const positive = (key: string, fallback: number): number => {
      const value = Number(settings.get(key));
      return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
    };
    return {
      host: {
        api: session.api,
        readiness: (): Readiness => {
          const state = session.state;
          if (state.configurationError !== undefined) return { kind: 'configurationError', message: state.configurationError };
          if (!state.signedIn) return { kind: 'signedOut' };
          return state.organizationId === undefined ? { kind: 'noOrganization' } : { kind: 'ready', organizationId: state.organizationId };
        },
        inspectError,
        scanner: () => this.loadScanner(),
        settings: {
          maxChars: () => positive(SettingKeys.contextMaxChars, DEFAULT_MAX_CHARS),
          reviewBeforeSend: () => settings.get(SettingKeys.promptReviewBeforeSend) === true,
          repositoryId: () => settings.repositoryId,
          model: () => settings.model,
          agentType: () => settings.agentType,
        },
        runCreated: (run: AgentRun) => {
          store.upsert(run, { createdHere: true });
          this.deps.refreshSoon();
        },
        refreshSoon: () => this.deps.refreshSoon(),
        extensionVersion: this.deps.version,
        clock,
        log,
      },
      historyStorage: {
        get: () => context.globalState.get<unknown>(StateKeys.promptHistory),
        set: (entries) => Promise.resolve(context.globalState.update(StateKeys.promptHistory, entries)),
      },
      gitLookup: (uri) => this.git().contextFor(uri),
      templatesSetting: () => settings.get(SettingKeys.promptTemplates),
      maxImageBytes: () => positive(SettingKeys.imagesMaxBytes, DEFAULT_MAX_IMAGE_BYTES),
      onDidChangeAccount: (listener) => session.onDidChangeState(listener),
      interaction,
      log,
      clock,
      rateWaits: this.deps.rateWaits,
      showError: (error, what) => showError(interaction, log, error, what),
      signIn: async () => {
        await vscode.commands.executeCommand(Commands.setToken);
        return session.state.signedIn;
      },
      selectOrganization: async () => {
        if (session.state.organizationId === undefined) await vscode.commands.executeCommand(Commands.selectOrganization);
        return session.state.organizationId;
      },
      showRunDetails: async (runId) => {
        await vscode.commands.executeCommand(Commands.showRunDetails, runId);
      },
      openExternal: async (url) => {
        await interaction.openExternal(url);
      },
    };
  }
}
