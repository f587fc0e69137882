// How suspected secrets are described to the user before a send: the kind and where it is (a line of the
// file when the prompt line can be traced back to it, else a line of the prompt), never the secret itself.
// No vscode here.
import type { SecretFinding } from '../secrets-scan';

/** Where a finding was made. */
export type FindingSource = 'prompt' | 'metadata';

export interface LocatedFinding {
  kind: string;
  /** e.g. "on line 12 of src/config.ts", "on line 3 of the prompt", "in the run's metadata". */
  where: string;
}

/** Lines shorter than this (trimmed) are too common to trace back to one line of the file. */
const MIN_TRACEABLE_CHARS = 8;
/** More findings than this are summarized, so the modal stays readable. */
export const MAX_LISTED_FINDINGS = 10;

export interface SourceText {
  /** The file's label in the prompt (workspace-relative path or untitled name). */
  label: string;
  text: string;
  /** 1-based, inclusive line ranges that were sent; searched first. */
  ranges: ReadonlyArray<{ startLine: number; endLine: number }>;
}

/**
 * Describes findings of a scan of the prompt. A prompt line that appears in the source (in the sent ranges
 * first) is reported as that line of the file, which is where the user can fix it.
 */
export function locateFindings(findings: readonly SecretFinding[], prompt: string, source: SourceText | undefined, from: FindingSource): LocatedFinding[] {
  if (from === 'metadata') return findings.map((f) => ({ kind: f.kind, where: "in the run's metadata" }));
  const promptLines = prompt.split(/\r\n?|\n/);
  const sourceLines = source ? source.text.split(/\r\n?|\n/) : [];
  return findings.map((finding) => {
    const line = promptLines[finding.line - 1];
    const fileLine = source && line !== undefined ? traceLine(line, sourceLines, source.ranges) : undefined;
    return {
      kind: finding.kind,
      where: fileLine !== undefined && source ? `on line ${fileLine} of ${source.label}` : `on line ${finding.line} of the prompt`,
    };
  });
}

/** The 1-based line of the source equal to `line`, preferring the sent ranges; undefined when not traceable. */
function traceLine(line: string, sourceLines: readonly string[], ranges: SourceText['ranges']): number | undefined {
  if (line.trim().length < MIN_TRACEABLE_CHARS) return undefined;
  for (const range of ranges) {
    for (let i = Math.max(1, range.startLine); i <= Math.min(sourceLines.length, range.endLine); i++) {
      if (sourceLines[i - 1] === line) return i;
    }
  }
  const index = sourceLines.indexOf(line);
  return index >= 0 ? index + 1 : undefined;
}

/** The modal's detail: one finding per line, capped. */
export function describeFindings(findings: readonly LocatedFinding[]): string {
  const listed = findings.slice(0, MAX_LISTED_FINDINGS).map((f) => `• ${f.kind} ${f.where}`);
  const more = findings.length - listed.length;
  if (more > 0) listed.push(`…and ${more} more`);
  return listed.join('\n');
}
