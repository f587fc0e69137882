// Turns the editor state the "Send work" commands gather into the prompt and metadata of a new agent run.
// Pure: the vscode command collects plain data and calls buildContext / trimContext.
import { type DocumentLines, codeOfLines, type SelectedBlock, selectedBlocks, wholeFileBlock } from './documentLines';
import { parseGitRemote, redactRemoteUrl } from './gitRemote';
import {
  countNewlines,
  fenceFor,
  floorToCodePoint,
  lineStarts,
  normalizeEol,
  oneLine,
} from './text';

export interface SourceDocument {
  /** Workspace-relative path with forward slashes; absent for untitled documents. */
  relativePath?: string;
  /** Name VS Code shows for an untitled document, e.g. `Untitled-1`. */
  untitledName?: string;
  isUntitled: boolean;
  isDirty: boolean;
  languageId: string;
  text: string;
  eol: '\n' | '\r\n';
}

/** 0-based, like vscode.Range; characters are UTF-16 offsets into the line, as in VS Code. */
export interface SelectionRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

export interface GitInfo {
  remoteUrl?: string;
  branch?: string;
  commit?: string;
  /** `owner/name` parsed from the remote; derived from remoteUrl when absent. */
  repoFullName?: string;
}

export type DiagnosticSeverityName = 'error' | 'warning' | 'info' | 'hint';

/** A VS Code diagnostic; lines are 0-based like vscode.Range. */
export interface DiagnosticInfo {
  startLine: number;
  endLine: number;
  severity: DiagnosticSeverityName;
  message: string;
  source?: string;
  code?: string;
}

export interface BuildContextInput {
  request: string;
  document: SourceDocument;
  /** Empty, or all empty (cursors only): the whole file is sent. */
  selections: SelectionRange[];
  mode: 'selection' | 'file';
  git?: GitInfo;
  diagnostics: DiagnosticInfo[];
  /** Size limit of the prompt in UTF-16 code units (string length); not finite or <= 0 means no limit. */
  maxChars: number;
  extensionVersion: string;
}

/** Lines, 1-based and inclusive. */
export interface LineRange {
  startLine: number;
  endLine: number;
}

export interface BuiltContext {
  prompt: string;
  metadata: Record<string, unknown>;
  title: string;
  /** prompt.length */
  charCount: number;
  /** Some code (or the problem list) was left out to fit maxChars. */
  truncated: boolean;
  /** The prompt is longer than maxChars. */
  overLimit: boolean;
}

export interface BuildContextOptions {
  /** Trim the code (never the request) so the prompt fits maxChars. */
  trim?: boolean;
}

export const MAX_DIAGNOSTICS = 50;
export const MAX_TITLE_CHARS = 80;
const MAX_DIAGNOSTIC_MESSAGE_CHARS = 500;
/** Below this many characters a cut-off first line is not worth showing. */
const MIN_PARTIAL_LINE_CHARS = 80;

const SEVERITY_RANK: Record<DiagnosticSeverityName, number> = { error: 0, warning: 1, info: 2, hint: 3 };
const SEVERITY_LABEL: Record<DiagnosticSeverityName, string> = { error: 'Error', warning: 'Warning', info: 'Info', hint: 'Hint' };

/** The run title: the request's first non-empty line, trimmed, at most 80 characters with an ellipsis. */
export function makeTitle(request: string, fallback = 'Codegen request'): string {
  const firstLine = normalizeEol(request)
    .split('\n', 50)
    .map((line) => line.trim())
    .find((line) => line !== '');
  const flat = (firstLine ?? fallback).replace(/\s+/g, ' ');
  if (flat.length <= MAX_TITLE_CHARS) return flat;
  // Whole graphemes only, so an emoji or an accented letter is never cut in two; the limit counts UTF-16 units.
  // The input is bounded so that a pasted megabyte-long line costs nothing.
  let title = '';
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(flat.slice(0, MAX_TITLE_CHARS * 2))) {
    if (title.length + segment.length > MAX_TITLE_CHARS - 1) break;
    title += segment;
  }
  return `${title.trimEnd()}…`;
}

function overlaps(diagnostic: DiagnosticInfo, blocks: readonly SelectedBlock[]): boolean {
  const start = Math.min(diagnostic.startLine, diagnostic.endLine);
  const end = Math.max(diagnostic.startLine, diagnostic.endLine);
  // Blocks are sorted and disjoint: find the first block ending at or after the diagnostic's start.
  let low = 0;
  let high = blocks.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((blocks[mid]?.end ?? 0) < start) low = mid + 1;
    else high = mid;
  }
  const block = blocks[low];
  return block !== undefined && block.start <= end;
}

function severityOf(diagnostic: DiagnosticInfo): DiagnosticSeverityName {
  return Object.hasOwn(SEVERITY_RANK, diagnostic.severity) ? diagnostic.severity : 'info';
}

/** Relevant diagnostics, most severe first when capping, then shown in line order. */
function selectDiagnostics(
  diagnostics: readonly DiagnosticInfo[],
  blocks: readonly SelectedBlock[],
  wholeFile: boolean,
): { shown: DiagnosticInfo[]; total: number } {
  const relevant = diagnostics.filter(
    (d) => Number.isFinite(d.startLine) && Number.isFinite(d.endLine) && (wholeFile || overlaps(d, blocks)),
  );
  const byLine = (a: DiagnosticInfo, b: DiagnosticInfo): number =>
    a.startLine - b.startLine || SEVERITY_RANK[severityOf(a)] - SEVERITY_RANK[severityOf(b)];
  if (relevant.length <= MAX_DIAGNOSTICS) return { shown: relevant.sort(byLine), total: relevant.length };
  const mostSevere = relevant
    .sort((a, b) => SEVERITY_RANK[severityOf(a)] - SEVERITY_RANK[severityOf(b)] || a.startLine - b.startLine)
    .slice(0, MAX_DIAGNOSTICS);
  return { shown: mostSevere.sort(byLine), total: relevant.length };
}

function formatDiagnostic(d: DiagnosticInfo): string {
  const start = Math.min(d.startLine, d.endLine) + 1;
  const end = Math.max(d.startLine, d.endLine) + 1;
  const where = start === end ? `line ${start}` : `lines ${start}-${end}`;
  const origin = [d.source, d.code].filter((part): part is string => typeof part === 'string' && part.trim() !== '');
  const suffix = origin.length > 0 ? ` (${oneLine(origin.join(' '), 100)})` : '';
  return `- ${SEVERITY_LABEL[severityOf(d)]}, ${where}: ${oneLine(String(d.message), MAX_DIAGNOSTIC_MESSAGE_CHARS)}${suffix}`;
}

function formatLines(range: LineRange): string {
  return range.startLine === range.endLine ? `line ${range.startLine}` : `lines ${range.startLine}-${range.endLine}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** What part of a block's code the prompt shows. */
type ShownCode =
  | { kind: 'all' }
  | { kind: 'lines'; code: string; lastLine: number }
  | { kind: 'chars'; code: string }
  | { kind: 'omitted' };

interface PreparedBlock {
  lines: LineRange;
  code: string;
  fence: string;
  selectedTextNotes: string[];
}

interface Prepared {
  request: string;
  title: string;
  headerLines: string[];
  wholeFile: boolean;
  fileLabel: string;
  infoString: string;
  blocks: PreparedBlock[];
  diagnostics: { shown: DiagnosticInfo[]; total: number };
  metadata: Record<string, unknown>;
}

function prepare(input: BuildContextInput): Prepared {
  const { document } = input;
  const doc: DocumentLines = { text: String(document.text), starts: lineStarts(String(document.text)) };
  const picked = input.mode === 'selection' ? selectedBlocks(doc, input.selections) : [];
  const wholeFile = picked.length === 0;
  const blocks = wholeFile ? [wholeFileBlock(doc)] : picked;

  const request = normalizeEol(input.request).trim();
  const path = document.relativePath !== undefined && document.relativePath.trim() !== '' && !document.isUntitled
    ? oneLine(document.relativePath, 500)
    : undefined;
  const untitledName = oneLine(document.untitledName ?? 'Untitled', 200);
  const fileLabel = path ?? untitledName;
  const language = oneLine(document.languageId, 100);
  const ranges: LineRange[] = blocks.map((b) => ({ startLine: b.start + 1, endLine: b.end + 1 }));
  const title = makeTitle(request, `Work on ${fileLabel}`);

  const git = input.git ?? {};
  const repoFullName = git.repoFullName ?? (git.remoteUrl !== undefined ? parseGitRemote(git.remoteUrl) : undefined);
  const branch = git.branch !== undefined && git.branch.trim() !== '' ? oneLine(git.branch, 200) : undefined;
  const commit = git.commit !== undefined && git.commit.trim() !== '' ? oneLine(git.commit, 100) : undefined;

  const headerLines: string[] = [];
  headerLines.push(
    path !== undefined
      ? `- File: ${path}`
      : `- File: ${untitledName} (a new, unsaved file; it is not on disk or in the repository)`,
  );
  if (language !== '') headerLines.push(`- Language: ${language}`);
  headerLines.push(
    wholeFile
      ? `- Whole file: ${formatLines(ranges[0] ?? { startLine: 1, endLine: 1 })}`
      : `- Selected ${ranges.length === 1 && ranges[0]?.startLine === ranges[0]?.endLine ? 'line' : 'lines'}: ${ranges
          .map((r) => (r.startLine === r.endLine ? `${r.startLine}` : `${r.startLine}-${r.endLine}`))
          .join(', ')}`,
  );
  if (repoFullName !== undefined || git.remoteUrl !== undefined) {
    const name = repoFullName !== undefined ? oneLine(repoFullName, 200) : undefined;
    const remote = git.remoteUrl !== undefined ? oneLine(redactRemoteUrl(git.remoteUrl), 500) : undefined;
    const shown = name !== undefined && remote !== undefined ? `${name} (remote ${remote})` : (name ?? remote ?? '');
    headerLines.push(`- Repository: ${shown}`);
  }
  if (branch !== undefined) headerLines.push(`- Branch: ${branch}`);
  if (commit !== undefined) headerLines.push(`- Commit: ${commit}`);
  if (document.isDirty && path !== undefined) {
    headerLines.push(
      commit !== undefined
        ? `- The file has unsaved changes: the code below is the editor's current text and may differ from commit ${commit.slice(0, 12)}.`
        : "- The file has unsaved changes: the code below is the editor's current text, not what is saved on disk.",
    );
  }

  const preparedBlocks: PreparedBlock[] = blocks.map((b, i) => {
    const code = codeOfLines(doc, b.start, b.end);
    return { lines: ranges[i] ?? { startLine: b.start + 1, endLine: b.end + 1 }, code, fence: fenceFor(code), selectedTextNotes: b.selectedTextNotes };
  });

  const metadata: Record<string, unknown> = { source: 'vscode' };
  if (input.extensionVersion !== '') metadata['extension_version'] = input.extensionVersion;
  metadata['file'] = fileLabel;
  if (language !== '') metadata['language'] = language;
  metadata['ranges'] = ranges.map((r) => ({ start_line: r.startLine, end_line: r.endLine }));
  if (branch !== undefined) metadata['branch'] = branch;
  if (commit !== undefined) metadata['commit'] = commit;
  if (repoFullName !== undefined) metadata['repo_full_name'] = repoFullName;
  metadata['title'] = title;
  metadata['mode'] = wholeFile ? 'file' : 'selection';

  return {
    request,
    title,
    headerLines,
    wholeFile,
    fileLabel,
    // Fence info strings cannot hold backticks or spaces; language ids never should.
    infoString: language.replace(/[^A-Za-z0-9_+#.-]/g, ''),
    blocks: preparedBlocks,
    diagnostics: selectDiagnostics(input.diagnostics, blocks, wholeFile),
    metadata,
  };
}

const TRIM_NOTE = 'Trimmed to fit the size limit';

function render(p: Prepared, shown: readonly ShownCode[], diagnosticsOmitted: boolean): string {
  const parts: string[] = [];
  if (p.request !== '') parts.push(p.request, '');
  parts.push('---', 'Context from the VS Code editor:', ...p.headerLines);
  p.blocks.forEach((block, i) => {
    const show = shown[i] ?? { kind: 'all' };
    parts.push('');
    parts.push(p.wholeFile ? `Whole file (${formatLines(block.lines)}):` : `${capitalized(formatLines(block.lines))}:`);
    if (show.kind === 'omitted') {
      parts.push(`(${TRIM_NOTE}: the code of ${formatLines(block.lines)} is left out.)`);
    } else {
      const code = show.kind === 'all' ? block.code : show.code;
      parts.push(`${block.fence}${p.infoString}`);
      if (code !== '') parts.push(code);
      parts.push(block.fence);
      if (show.kind === 'lines') {
        parts.push(`(${TRIM_NOTE}: showing ${formatLines({ startLine: block.lines.startLine, endLine: show.lastLine })} of ${formatLines(block.lines)}.)`);
      } else if (show.kind === 'chars') {
        parts.push(`(${TRIM_NOTE}: showing the first ${show.code.length} characters of line ${block.lines.startLine}; the full range is ${formatLines(block.lines)}.)`);
      }
    }
    parts.push(...block.selectedTextNotes);
  });
  const { shown: diagnostics, total } = p.diagnostics;
  if (total > 0) {
    parts.push('');
    const scope = p.wholeFile ? 'in this file' : 'in the selected lines';
    if (diagnosticsOmitted) {
      parts.push(`(${TRIM_NOTE}: ${total} ${total === 1 ? 'problem' : 'problems'} reported by VS Code ${scope} left out.)`);
    } else {
      const count = diagnostics.length < total ? ` (${diagnostics.length} of ${total}, most severe first)` : '';
      parts.push(`Problems reported by VS Code ${scope}${count}:`, ...diagnostics.map(formatDiagnostic));
    }
  }
  return parts.join('\n') + '\n';
}

/** Cuts code to whole lines within `budget` characters, or the start of its first line, or nothing. */
function cutCode(block: PreparedBlock, budget: number): ShownCode {
  if (budget >= block.code.length) return { kind: 'all' };
  const lastNewline = budget > 0 ? block.code.lastIndexOf('\n', budget) : -1;
  if (lastNewline > 0) {
    const code = block.code.slice(0, lastNewline);
    return { kind: 'lines', code, lastLine: block.lines.startLine + countNewlines(code) };
  }
  if (budget >= MIN_PARTIAL_LINE_CHARS) {
    return { kind: 'chars', code: block.code.slice(0, floorToCodePoint(block.code, budget)) };
  }
  return { kind: 'omitted' };
}

/** Shares a character budget between blocks so that small blocks stay whole and big ones share the rest. */
function allocate(blocks: readonly PreparedBlock[], budget: number): ShownCode[] {
  const order = blocks.map((_, i) => i).sort((a, b) => (blocks[a]?.code.length ?? 0) - (blocks[b]?.code.length ?? 0));
  const shown: ShownCode[] = blocks.map(() => ({ kind: 'omitted' }));
  let remaining = Math.max(0, budget);
  order.forEach((index, k) => {
    const block = blocks[index];
    if (!block) return;
    const share = Math.floor(remaining / (order.length - k));
    const allowance = Math.min(block.code.length, share);
    remaining -= allowance;
    shown[index] = cutCode(block, allowance);
  });
  return shown;
}

function result(p: Prepared, prompt: string, truncated: boolean, maxChars: number): BuiltContext {
  return { prompt, metadata: p.metadata, title: p.title, charCount: prompt.length, truncated, overLimit: prompt.length > maxChars };
}

function limitOf(maxChars: number): number {
  return Number.isFinite(maxChars) && maxChars > 0 ? maxChars : Number.POSITIVE_INFINITY;
}

/**
 * Builds the prompt, metadata and title for a run. When the prompt is longer than maxChars it is returned
 * whole with overLimit set, unless options.trim asks for the code to be cut to fit (see trimContext).
 */
export function buildContext(input: BuildContextInput, options: BuildContextOptions = {}): BuiltContext {
  const p = prepare(input);
  const maxChars = limitOf(input.maxChars);
  const full = render(p, p.blocks.map(() => ({ kind: 'all' })), false);
  if (!options.trim || full.length <= maxChars) return result(p, full, false, maxChars);

  // Cut as much code as the prompt is too long, then correct by the measured overshoot: trim notes and
  // fences add a little. Each round only shrinks the budget, so this settles in a round or two.
  const codeChars = p.blocks.reduce((sum, b) => sum + b.code.length, 0);
  let shortest = full;
  let budget = codeChars - (full.length - maxChars);
  for (let round = 0; round < 8 && budget >= 0; round++) {
    const prompt = render(p, allocate(p.blocks, budget), false);
    if (prompt.length <= maxChars) return result(p, prompt, true, maxChars);
    if (prompt.length < shortest.length) shortest = prompt;
    budget -= prompt.length - maxChars;
  }
  // Last resorts: no code at all, then no problem list either. If even that is too long, the request itself
  // is: return the shortest prompt, still over the limit, and let the caller say so.
  const allOmitted: ShownCode[] = p.blocks.map(() => ({ kind: 'omitted' }));
  for (const diagnosticsOmitted of [false, true]) {
    const prompt = render(p, allOmitted, diagnosticsOmitted);
    if (prompt.length <= maxChars) return result(p, prompt, true, maxChars);
    if (prompt.length < shortest.length) shortest = prompt;
  }
  return result(p, shortest, shortest !== full, maxChars);
}

/**
 * The prompt cut to fit maxChars: the request and metadata stay whole, code is cut to whole lines (the
 * original line ranges stay in the prompt and a note says what is shown), and as a last resort the problem
 * list is left out. overLimit stays true only when the request alone is too long.
 */
export function trimContext(input: BuildContextInput): BuiltContext {
  return buildContext(input, { trim: true });
}
