// The @codegen chat participant: a front end to Codegen that needs no language
// model. `/run` creates a run from the request with the chat's references (files, selections) as context,
// through the one send pipeline, then streams the run's progress (each status change, the summary when it
// ends, its pull requests as buttons) while the chat stays open; `/status` lists runs; a plain message in a
// chat about a run follows up on it.
import * as vscode from 'vscode';
import type { AgentRun } from '../api/types';
import { helpLines, parseChatRequest, runIdFromHistory, runMetadata, RunProgressNarrator, statusListLines, type NarrationItem } from '../delegate/chatCommands';
import { Chat, Commands } from '../ids';
import type { RunActions } from '../runs/runActions';
import type { RunStore } from '../runs/runStore';
import { serviceLabel } from '../util/serviceText';
import { describeMayExist, describeNotSent } from '../send/outcomeText';
import type { WorkSender } from './sendWork';
import { escapeMarkdown } from '../util/serviceText';
import { attachmentsFromReferences } from './workspaceFiles';

/** While a run is followed and nothing new arrives, the list is polled this often (a chat counts as watching). */
export const CHAT_REFRESH_MS = 10_000;

export interface ChatDeps {
  sender: WorkSender;
  store: Pick<RunStore, 'runs' | 'get' | 'onDidChange'>;
  actions: Pick<RunActions, 'followUp'>;
  /** Polls the list soon: a chat following a run counts as watching. */
  refreshSoon(): void;
}

export class CodegenChat {
  private readonly sender: WorkSender;
  private readonly runs: ChatDeps['store'];

  constructor(private readonly deps: ChatDeps) {
    this.sender = deps.sender;
    this.runs = deps.store;
  }

  async handle(request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
    const intent = parseChatRequest({ command: request.command, prompt: request.prompt });
    switch (intent.kind) {
      case 'help':
        stream.markdown(helpLines().map((line) => `- ${escapeMarkdown(line)}`).join('\n'));
        return {};
      case 'invalid':
        stream.markdown(escapeMarkdown(intent.message));
        return {};
      case 'status':
        stream.markdown(statusListLines(this.runs.runs).map((line) => `- ${escapeMarkdown(line)}`).join('\n'));
        return {};
      case 'run':
        return this.run(intent.request, request.references, stream, token);
      case 'followUp':
        return this.followUp(intent.prompt, context, stream, token);
    }
  }

  private async run(requestText: string, references: readonly vscode.ChatPromptReference[], stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
    const { attachments, skipped, repository } = await attachmentsFromReferences(references, this.sender.gitLookup);
    for (const note of skipped) stream.markdown(`${escapeMarkdown(note)}\n\n`);
    if (repository.kind === 'several') {
      stream.markdown(escapeMarkdown(repository.message));
      return {};
    }
    stream.progress(vscode.l10n.t('Starting a Codegen run…'));
    // The run goes to the repository of the referenced files (in a workspace of several folders, not always the first's).
    const target = this.sender.bareTarget(attachments, repository.kind === 'files' ? { git: repository.git } : undefined);
    const outcome = await this.sender.sendWith({ origin: 'chat', target, request: { request: requestText, typed: requestText, images: [] } },
      // The interactive dialogs without the "started" toast (a secret or the size limit is asked in a modal).
      this.sender.quietDialogs(),
    );
    if (outcome.kind === 'mayExist') {
      stream.markdown(escapeMarkdown(describeMayExist('Ask /status')));
      return {};
    }
    if (outcome.kind === 'notSent') {
      stream.markdown(escapeMarkdown(describeNotSent(outcome.reason, outcome.message)));
      return {};
    }
    const files = attachments.length > 0 ? vscode.l10n.t(' with {0} file(s) from this chat', attachments.length) : '';
    stream.markdown(`${escapeMarkdown(vscode.l10n.t('Started Codegen run #{0}{1}: {2}', outcome.run.id, files, outcome.title))}\n\n`);
    await this.narrate(outcome.run, stream, token);
    return { metadata: runMetadata(outcome.run.id) };
  }

  private async followUp(prompt: string, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
    // A response turn carries its result (and so the run id this participant put in its metadata).
    const history = context.history.map((turn) => ('result' in turn ? { participant: turn.participant, metadata: turn.result.metadata } : { participant: turn.participant }));
    const runId = runIdFromHistory(history, Chat.participant);
    if (runId === undefined) {
      stream.markdown(escapeMarkdown(vscode.l10n.t('This chat is not about a run yet. Start one with /run, or ask /status.')));
      return {};
    }
    stream.progress(vscode.l10n.t('Sending the follow-up to run #{0}…', runId));
    let run: AgentRun;
    try {
      run = await this.deps.actions.followUp(runId, prompt);
    } catch (error) {
      stream.markdown(escapeMarkdown(vscode.l10n.t('The follow-up was not sent: {0}', serviceLabel(error instanceof Error ? error.message : String(error), 300))));
      return { metadata: runMetadata(runId) };
    }
    stream.markdown(`${escapeMarkdown(vscode.l10n.t('Follow-up sent to run #{0}.', runId))}\n\n`);
    await this.narrate(run, stream, token);
    return { metadata: runMetadata(runId) };
  }

  /** Streams the run's progress from the run store until it ends, the time limit passes, or the chat is closed. */
  private async narrate(first: AgentRun, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<void> {
    const narrator = new RunProgressNarrator(first.id);
    const show = (items: NarrationItem[]): void => {
      for (const item of items) {
        if (item.kind === 'button') stream.button({ command: Commands.openPullRequest, title: item.title, arguments: [item.url] });
        else if (item.kind === 'summary') stream.markdown(`\n${escapeMarkdown(item.text)}\n\n`);
        else stream.markdown(`${escapeMarkdown(item.text)}\n\n`);
      }
    };
    show(narrator.update(this.runs.get(first.id) ?? first));
    while (!narrator.done && !token.isCancellationRequested) {
      await this.nextChange(first.id, token, Math.min(CHAT_REFRESH_MS, Math.max(1, narrator.remainingMs())));
      if (token.isCancellationRequested) break;
      const latest = this.runs.get(first.id);
      show(latest ? narrator.update(latest) : narrator.checkTime());
    }
  }

  /** Resolves when the run store changes, the chat is cancelled, or after `timeoutMs` (then it polls the list). */
  private nextChange(runId: number, token: vscode.CancellationToken, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const before = this.runs.get(runId);
      const done = (): void => {
        clearTimeout(timer);
        storeSubscription.dispose();
        cancelSubscription.dispose();
        resolve();
      };
      const timer = setTimeout(() => {
        this.deps.refreshSoon();
        done();
      }, timeoutMs);
      const storeSubscription = this.runs.onDidChange(() => {
        if (this.runs.get(runId) !== before) done();
      });
      const cancelSubscription = token.onCancellationRequested(done);
    });
  }
}
