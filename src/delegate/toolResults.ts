// What the agent-mode tools answer the language model, as plain text, and what a create shows for
// confirmation. Text from the Codegen service (statuses, summaries, titles, links) is untrusted twice
// over: it is cleaned and fenced as untrusted data with the one text-cleaning module (util/serviceText).
// What the extension itself knows (ids, what to do next) stays outside the fence.

import { isFinal, statusCategory, statusLabel, type StatusCategory } from '../api/status';
import type { AgentRun } from '../api/types';
import { fenceFor } from '../context/text';
import { groupOf, runTitle } from '../runs/runModel';
import { cleanServiceText, escapeMarkdown, fenceUntrusted, serviceLabel, showHiddenCharacters } from '../util/serviceText';
import { safeExternalUrl } from '../util/urlPolicy';
import { GET_RUN_TOOL, type CreateRunToolInput, type ListRunsToolInput } from './toolInputs';

/** Longest summary or result in a tool answer. */
export const MAX_MODEL_TEXT = 4_000;

/**
 * Why a tool did nothing, for the model. An error's message can carry the service's words ("The service
 * said: ..."), so it is fenced as data like every other service text.
 */
export function failureForModel(what: string, errorMessage: string | undefined): string {
  const message = errorMessage === undefined ? '' : multiline(errorMessage);
  return message === '' ? what : `${what}\n${fenceUntrusted([message])}`;
}

function multiline(text: unknown): string {
  return cleanServiceText(text, { multiline: true, maxLength: MAX_MODEL_TEXT });
}

/** The raw status as a label (unknown statuses as sent), cleaned. */
function statusText(run: AgentRun): string {
  return serviceLabel(statusLabel(run.status), 60) || 'Unknown';
}

/** What the extension makes of the status, for the model: trusted words outside the fence. */
function stateAdvice(category: StatusCategory, runId: number): string {
  if (category === 'inProgress' || category === 'unknown') return `The run is still in progress; check again later with ${GET_RUN_TOOL} {"runId": ${runId}}.`;
  if (category === 'needsUser') return 'The run is waiting for the user: the user can answer it from the Codegen view or the chat.';
  if (category === 'succeeded') return 'The run has finished.';
  return category === 'failed' ? 'The run failed.' : 'The run was cancelled.';
}

function pullRequestLines(run: AgentRun): string[] {
  return run.pullRequests.slice(0, 20).map((pr) => {
    const title = serviceLabel(pr.title, 200) || 'Pull request';
    const state = pr.merged === true ? 'merged' : serviceLabel(pr.state, 20);
    const url = safeExternalUrl(pr.url);
    return `- ${title}${state ? ` (${state})` : ''}: ${url ?? '(no https link)'}`;
  });
}

/** codegen_get_run: status, summary, result and pull requests of one run. */
export function describeRunForModel(run: AgentRun): string {
  const category = statusCategory(run.status);
  const data = [`Status: ${statusText(run)}`];
  const created = serviceLabel(run.createdAt, 40);
  if (created) data.push(`Created: ${created}`);
  const link = safeExternalUrl(run.webUrl);
  if (link) data.push(`Link: ${link}`);
  const prs = pullRequestLines(run);
  data.push(prs.length > 0 ? `Pull requests:\n${prs.join('\n')}` : 'Pull requests: none');
  const summary = multiline(run.summary);
  if (summary) data.push(`Summary:\n${summary}`);
  const result = multiline(run.result);
  if (result && result !== summary) data.push(`Result:\n${result}`);
  return `Codegen run ${run.id}. ${stateAdvice(category, run.id)}\n${fenceUntrusted(data)}`;
}

/** codegen_create_run, once the run exists. */
export function createdForModel(run: AgentRun): string {
  const data = [`Status: ${statusText(run)}`];
  const link = safeExternalUrl(run.webUrl);
  if (link) data.push(`Link: ${link}`);
  const advice = isFinal(statusCategory(run.status)) ? '' : ` The agent works on it in the cloud, which can take minutes; check it with ${GET_RUN_TOOL} {"runId": ${run.id}}.`;
  return `Created Codegen run ${run.id}.${advice}\n${fenceUntrusted(data)}`;
}

/** The runs codegen_list_runs answers with: those of the asked status, in the order given (most recent first), up to the limit. */
export function selectRunsForList(runs: readonly AgentRun[], input: ListRunsToolInput): AgentRun[] {
  const matching = input.status === 'all' ? runs : runs.filter((run) => groupOf(run) === input.status);
  return matching.slice(0, input.limit);
}

/** codegen_list_runs: one line per run. */
export function listRunsForModel(runs: readonly AgentRun[]): string {
  if (runs.length === 0) return 'No Codegen runs match.';
  const lines = runs.map((run) => {
    const prs = run.pullRequests.length;
    return `Run ${run.id} · ${statusText(run)} · ${runTitle(run)}${prs > 0 ? ` · ${prs} pull request${prs === 1 ? '' : 's'}` : ''}`;
  });
  const header = `${runs.length} Codegen run${runs.length === 1 ? '' : 's'}, most recent first. Use ${GET_RUN_TOOL} with a run id for its summary and pull requests.`;
  return `${header}\n${fenceUntrusted(lines)}`;
}

/** A file as the confirmation names it: its label, and why it will not be sent when it will not (e.g. not found). */
export interface ConfirmedFile {
  label: string;
  notSent?: string;
}

export interface Confirmation {
  title: string;
  /** Markdown: the prompt verbatim in a code fence, then the files. */
  message: string;
}

/** What prepareInvocation shows before codegen_create_run runs: exactly the prompt and the lines of each file sent. */
export function confirmationText(input: CreateRunToolInput, files: readonly ConfirmedFile[]): Confirmation {
  const prompt = showHiddenCharacters(input.prompt);
  const fence = fenceFor(prompt.text);
  const parts = ['Codegen will start a cloud agent run with this prompt:', '', fence, prompt.text, fence];
  if (prompt.hidden > 0) parts.push('', `The prompt holds ${prompt.hidden} invisible or control character${prompt.hidden === 1 ? '' : 's'}, shown above as \\u{…}.`);
  if (files.length > 0) {
    parts.push('', 'Sent with it:');
    for (const file of files) {
      // A path a model named is text, never markdown (a link, an image, html).
      const label = escapeMarkdown(showHiddenCharacters(file.label).text);
      parts.push(file.notSent === undefined ? `- ${label}` : `- ${label}: not sent \\(${escapeMarkdown(showHiddenCharacters(file.notSent).text)}\\)`);
    }
  } else {
    parts.push('', 'No files are sent with it.');
  }
  parts.push('', 'The agent works on the repository in the cloud and may open a pull request.');
  return { title: 'Start a Codegen run?', message: parts.join('\n') };
}
