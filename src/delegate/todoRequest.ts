// What "Delegate to Codegen" sends for a TODO comment: a one-line request naming the file, the line and the
// comment's text, and the lines around it to select. The code the comment is about is told by
// indentation alone (no parser): the block the comment sits in when it fits, else the declaration below a
// comment on its own lines (a top-level function, a method of a large class), else the lines around it.
// Every search is bounded by maxLines.

import { oneLine } from '../context/text';
import type { CommentSyntax } from './commentSyntax';
import { findTodoOnLine, type LineSpan, type TodoComment } from './todoComments';

/** Longest comment text in a request. */
const MAX_REQUEST_TEXT = 500;

export interface TodoRequestContext {
  /** The file as the agent will find it (workspace-relative path, or the untitled name). */
  fileLabel: string;
  /** 0-based line of the comment. */
  line: number;
  lineCount: number;
  lineAt(line: number): string;
  /** The document's comment syntax: the comment's text may go on over the next lines. */
  syntax: CommentSyntax;
  /** The words that start a TODO comment (codegen.todo.words): a line with a TODO of its own ends this one's text. */
  words: readonly string[];
  /** Lines before and after the comment when no block fits (default 10). */
  contextLines?: number;
  /** Most lines selected, and read in each direction looking for a block (default 80). */
  maxLines?: number;
}

export interface TodoRequest {
  /** Sent to the agent, e.g. "Resolve this TODO in src/x.ts (line 12): handle empty names". */
  request: string;
  /** The lines to send (0-based, inclusive): the comment with the code it is about. */
  range: LineSpan;
}

const MAX_CONTINUATION_LINES = 10;

/** The request for a TODO comment and the lines of code to send with it. */
export function todoRequest(todo: TodoComment, context: TodoRequestContext): TodoRequest {
  const maxLines = Math.max(1, Math.floor(context.maxLines ?? 80));
  const extent = commentExtent(todo, context, maxLines);
  const text = oneLine([todo.text, ...extent.texts].filter((part) => part !== '').join(' '), MAX_REQUEST_TEXT);
  const where = `${context.fileLabel} (line ${context.line + 1})`;
  const ask = text === '' ? `Resolve this ${todo.word} comment in ${where}.` : `Resolve this ${todo.word} in ${where}: ${text}`;
  return { request: `${ask}\nRemove the comment once it is resolved.`, range: rangeFor(context, extent, maxLines) };
}

interface CommentExtent {
  /** The comment's first and last lines (a doc comment from its `/**` to its `*\/`). */
  first: number;
  last: number;
  /** The comment's text on the lines after the TODO's. */
  texts: string[];
  /** Nothing but the comment on its lines (else it trails code). */
  ownLines: boolean;
}

function commentExtent(todo: TodoComment, context: TodoRequestContext, maxLines: number): CommentExtent {
  const { line } = context;
  const lineAt = (index: number): string => context.lineAt(index);
  const close = todo.marker === '*' ? '*/' : context.syntax.block.find((block) => block.open === todo.marker)?.close;
  const ownLines = todo.marker === '*' || lineAt(line).slice(0, todo.start).trim() === '';
  const texts: string[] = [];
  let textEnd = line;
  for (let next = line + 1; next < context.lineCount && next <= line + MAX_CONTINUATION_LINES; next++) {
    const raw = lineAt(next);
    const trimmed = raw.trim();
    if (findTodoOnLine(raw, context.syntax, context.words) !== undefined) break;
    let part: string;
    if (todo.continues && close !== undefined) {
      const closeAt = trimmed.indexOf(close);
      part = (closeAt === -1 ? trimmed : trimmed.slice(0, closeAt)).replace(/^\*+/, '').trim();
      if (closeAt !== -1) {
        if (part !== '') texts.push(part);
        break;
      }
    } else if (!todo.continues && ownLines && context.syntax.line.includes(todo.marker) && trimmed.startsWith(todo.marker)) {
      part = trimmed.slice(todo.marker.length).replace(/^[\s*@!/#;%-]+/, '').trim();
      if (part === '') break;
    } else {
      break;
    }
    texts.push(part);
    textEnd = next;
  }
  let first = line;
  if (todo.marker === '*') {
    // A continuation line: the doc comment starts at its `/*`.
    for (let above = line - 1; above >= 0 && line - above <= maxLines; above--) {
      if (lineAt(above).trimStart().startsWith('/*')) {
        first = above;
        break;
      }
    }
  }
  let last = textEnd;
  if (todo.continues && close !== undefined) {
    for (let below = line + 1; below < context.lineCount && below - line <= maxLines; below++) {
      if (lineAt(below).includes(close)) {
        last = below;
        break;
      }
    }
  }
  return { first, last, texts, ownLines };
}

function rangeFor(context: TodoRequestContext, extent: CommentExtent, maxLines: number): LineSpan {
  const { first, last } = extent;
  const lastIndex = Math.max(0, context.lineCount - 1);
  const base = indentOf(context.lineAt(first));
  const enclosing = base > 0 ? enclosingBlock(context, first, last, base, maxLines) : undefined;
  if (enclosing) return enclosing;
  const below = extent.ownLines ? blockBelow(context, first, last, base, maxLines) : undefined;
  if (below) return below;
  const contextLines = Math.max(0, Math.floor(context.contextLines ?? 10));
  const startLine = Math.max(0, first - contextLines);
  return { startLine, endLine: Math.min(lastIndex, last + contextLines, startLine + maxLines - 1) };
}

/** The declaration right below the comment, when it opens a block (its next line is indented more). */
function blockBelow(context: TodoRequestContext, first: number, last: number, base: number, maxLines: number): LineSpan | undefined {
  const declaration = nextNonBlank(context, last + 1, first + maxLines);
  if (declaration === undefined || indentOf(context.lineAt(declaration)) !== base) return undefined;
  const body = nextNonBlank(context, declaration + 1, first + maxLines);
  if (body === undefined || indentOf(context.lineAt(body)) <= base) return undefined;
  const end = blockEnd(context, body, base + 1, first + maxLines - 1);
  return end === undefined ? undefined : { startLine: first, endLine: trimBlankEnd(context, end, last) };
}

/** The block the comment sits in: from the first line above indented less, to the next one below. */
function enclosingBlock(context: TodoRequestContext, first: number, last: number, base: number, maxLines: number): LineSpan | undefined {
  let top = first - 1;
  while (top >= 0 && first - top <= maxLines && !lessIndented(context.lineAt(top), base)) top--;
  if (top < 0 || first - top > maxLines) return undefined;
  const end = blockEnd(context, last + 1, base, top + maxLines - 1);
  return end === undefined ? undefined : { startLine: top, endLine: trimBlankEnd(context, end, last) };
}

/**
 * The last line of a block whose lines are indented at least `minIndent`, read from `from`: the line
 * closing it (`}`, `end`, `)`) is kept, and one that goes on (`} else {`, `): void {`, `else:`) does not end
 * it. Undefined when the block goes past `limit`.
 */
function blockEnd(context: TodoRequestContext, from: number, minIndent: number, limit: number): number | undefined {
  const lastIndex = context.lineCount - 1;
  for (let line = from; line <= Math.min(limit, lastIndex); line++) {
    const text = context.lineAt(line);
    if (text.trim() === '' || indentOf(text) >= minIndent || GOES_ON.test(text)) continue;
    if (!CLOSER.test(text)) return line - 1;
    if (!REOPENS.test(text)) return line;
  }
  return limit >= lastIndex ? lastIndex : undefined;
}

const CLOSER = /^\s*(?:[}\])]|end\b|fi\b|done\b|esac\b|<\/)/;
const REOPENS = /[{([:]\s*$|\bthen\s*$|\bdo\s*$/;
/** Lines that carry a block on at its own indentation. */
const GOES_ON = /^\s*(?:else|elif|elsif|except|finally|catch|rescue|ensure)\b/;

function nextNonBlank(context: TodoRequestContext, from: number, limit: number): number | undefined {
  for (let line = from; line < context.lineCount && line <= limit; line++) if (context.lineAt(line).trim() !== '') return line;
  return undefined;
}

function trimBlankEnd(context: TodoRequestContext, end: number, floor: number): number {
  let line = end;
  while (line > floor && context.lineAt(line).trim() === '') line--;
  return line;
}

/** Not blank and indented less than `base`. */
function lessIndented(text: string, base: number): boolean {
  return text.trim() !== '' && indentOf(text) < base;
}

/** Leading whitespace width, a tab counted as 4. */
function indentOf(text: string): number {
  let width = 0;
  for (const char of text) {
    if (char === ' ') width++;
    else if (char === '\t') width += 4;
    else break;
  }
  return width;
}
