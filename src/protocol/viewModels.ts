// Builds the plain view models the webview receives from the domain types. Runs on the extension side,
// so the webview never sees raw service JSON: every value is a bounded string, number or boolean.

import { statusCategory, statusLabel } from '../api/status';
import type { AgentRun, LogEntry, PullRequest } from '../api/types';
import { LIMITS, type LogEntryView, type PullRequestView, type RunView } from './messages';
import { hasChangesToBringBack } from '../runs/runModel';
import { safeExternalUrl } from '../util/urlPolicy';
import { removeHiddenCharacters, serviceLabel } from '../util/serviceText';

/** Cuts `text` to at most `max` characters, ending with a note saying how much was cut. */
export function capText(text: string, max: number = LIMITS.field): string {
  if (text.length <= max) return text;
  const note = (cut: number): string => `\n… [truncated: ${cut} more characters]`;
  // The note's own length depends on the number, so size it for the worst case.
  const keep = Math.max(0, max - note(text.length).length);
  return text.slice(0, keep) + note(text.length - keep);
}

/** A one-line label through the one sanitizer of service text (numbers allowed). */
export function toLabel(value: unknown, max: number = 300): string {
  if (typeof value !== 'string' && typeof value !== 'number') return '';
  return serviceLabel(String(value), max);
}

function toField(text: string): string {
  return capText(removeHiddenCharacters(text));
}

/**
 * Display text of a JSON-ish value from the service: objects and arrays (or strings holding a JSON
 * object/array) become pretty JSON; other strings stay as they are; null/undefined become empty.
 */
export function displayValue(value: unknown): { text: string; isJson: boolean } {
  if (value === undefined || value === null) return { text: '', isJson: false };
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if ((trimmed.startsWith('{') && trimmed.endsWith('}')) || (trimmed.startsWith('[') && trimmed.endsWith(']'))) {
      try {
        const parsed: unknown = JSON.parse(trimmed);
        return { text: toField(JSON.stringify(parsed, null, 2)), isJson: true };
      } catch {
        // Not JSON after all: show it as text.
      }
    }
    return { text: toField(value), isJson: false };
  }
  if (typeof value === 'object') {
    try {
      return { text: toField(JSON.stringify(value, null, 2) ?? ''), isJson: true };
    } catch {
      return { text: '[unprintable value]', isJson: false };
    }
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return { text: String(value), isJson: false };
  return { text: '', isJson: false };
}

function toPullRequestView(pr: PullRequest): PullRequestView {
  const state = pr.merged === true ? 'merged' : toLabel(pr.state, 40).toLowerCase();
  return {
    title: toLabel(pr.title, 300) || (pr.id !== undefined ? `Pull request #${pr.id}` : 'Pull request'),
    url: safeExternalUrl(pr.url) ?? '',
    branch: toLabel(pr.headBranchName, 300),
    state,
  };
}

export function toRunView(run: AgentRun, title: string): RunView {
  return {
    id: run.id,
    title: toLabel(title, 300) || `Run #${run.id}`,
    status: toLabel(run.status, 100),
    statusLabel: toLabel(statusLabel(run.status), 100),
    statusCategory: statusCategory(run.status),
    createdAt: toLabel(run.createdAt, 100),
    sourceType: toLabel(run.sourceType, 100),
    webUrl: safeExternalUrl(run.webUrl) ?? '',
    summary: typeof run.summary === 'string' ? toField(run.summary) : '',
    result: typeof run.result === 'string' ? toField(run.result) : '',
    pullRequests: run.pullRequests.slice(0, 100).map(toPullRequestView),
    canBringBack: hasChangesToBringBack(run),
  };
}

export function toLogEntryView(entry: LogEntry, index: number): LogEntryView {
  const observation = displayValue(entry.observation);
  const toolInput = displayValue(entry.toolInput);
  const toolOutput = displayValue(entry.toolOutput);
  return {
    index,
    createdAt: toLabel(entry.createdAt, 100),
    // Unknown message types still display, as the service sent them.
    messageType: toLabel(entry.messageType, 100),
    toolName: toLabel(entry.toolName, 200),
    thought: typeof entry.thought === 'string' ? toField(entry.thought) : displayValue(entry.thought).text,
    observation: observation.text,
    observationIsJson: observation.isJson,
    toolInput: toolInput.text,
    toolInputIsJson: toolInput.isJson,
    toolOutput: toolOutput.text,
    toolOutputIsJson: toolOutput.isJson,
  };
}
