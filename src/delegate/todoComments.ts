// TODO-style comments ("TODO: handle empty names") found line by line, without a parser: a comment that
// starts with one of the words, outside one-line strings. Each line is read on its own (no state carried
// from the lines above), so an edit only ever needs its own lines read again (see TodoIndex). A
// continuation line of a `/* … *\/` comment (" * TODO: x") counts; other lines inside a block comment that
// spans lines are not recognised.

import { serviceLabel } from '../util/serviceText';
import { type CommentSyntax, hasStarContinuation } from './commentSyntax';

export { commentSyntaxFor, DEFAULT_COMMENT_SYNTAX, type BlockMarkers, type CommentSyntax } from './commentSyntax';

export const DEFAULT_TODO_WORDS: readonly string[] = ['TODO', 'FIXME', 'HACK'];
/** Longest TODO text kept (the text goes into a request and a title). */
export const MAX_TODO_TEXT = 500;

export interface TodoOptions {
  /** Match the words case-sensitively (default true: `todo` in prose is no TODO). */
  caseSensitive?: boolean;
}

/** A TODO-style comment on one line. Characters are UTF-16 offsets into the line, as in VS Code. */
export interface TodoComment {
  /** The word as configured, e.g. "TODO". */
  word: string;
  /** The comment's text after the word (and its owner and colon), trimmed, e.g. "handle empty names". */
  text: string;
  /** From `TODO(alice):`, when given. */
  owner?: string;
  /** The comment on the line: from its marker to its end (the closing marker included), trailing spaces left out. */
  start: number;
  end: number;
  /** The marker that opened the comment ("//", "#", "/*", or "*" on a continuation line). */
  marker: string;
  /** A block comment that goes on past this line (its text may continue on the next lines). */
  continues: boolean;
}

/** Words as a setting may give them: letters, digits, `_` and `-`, starting with a letter; the defaults when none is usable. */
export function normalizeTodoWords(words: unknown): string[] {
  const valid = Array.isArray(words) ? words.filter((word): word is string => typeof word === 'string' && /^[A-Za-z][\w-]{0,31}$/.test(word)) : [];
  const unique = [...new Set(valid)];
  return unique.length > 0 ? unique : [...DEFAULT_TODO_WORDS];
}

/** Characters allowed between the marker and the word: spaces, `*` (doc comments), `@` (`@todo`), `!` (`//!`). */
const DECORATION: ReadonlySet<string> = new Set([' ', '\t', '*', '@', '!']);

/** The TODO-style comment on a line, or undefined. The cheap check (does a word occur at all?) comes first. */
export function findTodoOnLine(lineText: string, syntax: CommentSyntax, words: readonly string[] = DEFAULT_TODO_WORDS, options: TodoOptions = {}): TodoComment | undefined {
  const caseSensitive = options.caseSensitive ?? true;
  const haystack = caseSensitive ? lineText : lineText.toUpperCase();
  if (!words.some((word) => haystack.includes(caseSensitive ? word : word.toUpperCase()))) return undefined;
  const ctx: Scan = { line: lineText, words, caseSensitive, trimmedEnd: lineText.trimEnd().length };

  let index = 0;
  if (hasStarContinuation(syntax)) {
    const first = lineText.length - lineText.trimStart().length;
    if (lineText.startsWith('*', first) && !lineText.startsWith('*/', first)) {
      const close = lineText.indexOf('*/', first + 1);
      const found = commentAt(ctx, 'block', first, '*', first, close === -1 ? undefined : { at: close, length: 2 });
      if (found !== undefined || close === -1) return found;
      index = close + 2;
    }
  }
  while (index < lineText.length) {
    const char = lineText.charAt(index);
    if (syntax.quotes.includes(char)) {
      // A string closed on this line is skipped; an unclosed quote (an apostrophe, a lifetime) is just a character.
      const closing = closingQuote(lineText, index);
      index = closing === -1 ? index + 1 : closing + 1;
      continue;
    }
    const block = syntax.block.find((markers) => lineText.startsWith(markers.open, index));
    if (block) {
      const contentStart = index + block.open.length;
      const close = lineText.indexOf(block.close, contentStart);
      const found = commentAt(ctx, 'block', index, block.open, contentStart, close === -1 ? undefined : { at: close, length: block.close.length });
      if (found !== undefined || close === -1) return found;
      index = close + block.close.length;
      continue;
    }
    const marker = syntax.line.find((candidate) => lineText.startsWith(candidate, index));
    if (marker !== undefined && (!syntax.markerAfterSpace || index === 0 || /\s/.test(lineText.charAt(index - 1)))) {
      return commentAt(ctx, 'line', index, marker, index + marker.length, undefined);
    }
    index++;
  }
  return undefined;
}

interface Scan {
  line: string;
  words: readonly string[];
  caseSensitive: boolean;
  trimmedEnd: number;
}

/** The index of the quote closing the string opened at `open` (backslash escapes skipped), or -1. */
function closingQuote(line: string, open: number): number {
  const quote = line.charAt(open);
  for (let index = open + 1; index < line.length; index++) {
    const char = line.charAt(index);
    if (char === '\\') index++;
    else if (char === quote) return index;
  }
  return -1;
}

/** The comment opened at `start` when its content starts with a word; `close` is where a block comment ends on the line. */
function commentAt(ctx: Scan, kind: 'line' | 'block', start: number, marker: string, contentStart: number, close: { at: number; length: number } | undefined): TodoComment | undefined {
  const { line } = ctx;
  const contentEnd = close?.at ?? line.length;
  const repeated = marker.charAt(marker.length - 1);
  let position = contentStart;
  while (position < contentEnd && (DECORATION.has(line.charAt(position)) || line.charAt(position) === repeated)) position++;
  const word = ctx.words.find((candidate) => position + candidate.length <= contentEnd && startsWithWord(line, position, candidate, ctx.caseSensitive));
  if (word === undefined) return undefined;

  let after = position + word.length;
  let owner: string | undefined;
  if (line.charAt(after) === '(') {
    const closing = line.indexOf(')', after);
    if (closing === -1 || closing > contentEnd) return undefined;
    owner = line.slice(after + 1, closing).trim();
    after = closing + 1;
  }
  // The word ends there: a colon, a space, the comment's end. "TODOs", "TODO-list" and "todoList" are not TODOs.
  if (after < contentEnd && !/[\s:]/.test(line.charAt(after))) return undefined;
  let text = line.slice(after, contentEnd).replace(/^[\s:]+/, '').replace(/^[-–—]\s+/, '');
  text = (close ? text.replace(/[\s*]+$/, '') : text).trim();
  const comment: TodoComment = {
    word,
    text: serviceLabel(text, MAX_TODO_TEXT),
    start,
    end: close ? close.at + close.length : Math.max(ctx.trimmedEnd, start + marker.length),
    marker,
    continues: kind === 'block' && close === undefined,
  };
  if (owner) comment.owner = serviceLabel(owner, 100);
  return comment;
}

function startsWithWord(line: string, position: number, word: string, caseSensitive: boolean): boolean {
  if (caseSensitive) return line.startsWith(word, position);
  return line.slice(position, position + word.length).toUpperCase() === word.toUpperCase();
}

/** 0-based lines, both inclusive. */
export interface LineSpan {
  startLine: number;
  endLine: number;
}
