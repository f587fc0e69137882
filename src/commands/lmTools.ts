// The agent-mode tools: codegen_create_run, codegen_get_run, codegen_list_runs.
// Input from the model is untrusted: parsed strictly, files read only inside the workspace (for real: links
// resolved, never .git). A create reads its files once and shows exactly what will be sent and asks to
// confirm (prepareInvocation), with the secret scan already run; the call sends those reads, not new ones; it
// then goes through the one send pipeline with dialogs that never ask (a secret is refused). Results are
// plain text, with everything the service said fenced as untrusted data.
import * as vscode from 'vscode';
import { CREATE_RUN_TOOL, GET_RUN_TOOL, LIST_RUNS_TOOL, parseCreateRunInput, parseGetRunInput, parseListRunsInput } from '../delegate/toolInputs';
import { confirmationText, createdForModel, describeRunForModel, failureForModel, listRunsForModel, selectRunsForList } from '../delegate/toolResults';
import type { RunActions } from '../runs/runActions';
import type { RunStore } from '../runs/runStore';
import { secretScanner } from '../send/secretGuard';
import type { WorkSender } from './sendWork';
import { describeMayExist, describeNotSent } from '../send/outcomeText';
import { readFileReferences } from './workspaceFiles';
import type { ReferencedFiles } from '../delegate/fileReferences';
import { PreparedReads } from '../delegate/preparedReads';
import type { GitContext } from '../send/sendTypes';
import { escapeMarkdown } from '../util/serviceText';

function text(value: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(value)]);
}

export interface ToolsDeps {
  sender: WorkSender;
  store: Pick<RunStore, 'runs' | 'get'>;
  /** GET one run (a run the store does not hold yet). */
  actions: Pick<RunActions, 'refresh'>;
}

export class CodegenTools {
  private readonly sender: WorkSender;
  /** The files each confirmation showed, for the call it confirms. */
  private readonly prepared = new PreparedReads<ReferencedFiles<GitContext>>(() => Date.now());

  constructor(private readonly deps: ToolsDeps) {
    this.sender = deps.sender;
  }

  async prepare(name: string, input: unknown): Promise<vscode.PreparedToolInvocation> {
    if (name === GET_RUN_TOOL) {
      const parsed = parseGetRunInput(input);
      return { invocationMessage: parsed.ok ? vscode.l10n.t('Reading Codegen run #{0}', parsed.value.runId) : vscode.l10n.t('Reading a Codegen run') };
    }
    if (name === LIST_RUNS_TOOL) return { invocationMessage: vscode.l10n.t('Listing Codegen runs') };
    const parsed = parseCreateRunInput(input);
    if (!parsed.ok) return { invocationMessage: vscode.l10n.t('Checking a Codegen run request') };
    // Read once, here: the confirmation shows what these reads hold, and the call sends exactly them.
    const files = await readFileReferences(parsed.value.files, this.sender.gitLookup);
    this.prepared.put(parsed.value, files);
    const confirmation = confirmationText(parsed.value, files.labels);
    const findings = await this.secrets(parsed.value.prompt, files.attachments);
    let warning =
      findings.length > 0
        ? `\n\n**${vscode.l10n.t('It will not be sent: it looks like it contains {0}. Remove it and ask again.', findings.join(', '))}**`
        : '';
    if (files.repository.kind === 'several') warning += `\n\n**${escapeMarkdown(vscode.l10n.t('It will not be sent: {0}', files.repository.message))}**`;
    else if (files.repository.kind === 'files' && (vscode.workspace.workspaceFolders?.length ?? 0) > 1) {
      warning += `\n\n${escapeMarkdown(vscode.l10n.t('It goes to the repository of the workspace folder {0}.', files.repository.folder))}`;
    }
    return {
      invocationMessage: vscode.l10n.t('Starting a Codegen run'),
      confirmationMessages: { title: confirmation.title, message: new vscode.MarkdownString(`${confirmation.message}${warning}`) },
    };
  }

  async invoke(name: string, input: unknown, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    switch (name) {
      case CREATE_RUN_TOOL:
        return this.create(input, token);
      case GET_RUN_TOOL: {
        const parsed = parseGetRunInput(input);
        if (!parsed.ok) return text(parsed.message);
        try {
          const run = this.deps.store.get(parsed.value.runId) ?? (await this.deps.actions.refresh(parsed.value.runId));
          return text(describeRunForModel(run));
        } catch (error) {
          return text(failureForModel(`${GET_RUN_TOOL}: Codegen run ${parsed.value.runId} could not be read.`, error instanceof Error ? error.message : String(error)));
        }
      }
      case LIST_RUNS_TOOL: {
        const parsed = parseListRunsInput(input);
        if (!parsed.ok) return text(parsed.message);
        return text(listRunsForModel(selectRunsForList(this.deps.store.runs, parsed.value)));
      }
      default:
        return text(`Unknown Codegen tool ${name.slice(0, 60)}.`);
    }
  }

  private async create(input: unknown, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const parsed = parseCreateRunInput(input);
    if (!parsed.ok) return text(parsed.message);
    // What the confirmation showed (prepare read it); a call that was not prepared reads now.
    const files = this.prepared.take(parsed.value) ?? (await readFileReferences(parsed.value.files, this.sender.gitLookup));
    if (files.repository.kind === 'several') return text(`${CREATE_RUN_TOOL}: the run was not created. ${files.repository.message}`);
    const target = this.sender.bareTarget(files.attachments, files.repository.kind === 'files' ? { git: files.repository.git } : undefined);
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    if (token.isCancellationRequested) controller.abort();
    try {
      const outcome = await this.sender.sendSilently(
        { origin: 'tool', target, request: { request: parsed.value.prompt, typed: '', images: [] } },
        { signal: controller.signal },
      );
      if (outcome.kind === 'created') return text(createdForModel(outcome.run));
      if (outcome.kind === 'mayExist') return text(describeMayExist(`Check with ${LIST_RUNS_TOOL}`));
      return text(failureForModel(describeNotSent(outcome.reason), outcome.message));
    } finally {
      subscription.dispose();
    }
  }

  private async secrets(prompt: string, attachments: ReadonlyArray<{ text: string }>): Promise<string[]> {
    try {
      const found = await secretScanner.scanForSecrets([prompt, ...attachments.map((a) => a.text)].join('\n\n'));
      return [...new Set(found.map((finding) => finding.kind))];
    } catch {
      return [];
    }
  }
}
