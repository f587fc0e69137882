// A document as lines, and the selections as whole-line blocks: the part of building a prompt that reads
// the editor's text. Pure.
import type { SelectionRange } from './buildContext';
import { ceilToCodePoint, codeSpan, floorToCodePoint, normalizeEol } from './text';

const MAX_SELECTED_TEXT_NOTE_CHARS = 200;

export interface Position {
  line: number;
  character: number;
}

export interface DocumentLines {
  text: string;
  starts: number[];
}

export function lineCount(doc: DocumentLines): number {
  return doc.starts.length;
}

/** End offset of a line's content, before its EOL. */
export function lineContentEnd(doc: DocumentLines, line: number): number {
  const next = doc.starts[line + 1];
  let end = next === undefined ? doc.text.length : next - 1;
  if (end > (doc.starts[line] ?? 0) && doc.text.charCodeAt(end - 1) === 0x0d) end--;
  return end;
}

export function lineText(doc: DocumentLines, line: number): string {
  return doc.text.slice(doc.starts[line] ?? 0, lineContentEnd(doc, line));
}

/** Code of 0-based lines start..end inclusive, LF line endings. */
export function codeOfLines(doc: DocumentLines, start: number, end: number): string {
  return normalizeEol(doc.text.slice(doc.starts[start] ?? 0, lineContentEnd(doc, end)));
}

export function clampPosition(doc: DocumentLines, line: number, character: number): Position {
  const safeLine = Number.isFinite(line) ? Math.min(Math.max(0, Math.trunc(line)), lineCount(doc) - 1) : 0;
  const length = lineContentEnd(doc, safeLine) - (doc.starts[safeLine] ?? 0);
  const safeCharacter = Number.isFinite(character) ? Math.min(Math.max(0, Math.trunc(character)), length) : 0;
  return { line: safeLine, character: safeCharacter };
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** A merged range of selected lines (0-based) plus short notes about partly selected text in it. */
export interface SelectedBlock {
  start: number;
  end: number;
  selectedTextNotes: string[];
}

/**
 * Selections as whole-line blocks in document order, overlapping ones merged.
 * A selection ending at character 0 of a line does not include that line (as when whole lines are dragged).
 */
export function selectedBlocks(doc: DocumentLines, selections: readonly SelectionRange[]): SelectedBlock[] {
  const ranges: Array<{ start: number; end: number; note?: string }> = [];
  for (const selection of selections) {
    let from = clampPosition(doc, selection.startLine, selection.startCharacter);
    let to = clampPosition(doc, selection.endLine, selection.endCharacter);
    if (comparePositions(from, to) > 0) [from, to] = [to, from];
    if (comparePositions(from, to) === 0) continue;
    const end = to.character === 0 && to.line > from.line ? to.line - 1 : to.line;
    const range: { start: number; end: number; note?: string } = { start: from.line, end };
    if (from.line === to.line) {
      // The block shows whole lines; say exactly what was selected when it was only part of one.
      const text = lineText(doc, from.line);
      const partial = from.character > 0 || to.character < text.length;
      const selected = text.slice(floorToCodePoint(text, from.character), ceilToCodePoint(text, to.character));
      if (partial && selected.trim() !== '' && selected.length <= MAX_SELECTED_TEXT_NOTE_CHARS) {
        range.note = `Selected text on line ${from.line + 1}: ${codeSpan(selected)}`;
      }
    }
    ranges.push(range);
  }
  ranges.sort((a, b) => a.start - b.start || a.end - b.end);
  const blocks: SelectedBlock[] = [];
  for (const range of ranges) {
    const last = blocks[blocks.length - 1];
    if (last && range.start <= last.end) {
      last.end = Math.max(last.end, range.end);
      if (range.note !== undefined && !last.selectedTextNotes.includes(range.note)) last.selectedTextNotes.push(range.note);
    } else {
      blocks.push({ start: range.start, end: range.end, selectedTextNotes: range.note === undefined ? [] : [range.note] });
    }
  }
  return blocks;
}

/** The whole document as one block; a final empty line after the last EOL is not counted. */
export function wholeFileBlock(doc: DocumentLines): SelectedBlock {
  let end = lineCount(doc) - 1;
  if (end > 0 && (doc.starts[end] ?? 0) === doc.text.length) end--;
  return { start: 0, end, selectedTextNotes: [] };
}

