// The API other extensions get from `vscode.extensions.getExtension('codegen-sh.codegen-vscode').exports`,
// and the URI handler for vscode://codegen-sh.codegen-vscode/run/<id> links.
import * as vscode from 'vscode';
import type { AgentRun, AgentType } from './api/types';
import { Commands } from './ids';
import { attemptCount, MAX_ATTEMPTS, MIN_ATTEMPTS } from './runs/attempts';
import type { RunStore } from './runs/runStore';
import { RunStatusTracker, type RunStatusChange } from './runs/statusEvents';
import { describeMayExist, describeNotSent } from './send/outcomeText';
import type { SendInput, SendOutcome, SendTarget } from './send/sendTypes';
import type { Interaction } from './ui/interaction';
import type { Log } from './util/log';

export interface CreateRunRequest {
  prompt: string;
  repoId?: number;
  model?: string;
  agentType?: AgentType;
  /** Merged into the run's metadata; `source` is always "vscode-api". */
  metadata?: Record<string, unknown>;
  /** Several agents on one request: 2 to 4 runs of the same prompt (one attempt group); use createRuns to get them all. */
  attempts?: number;
}

export type { RunStatusChange } from './runs/statusEvents';

/** A created run; with `attempts`, `attemptRuns` holds every run of the group (this one first). */
export type CreatedRun = AgentRun & { attemptRuns?: AgentRun[] };

/** Version 1 of the API for other extensions. */
export interface CodegenApiV1 {
  readonly apiVersion: 1;
  /**
   * Creates a run in the selected organization. Fails (without asking the user anything) when not signed
   * in, when no organization is selected, or when the prompt looks like it holds a secret.
   */
  createRun(request: CreateRunRequest): Promise<CreatedRun>;
  /**
   * Like createRun; with `attempts` (2 to 4) the same prompt goes to that many agents (one secret scan and size
   * guard for all) and every created run is returned, attempt 1 first.
   */
  createRuns(request: CreateRunRequest): Promise<AgentRun[]>;
  /** Fires once per change of a run's status (not for the first sighting of a run). */
  readonly onDidChangeRunStatus: vscode.Event<RunStatusChange>;
  /** The runs the Runs view knows, newest first. */
  getRuns(): readonly AgentRun[];
  /** Fires with the runs whenever they change. */
  readonly onDidChangeRuns: vscode.Event<readonly AgentRun[]>;
  /** Opens the run details panel. */
  showRunDetails(runId: number): Promise<void>;
  /** Fetches the run's pull request branch and shows its changes in the multi-diff editor (files untouched). */
  reviewChanges(runId: number): Promise<void>;
  /** Switches to the run's pull request branch, asking the user first when there are uncommitted changes. */
  checkoutChanges(runId: number): Promise<void>;
  /** Applies the branch's changes to the working tree (3-way), asking the user first. */
  applyChanges(runId: number): Promise<void>;
}

export const MAX_API_PROMPT_CHARS = 200_000;

/** The send pipeline as the API uses it. */
export interface ApiSender {
  sendSilently(input: SendInput): Promise<SendOutcome>;
  bareTarget(): SendTarget;
}

export function createExportedApi(deps: {
  store: RunStore;
  sender: ApiSender;
  log: Log;
}): { api: CodegenApiV1; disposable: vscode.Disposable } {
  const { store, log } = deps;
  const changes = new vscode.EventEmitter<readonly AgentRun[]>();
  const subscription = store.onDidChange(() => changes.fire(store.runs));

  // The same send pipeline as the commands (context, secret scan, size guard, repository decision,
  // instant tree insert), with dialogs that never ask: nobody reviews a prompt another extension sends,
  // so one that looks like it holds a secret is refused.
  const statusChanges = new vscode.EventEmitter<RunStatusChange>();
  const tracker = new RunStatusTracker();
  tracker.update(store.runs);
  const statusSubscription = store.onDidChange(() => {
    for (const change of tracker.update(store.runs)) statusChanges.fire(change);
  });

  const createRuns = async (request: CreateRunRequest): Promise<AgentRun[]> => {
    if (!request || typeof request.prompt !== 'string' || request.prompt.trim() === '') throw new Error('Codegen: createRun needs a non-empty prompt.');
    if (request.prompt.length > MAX_API_PROMPT_CHARS) throw new Error(`Codegen: the prompt is longer than ${MAX_API_PROMPT_CHARS} characters.`);
    const { sender } = deps;
    const overrides: SendInput['overrides'] = {};
    if (request.repoId !== undefined) overrides.repoId = request.repoId;
    if (request.model !== undefined) overrides.model = request.model;
    if (request.agentType !== undefined) overrides.agentType = request.agentType;
    if (request.attempts !== undefined && attemptCount(request.attempts) === undefined) throw new Error(`Codegen: attempts must be a whole number from ${MIN_ATTEMPTS} to ${MAX_ATTEMPTS}.`);
    const outcome = await sender.sendSilently({
      ...(request.attempts !== undefined ? { attempts: request.attempts } : {}),
      origin: 'api',
      target: sender.bareTarget(),
      request: { request: request.prompt, typed: '', images: [] },
      overrides,
      metadata: isPlainObject(request.metadata) ? request.metadata : {},
      maxChars: MAX_API_PROMPT_CHARS,
    });
    if (outcome.kind === 'created') {
      const runs = outcome.attempts?.runs ?? [outcome.run];
      log.info(`Run(s) ${runs.map((run) => run.id).join(', ')} created through the extension API.${outcome.attempts?.incomplete ? ` ${outcome.attempts.incomplete}` : ''}`);
      return runs;
    }
    if (outcome.kind === 'mayExist') throw new Error(describeMayExist('Check getRuns()'));
    throw new Error(describeNotSent(outcome.reason, outcome.message));
  };

  const createRun = async (request: CreateRunRequest): Promise<CreatedRun> => {
    const runs = await createRuns(request);
    return request.attempts !== undefined ? { ...runs[0]!, attemptRuns: runs } : runs[0]!;
  };

  const api: CodegenApiV1 = {
    apiVersion: 1,
    createRun,
    createRuns,
    onDidChangeRunStatus: statusChanges.event,
    getRuns: () => store.runs,
    onDidChangeRuns: changes.event,
    showRunDetails: async (runId) => {
      await vscode.commands.executeCommand(Commands.showRunDetails, runId);
    },
    reviewChanges: async (runId) => {
      await vscode.commands.executeCommand(Commands.reviewChanges, runId);
    },
    checkoutChanges: async (runId) => {
      await vscode.commands.executeCommand(Commands.checkoutChanges, runId);
    },
    applyChanges: async (runId) => {
      await vscode.commands.executeCommand(Commands.applyChanges, runId);
    },
  };
  return { api, disposable: vscode.Disposable.from(subscription, changes, statusSubscription, statusChanges) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The run id a vscode://codegen-sh.codegen-vscode/run/<id> link names, or undefined. */
export function runIdFromUri(uri: { path: string; query: string }): number | undefined {
  const match = /^\/runs?\/(\d{1,12})\/?$/.exec(uri.path);
  if (match) return Number(match[1]);
  const query = new URLSearchParams(uri.query).get('run');
  return query && /^\d{1,12}$/.test(query) ? Number(query) : undefined;
}

export class CodegenUriHandler implements vscode.UriHandler {
  /** Links handled (tests count them). */
  handled = 0;

  constructor(
    private readonly interaction: Interaction,
    private readonly log: Log,
  ) {}

  async handleUri(uri: vscode.Uri): Promise<void> {
    const runId = runIdFromUri(uri);
    this.handled++;
    if (runId === undefined) {
      this.log.warn(`Ignored a Codegen link with an unknown path: ${uri.path.slice(0, 100)}`);
      await this.interaction.showMessage({
        severity: 'warning',
        message: vscode.l10n.t('This Codegen link is not one the extension understands. Links look like {0}.', 'vscode://codegen-sh.codegen-vscode/run/123'),
      });
      return;
    }
    await vscode.commands.executeCommand(Commands.showRunDetails, runId);
  }
}
