// Plain-text rendering of log entries, shared by the webview (copy) and the extension (text export).

import type { LogEntryView } from './messages';

/** Plain-text form of one entry, for copying and for the text export. */
export function logEntryToText(entry: LogEntryView): string {
  const head = [entry.createdAt || '(no time)', entry.messageType || '(no type)', entry.toolName].filter((part) => part !== '').join('  ');
  const lines = [`#${entry.index + 1}  ${head}`];
  const section = (name: string, text: string): void => {
    if (text !== '') lines.push(`${name}:`, ...text.split('\n').map((line) => `  ${line}`));
  };
  section('Thought', entry.thought);
  section('Observation', entry.observation);
  section('Tool input', entry.toolInput);
  section('Tool output', entry.toolOutput);
  return lines.join('\n');
}
