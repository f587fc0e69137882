// The two export formats of a run's loaded log: JSON (the entries as the service sent them) and text.
import type { LogEntry } from '../api/types';
import { logEntryToText } from '../protocol/logText';
import type { LogEntryView } from '../protocol/messages';

export interface ExportedLog {
  runId: number;
  status: string | undefined;
  totalLogs: number;
  entries: readonly LogEntryView[];
  rawEntries: readonly LogEntry[];
}

export function exportJson(log: ExportedLog): string {
  const content = { runId: log.runId, status: log.status ?? null, totalLogs: log.totalLogs, firstIndex: log.entries[0]?.index ?? 0, logs: log.rawEntries };
  return `${JSON.stringify(content, null, 2)}\n`;
}

export function exportText(log: ExportedLog): string {
  const header = [`Codegen run #${log.runId}`, `Status: ${log.status ?? 'unknown'}`, `Entries: ${log.entries.length} of ${log.totalLogs}`];
  return `${header.join('\n')}\n\n${log.entries.map(logEntryToText).join('\n\n')}\n`;
}
