// The TODO comments of open documents, found lazily and kept per line: a code action asks for the cursor's
// lines, a CodeLens provider for the visible range (only when CodeLens is on), and only lines never read
// (or changed since) are read again. Edits shift the kept lines instead of dropping them, so a keystroke
// costs the edited line, never a rescan of the file. Memory is bounded: least recently used documents go
// first, and a document too large for the budget is not kept at all (its asked lines are read each time).

import { commentSyntaxFor, type CommentSyntax } from './commentSyntax';
import { DEFAULT_TODO_WORDS, findTodoOnLine, type LineSpan, type TodoComment } from './todoComments';

/** What the index reads of a document (a vscode.TextDocument, adapted: `lineAt(i)` is the line's text). */
export interface TodoDocument {
  /** The document's uri as a string: the key of its cache. */
  uri: string;
  version: number;
  lineCount: number;
  /** The comment syntax follows the language; a changed language drops the cache. Absent: `//` and `#`. */
  languageId?: string;
  lineAt(line: number): string;
}

/** One edit as the index needs it: old lines startLine..endLine (inclusive) became newLineCount lines. */
export interface LineChange extends LineSpan {
  newLineCount: number;
}

export interface TodoHit extends TodoComment {
  /** 0-based line of the comment. */
  line: number;
}

export interface TodoIndexOptions {
  words?: readonly string[];
  caseSensitive?: boolean;
  /** Documents kept (default 32). */
  maxDocuments?: number;
  /** Line slots kept over all documents (default 1,000,000: a few megabytes). */
  maxCachedLines?: number;
}

/** A line not read since it last changed. */
const UNREAD = undefined;
/** A line read, with no TODO on it. */
const NONE = null;

interface DocumentEntry {
  version: number;
  languageId: string | undefined;
  syntax: CommentSyntax;
  /** Per line: UNREAD, NONE, or the TODO found on it. */
  lines: Array<TodoComment | null | undefined>;
}

/** The change an edit makes to lines (VS Code's contentChanges: range lines and the inserted text). */
export function lineChangeOf(startLine: number, endLine: number, insertedText: string): LineChange {
  let newLineCount = 1;
  for (let index = insertedText.indexOf('\n'); index !== -1; index = insertedText.indexOf('\n', index + 1)) newLineCount++;
  return { startLine, endLine, newLineCount };
}

export class TodoIndex {
  /** Insertion order is recency: the first entry is the least recently used. */
  private readonly documents = new Map<string, DocumentEntry>();
  private words: readonly string[];
  private caseSensitive: boolean;
  private readonly maxDocuments: number;
  private readonly maxCachedLines: number;

  constructor(options: TodoIndexOptions = {}) {
    this.words = options.words ?? DEFAULT_TODO_WORDS;
    this.caseSensitive = options.caseSensitive ?? true;
    this.maxDocuments = Math.max(1, options.maxDocuments ?? 32);
    this.maxCachedLines = Math.max(0, options.maxCachedLines ?? 1_000_000);
  }

  /** New words (the setting changed): everything read so far is dropped. */
  setWords(words: readonly string[], caseSensitive = this.caseSensitive): void {
    this.words = words;
    this.caseSensitive = caseSensitive;
    this.documents.clear();
  }

  /** The TODOs on lines range.startLine..range.endLine (clamped to the document), reading only lines not known. */
  linesWith(document: TodoDocument, range: LineSpan): TodoHit[] {
    const first = Math.max(0, Math.floor(range.startLine));
    const last = Math.min(document.lineCount - 1, Math.floor(range.endLine));
    const entry = this.entryFor(document);
    const hits: TodoHit[] = [];
    for (let line = first; line <= last; line++) {
      let known = entry.lines[line];
      if (known === UNREAD) {
        known = findTodoOnLine(document.lineAt(line), entry.syntax, this.words, { caseSensitive: this.caseSensitive }) ?? NONE;
        if (line < entry.lines.length) entry.lines[line] = known;
      }
      if (known !== NONE) hits.push({ ...known, line });
    }
    return hits;
  }

  /**
   * A change event of a document: only the changed lines are forgotten, the others shift with the edit.
   * Changes apply in order, each in the lines of the document the ones before it left: the way VS Code's
   * extension host applies the contentChanges of one event to its own copy of the document. A change
   * that does not fit the lines kept drops the document's cache (its lines are read again when asked).
   */
  applyChanges(uri: string, version: number, changes: readonly LineChange[]): void {
    const entry = this.documents.get(uri);
    if (!entry) return;
    for (const change of changes) {
      const { startLine, endLine, newLineCount } = change;
      const fits = Number.isInteger(startLine) && Number.isInteger(endLine) && Number.isInteger(newLineCount) && startLine >= 0 && endLine >= startLine && endLine < entry.lines.length && newLineCount >= 1;
      if (!fits) {
        this.documents.delete(uri);
        return;
      }
      const removed = endLine - startLine + 1;
      if (newLineCount === removed) {
        for (let line = startLine; line <= endLine; line++) entry.lines[line] = UNREAD;
      } else if (newLineCount <= 1_000) {
        entry.lines.splice(startLine, removed, ...new Array<undefined>(newLineCount).fill(UNREAD));
      } else {
        // A large paste: no spread of a huge argument list.
        entry.lines = entry.lines.slice(0, startLine).concat(new Array<undefined>(newLineCount).fill(UNREAD), entry.lines.slice(endLine + 1));
      }
    }
    entry.version = version;
    this.evictBeyondBudget();
  }

  /** The document was closed. */
  forget(uri: string): void {
    this.documents.delete(uri);
  }

  clear(): void {
    this.documents.clear();
  }

  /** Documents and line slots kept (for tests and the bench). */
  get size(): { documents: number; lines: number } {
    let lines = 0;
    for (const entry of this.documents.values()) lines += entry.lines.length;
    return { documents: this.documents.size, lines };
  }

  /** The document's cache, made current: a version or line count it does not know (a missed change) starts it over. */
  private entryFor(document: TodoDocument): DocumentEntry {
    const held = this.documents.get(document.uri);
    if (held) this.documents.delete(document.uri);
    if (held && held.version === document.version && held.lines.length === document.lineCount && held.languageId === document.languageId) {
      this.documents.set(document.uri, held);
      return held;
    }
    const kept = document.lineCount <= this.maxCachedLines;
    const entry: DocumentEntry = {
      version: document.version,
      languageId: document.languageId,
      syntax: commentSyntaxFor(document.languageId),
      // Too large for the budget: an empty array, so every asked line is read and nothing is kept.
      lines: kept ? new Array<undefined>(Math.max(0, document.lineCount)).fill(UNREAD) : [],
    };
    if (kept) {
      this.documents.set(document.uri, entry);
      this.evictBeyondBudget();
    }
    return entry;
  }

  private evictBeyondBudget(): void {
    let lines = this.size.lines;
    for (const [uri, entry] of this.documents) {
      if (this.documents.size <= this.maxDocuments && lines <= this.maxCachedLines) break;
      this.documents.delete(uri);
      lines -= entry.lines.length;
    }
  }
}
