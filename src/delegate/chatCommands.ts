// The core of the @codegen chat participant, without a language model: what a request asks for, which
// run a plain message follows up on (the participant's own earlier answers carry the run id in their
// result metadata), the lines to stream while a run goes on, and the /status list. Everything the
// service sent is cleaned with the one sanitizer; the chat glue escapes it for markdown
// (escapeMarkdown, in the same module).

import { isFinal, statusCategory, statusLabel } from '../api/status';
import type { AgentRun } from '../api/types';
import { GROUP_ORDER, groupRuns, pullRequestNumber, runTitle } from '../runs/runModel';
import { cleanServiceText, serviceLabel } from '../util/serviceText';
import { safeExternalUrl } from '../util/urlPolicy';
import { MAX_TOOL_PROMPT } from './toolInputs';

export type ChatIntent =
  | { kind: 'run'; request: string }
  | { kind: 'status' }
  | { kind: 'followUp'; prompt: string }
  | { kind: 'help' }
  | { kind: 'invalid'; message: string };

export const CHAT_COMMANDS = ['run', 'status', 'help'] as const;

/** What a chat request asks for: `/run <request>`, `/status`, `/help`, or a plain message (a follow-up). */
export function parseChatRequest(request: { command?: string; prompt: string }): ChatIntent {
  const prompt = request.prompt.trim();
  const command = request.command?.trim().replace(/^\//, '').toLowerCase();
  if (prompt.length > MAX_TOOL_PROMPT) return { kind: 'invalid', message: `The message is ${prompt.length} characters; at most ${MAX_TOOL_PROMPT} can be sent.` };
  switch (command) {
    case 'run':
      return prompt === '' ? { kind: 'invalid', message: 'Say what the agent should do, e.g. "/run add tests for parseConfig".' } : { kind: 'run', request: prompt };
    case 'status':
      return { kind: 'status' };
    case 'help':
      return { kind: 'help' };
    case undefined:
    case '':
      return prompt === '' ? { kind: 'help' } : { kind: 'followUp', prompt };
    default:
      return { kind: 'invalid', message: `Unknown command /${command.replace(/[^\w-]/g, '').slice(0, 40)}. Use /run, /status or /help.` };
  }
}

export function helpLines(): string[] {
  return [
    '/run <what to do> starts a Codegen cloud agent run; the files and selections referenced in the message are sent with it.',
    '/status lists your runs.',
    'A message without a command, in a chat about a run, is sent to that run as a follow-up.',
  ];
}

/** The metadata key of a participant answer about a run (ChatResult.metadata). */
export const RUN_ID_METADATA_KEY = 'codegenRunId';

/** The ChatResult.metadata of an answer about a run: what a later follow-up finds in the history. */
export function runMetadata(runId: number): Record<string, unknown> {
  return { [RUN_ID_METADATA_KEY]: runId };
}

/** A turn of the chat history as the participant sees it (ChatRequestTurn or ChatResponseTurn, adapted). */
export interface ChatHistoryTurn {
  /** The participant's id (request turns: the participant addressed). */
  participant: string;
  /** A response turn's result.metadata; absent for requests. */
  metadata?: unknown;
}

/** The run the latest of this participant's answers was about (answers without a run, like /status, are passed over). */
export function runIdFromHistory(history: readonly ChatHistoryTurn[], participantId: string): number | undefined {
  for (let index = history.length - 1; index >= 0; index--) {
    const turn = history[index];
    if (!turn || turn.participant !== participantId || typeof turn.metadata !== 'object' || turn.metadata === null) continue;
    const value: unknown = (turn.metadata as Record<string, unknown>)[RUN_ID_METADATA_KEY];
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  }
  return undefined;
}

export type NarrationItem =
  | { kind: 'line'; text: string }
  /** The run's final (or waiting) summary: cleaned, clamped, line breaks kept. */
  | { kind: 'summary'; text: string }
  /** A pull request (https only). */
  | { kind: 'button'; title: string; url: string };

export type NarrationEnd = 'final' | 'waiting' | 'timeLimit' | 'updateLimit';

export interface NarratorOptions {
  now?: () => number;
  /** Stop following after this long (default 30 minutes). */
  maxFollowMs?: number;
  /** Stop following after this many snapshots (default 1,000). */
  maxUpdates?: number;
  /** Stop when the run waits for the user (default true: a chat follow-up answers it). */
  stopWhenWaiting?: boolean;
  /** Longest summary (default 4,000). */
  maxSummaryChars?: number;
}

/**
 * What to stream about one run as its snapshots arrive (from the run store): a line per status change,
 * each pull request once as a button, and when the run ends (or waits for the user) its summary. Never
 * repeats an item; after the end, updates add nothing.
 */
export class RunProgressNarrator {
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly options: Required<Omit<NarratorOptions, 'now'>>;
  private lastStatus: string | undefined;
  private readonly shownUrls = new Set<string>();
  private updates = 0;
  private ended: NarrationEnd | undefined;

  constructor(
    private readonly runId: number,
    options: NarratorOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.options = {
      maxFollowMs: options.maxFollowMs ?? 30 * 60_000,
      maxUpdates: options.maxUpdates ?? 1_000,
      stopWhenWaiting: options.stopWhenWaiting ?? true,
      maxSummaryChars: options.maxSummaryChars ?? 4_000,
    };
  }

  /** Why it stopped, once it has. */
  get end(): NarrationEnd | undefined {
    return this.ended;
  }

  get done(): boolean {
    return this.ended !== undefined;
  }

  /** How long to wait for the next snapshot before calling checkTime (0 once the time is up). */
  remainingMs(): number {
    return Math.max(0, this.startedAt + this.options.maxFollowMs - this.now());
  }

  /** The items a new snapshot adds. Snapshots of other runs add nothing. */
  update(run: AgentRun): NarrationItem[] {
    if (this.ended !== undefined || run.id !== this.runId) return [];
    this.updates++;
    const items: NarrationItem[] = [];
    const status = `Status: ${serviceLabel(statusLabel(run.status), 60) || 'Unknown'}`;
    if (status !== this.lastStatus) {
      this.lastStatus = status;
      items.push({ kind: 'line', text: status });
    }
    const category = statusCategory(run.status);
    const waiting = category === 'needsUser' && this.options.stopWhenWaiting;
    const ending = isFinal(category) || waiting;
    if (ending) {
      const summary = cleanServiceText(run.summary !== undefined && run.summary.trim() !== '' ? run.summary : run.result, { multiline: true, maxLength: this.options.maxSummaryChars });
      if (summary !== '') items.push({ kind: 'summary', text: summary });
    }
    for (const pr of run.pullRequests) {
      const url = safeExternalUrl(pr.url);
      if (url === undefined || this.shownUrls.has(url)) continue;
      this.shownUrls.add(url);
      const number = pullRequestNumber(pr);
      items.push({ kind: 'button', title: serviceLabel(pr.title, 60) || (number ? `Pull request #${number}` : 'Pull request'), url });
    }
    if (ending) {
      if (waiting) items.push({ kind: 'line', text: 'The agent is waiting for you: reply in this chat to continue the run.' });
      this.ended = waiting ? 'waiting' : 'final';
      return items;
    }
    if (this.updates >= this.options.maxUpdates) items.push(...this.stop('updateLimit'));
    else items.push(...this.checkTime());
    return items;
  }

  /** Called when no snapshot came in time: stops (with a line saying so) once the time limit has passed. */
  checkTime(): NarrationItem[] {
    if (this.ended !== undefined || this.remainingMs() > 0) return [];
    return this.stop('timeLimit');
  }

  private stop(reason: NarrationEnd): NarrationItem[] {
    this.ended = reason;
    return [{ kind: 'line', text: `Stopped following run ${this.runId} here; it goes on in the cloud. Ask /status to see it later.` }];
  }
}

/** The /status answer: runs needing the user first, then running, other and finished ones, each group in the order given. */
export function statusListLines(runs: readonly AgentRun[], limit = 20): string[] {
  if (runs.length === 0) return ['No Codegen runs yet. Start one with /run.'];
  const groups = groupRuns(runs);
  const ordered = GROUP_ORDER.flatMap((group) => groups[group]);
  const lines = ordered.slice(0, Math.max(1, limit)).map((run) => {
    const prs = run.pullRequests.length;
    return `Run ${run.id} · ${serviceLabel(statusLabel(run.status), 60) || 'Unknown'} · ${runTitle(run)}${prs > 0 ? ` · ${prs} PR${prs === 1 ? '' : 's'}` : ''}`;
  });
  if (ordered.length > lines.length) lines.push(`… and ${ordered.length - lines.length} more in the Codegen view.`);
  return lines;
}
