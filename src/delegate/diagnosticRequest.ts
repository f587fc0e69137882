// What "Fix with Codegen" sends for problems in the editor: one request for all the diagnostics the quick
// fix was offered on (most severe first, bounded), and the lines around them. The diagnostics themselves
// also reach the prompt's problem list through the document target; the request names them so the agent
// knows which ones to fix. Diagnostic text comes from language servers and linters: made one line, capped.

import type { DiagnosticInfo, DiagnosticSeverityName } from '../context';
import { oneLine } from '../context/text';
import type { LineSpan } from './todoComments';

/** Diagnostics listed in one request; the rest are counted. */
export const MAX_LISTED_DIAGNOSTICS = 20;
const MAX_MESSAGE_CHARS = 300;
const MAX_TAG_CHARS = 60;
/** Most lines sent around the diagnostics (default of rangeAround). */
export const MAX_DIAGNOSTIC_RANGE_LINES = 200;

const SEVERITY_RANK: Record<DiagnosticSeverityName, number> = { error: 0, warning: 1, info: 2, hint: 3 };
const SEVERITY_LABEL: Record<DiagnosticSeverityName, string> = { error: 'Error', warning: 'Warning', info: 'Info', hint: 'Hint' };

function rankOf(diagnostic: DiagnosticInfo): number {
  return Object.hasOwn(SEVERITY_RANK, diagnostic.severity) ? SEVERITY_RANK[diagnostic.severity] : SEVERITY_RANK.info;
}

/** Usable diagnostics (finite lines), one of each (line, message, source, code), most severe first, then by line. */
export function orderDiagnostics(diagnostics: readonly DiagnosticInfo[]): DiagnosticInfo[] {
  const seen = new Set<string>();
  const unique: DiagnosticInfo[] = [];
  for (const diagnostic of diagnostics) {
    if (!Number.isFinite(diagnostic.startLine) || !Number.isFinite(diagnostic.endLine)) continue;
    const key = JSON.stringify([diagnostic.startLine, diagnostic.message, diagnostic.source ?? '', diagnostic.code ?? '']);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(diagnostic);
  }
  return unique.sort((a, b) => rankOf(a) - rankOf(b) || a.startLine - b.startLine || a.endLine - b.endLine);
}

/** "Error [ts 2345] on line 12: Argument of type …" (lines 1-based). */
export function describeDiagnostic(diagnostic: DiagnosticInfo): string {
  const severity = Object.hasOwn(SEVERITY_LABEL, diagnostic.severity) ? SEVERITY_LABEL[diagnostic.severity] : SEVERITY_LABEL.info;
  const tag = [diagnostic.source, diagnostic.code]
    .map((part) => (part === undefined ? '' : oneLine(String(part), MAX_TAG_CHARS)))
    .filter((part) => part !== '')
    .join(' ');
  const start = Math.min(diagnostic.startLine, diagnostic.endLine) + 1;
  const end = Math.max(diagnostic.startLine, diagnostic.endLine) + 1;
  const where = start === end ? `line ${start}` : `lines ${start}-${end}`;
  const message = oneLine(String(diagnostic.message), MAX_MESSAGE_CHARS) || '(no message)';
  return `${severity}${tag === '' ? '' : ` [${tag}]`} on ${where}: ${message}`;
}

/** The request of "Fix with Codegen": one run for the problems given, each named, most severe first. */
export function diagnosticsRequest(diagnostics: readonly DiagnosticInfo[], fileLabel: string): string {
  const ordered = orderDiagnostics(diagnostics);
  if (ordered.length === 0) return `Fix the problems reported in ${fileLabel}.`;
  const [only] = ordered;
  if (ordered.length === 1 && only) return `Fix this problem reported in ${fileLabel}:\n- ${describeDiagnostic(only)}`;
  const listed = ordered.slice(0, MAX_LISTED_DIAGNOSTICS).map((diagnostic) => `- ${describeDiagnostic(diagnostic)}`);
  const more = ordered.length - listed.length;
  if (more > 0) listed.push(`- … and ${more} more (see the problem list below).`);
  return `Fix these ${ordered.length} problems reported in ${fileLabel}:\n${listed.join('\n')}`;
}

/**
 * The lines to send (0-based, inclusive): from the first diagnostic's line to the last one's, with
 * `contextLines` on each side, within the document. When that is more than `maxLines`, the lines around
 * the most severe diagnostic instead. Undefined when no diagnostic has usable lines.
 */
export function rangeAround(diagnostics: readonly DiagnosticInfo[], lineCount: number, contextLines: number, maxLines = MAX_DIAGNOSTIC_RANGE_LINES): LineSpan | undefined {
  const ordered = orderDiagnostics(diagnostics);
  const mostSevere = ordered[0];
  if (!mostSevere || lineCount < 1) return undefined;
  const lastIndex = Math.floor(lineCount) - 1;
  const around = Math.max(0, Math.floor(contextLines));
  const limit = Math.max(1, Math.floor(maxLines));
  const clamp = (line: number): number => Math.min(lastIndex, Math.max(0, Math.floor(line)));
  const span = (items: readonly DiagnosticInfo[]): LineSpan => {
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const d of items) {
      first = Math.min(first, d.startLine, d.endLine);
      last = Math.max(last, d.startLine, d.endLine);
    }
    return { startLine: clamp(first - around), endLine: clamp(last + around) };
  };
  const all = span(ordered);
  if (all.endLine - all.startLine + 1 <= limit) return all;
  const focused = span([mostSevere]);
  return { startLine: focused.startLine, endLine: Math.min(focused.endLine, focused.startLine + limit - 1) };
}
