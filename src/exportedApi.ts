// The API other extensions get from `vscode.extensions.getExtension('codegen-sh.codegen-vscode').exports`,
// and the URI handler for vscode://codegen-sh.codegen-vscode/run/<id> links.
import * as path from 'path';
import * as vscode from 'vscode';
import type { AgentRun, AgentType } from './api/types';
import type { Session } from './auth/session';
import type { Settings } from './config/settings';
import type { RunStore } from './runs/runStore';
import type { Interaction } from './ui/interaction';
import type { Log } from './util/log';

export interface CreateRunRequest {
  prompt: string;
  repoId?: number;
  model?: string;
  agentType?: AgentType;
  /** Merged into the run's metadata; `source` is always "vscode-api". */
  metadata?: Record<string, unknown>;
}

/** Version 1 of the API for other extensions. */
export interface CodegenApiV1 {
  readonly apiVersion: 1;
  /**
   * Creates a run in the selected organization. Fails (without asking the user anything) when not signed
   * in, when no organization is selected, or when the prompt looks like it holds a secret.
   */
  createRun(request: CreateRunRequest): Promise<AgentRun>;
  /** The runs the Runs view knows, newest first. */
  getRuns(): readonly AgentRun[];
  /** Fires with the runs whenever they change. */
  readonly onDidChangeRuns: vscode.Event<readonly AgentRun[]>;
  /** Opens the run details panel. */
  showRunDetails(runId: number): Promise<void>;
}

export const MAX_API_PROMPT_CHARS = 200_000;

export function createExportedApi(deps: {
  session: Session;
  settings: Settings;
  store: RunStore;
  refreshNow: () => Promise<void>;
  extensionPath: string;
  version: string;
  log: Log;
}): { api: CodegenApiV1; disposable: vscode.Disposable } {
  const { session, settings, store, log } = deps;
  const changes = new vscode.EventEmitter<readonly AgentRun[]>();
  const subscription = store.onDidChange(() => changes.fire(store.runs));

  const createRun = async (request: CreateRunRequest): Promise<AgentRun> => {
    if (!request || typeof request.prompt !== 'string' || request.prompt.trim() === '') throw new Error('Codegen: createRun needs a non-empty prompt.');
    if (request.prompt.length > MAX_API_PROMPT_CHARS) throw new Error(`Codegen: the prompt is longer than ${MAX_API_PROMPT_CHARS} characters.`);
    if (!session.isSignedIn) throw new Error('Codegen: not signed in. The user must run "Codegen: Set API token".');
    const orgId = settings.organizationId;
    if (orgId === undefined) throw new Error('Codegen: no organization selected. The user must run "Codegen: Select organization".');
    // Nobody reviews a prompt another extension sends: one that looks like it holds a secret is refused.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a separate bundle, loaded on first use
    const scanner = require(path.join(deps.extensionPath, 'dist', 'secretScan.js')) as typeof import('./secrets-scan');
    const findings = await scanner.scanForSecrets(request.prompt);
    if (findings.length > 0) {
      const kinds = [...new Set(findings.map((f) => `${f.kind} (line ${f.line})`))].join(', ');
      throw new Error(`Codegen: the prompt was not sent because it looks like it contains secrets: ${kinds}.`);
    }
    const metadata = { ...(isPlainObject(request.metadata) ? request.metadata : {}), source: 'vscode-api', extension_version: deps.version };
    const run = await session.api.createRun(orgId, {
      prompt: request.prompt,
      repoId: request.repoId ?? settings.repositoryId,
      model: request.model ?? settings.model,
      agentType: request.agentType ?? settings.agentType,
      metadata,
    });
    log.info(`Run ${run.id} created through the extension API.`);
    store.upsert(run, { createdHere: true });
    void deps.refreshNow();
    return run;
  };

  const api: CodegenApiV1 = {
    apiVersion: 1,
    createRun,
    getRuns: () => store.runs,
    onDidChangeRuns: changes.event,
    showRunDetails: async (runId) => {
      await vscode.commands.executeCommand('codegen.showRunDetails', runId);
    },
  };
  return { api, disposable: vscode.Disposable.from(subscription, changes) };
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
    await vscode.commands.executeCommand('codegen.showRunDetails', runId);
  }
}
