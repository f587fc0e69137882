// The main bundle's side of the work bundle: loads dist/work.js the first time work is sent or brought
// back, and hands it everything it needs from here (the API, errors classified, settings, the run store,
// git, dialog helpers). Nothing of the main bundle is imported by the work bundle at run time, so no class
// exists twice.
import * as path from 'path';
import * as vscode from 'vscode';
import { isApiError } from '../api/errors';
import type { RateWaitEvent } from '../api/rateGovernor';
import type { AgentRun } from '../api/types';
import type { Session } from '../auth/session';
import type { Settings } from '../config/settings';
import type { GitAdapter } from '../git/gitApi';
import { Commands, Settings as SettingKeys, StateKeys } from '../ids';
import type { RunStore } from '../runs/runStore';
import type { ErrorFacts, Readiness, SecretScanner } from '../send/sendTypes';
import type { Interaction } from '../ui/interaction';
import { showError } from '../ui/showError';
import type { Clock } from '../util/clock';
import type { Event } from '../util/events';
import type { Log } from '../util/log';
import type { ChangesDeps, RunChangesCommands, SendWorkDeps, WorkSender } from './workBundle';

export const DEFAULT_MAX_CHARS = 100_000;
export const DEFAULT_MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export interface WorkLoaderDeps {
  context: vscode.ExtensionContext;
  version: string;
  session: Session;
  settings: Settings;
  store: RunStore;
  /** Polls the list now (after a create): the poller gets fast again. */
  refreshSoon(): void;
  git: GitAdapter;
  rateWaits: Event<RateWaitEvent>;
  /** The URI scheme of file contents at a commit (served by the main bundle's content provider). */
  changesScheme: string;
  /** The run and pull request a command argument names. */
  resolvePullRequest: ChangesDeps['resolve'];
  interaction: Interaction;
  clock: Clock;
  log: Log;
}

/** What the pipeline needs to know of an error, from the main bundle's own error class. */
export function inspectError(error: unknown): ErrorFacts {
  const message = error instanceof Error ? error.message : String(error);
  if (!isApiError(error)) return { kind: 'other', message };
  const kinds: ReadonlyArray<NonNullable<ErrorFacts['kind']>> = ['unauthorized', 'forbidden', 'cancelled', 'network', 'timeout', 'rateLimited', 'malformed'];
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
  private scanner: SecretScanner | undefined;

  constructor(private readonly deps: WorkLoaderDeps) {}

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
      git: { repositoryRoots: () => this.deps.git.repositoryRoots(), fetch: (root, remote, branch) => this.deps.git.fetch(root, remote, branch), refresh: (root) => this.deps.git.refresh(root) },
    });
    return this.changesCommands;
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
      gitLookup: (uri) => this.deps.git.contextFor(uri),
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
