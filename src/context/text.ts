// Text helpers for building prompts: line indexes, Markdown fences, UTF-16-safe cuts. All linear in the input.

/** Offsets where each line starts, splitting on `\n` (a CRLF line keeps its `\r` until sliced). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Normalizes CRLF and lone CR to LF. */
export function normalizeEol(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** Length of the longest run of backticks in the text. */
export function longestBacktickRun(text: string): number {
  let longest = 0;
  for (let i = text.indexOf('`'); i !== -1; i = text.indexOf('`', i)) {
    let end = i;
    while (text.charCodeAt(end) === 0x60) end++;
    if (end - i > longest) longest = end - i;
    i = end;
  }
  return longest;
}

/** A backtick fence longer than any backtick run in the code, so the code cannot close it early. */
export function fenceFor(code: string): string {
  return '`'.repeat(Math.max(3, longestBacktickRun(code) + 1));
}

/** An inline code span that shows the text verbatim whatever backticks it holds. */
export function codeSpan(text: string): string {
  const ticks = '`'.repeat(longestBacktickRun(text) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text.startsWith(' ') || text.endsWith(' ') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Moves a UTF-16 offset back if it would split a surrogate pair. */
export function floorToCodePoint(text: string, offset: number): number {
  if (offset > 0 && offset < text.length && isLowSurrogate(text.charCodeAt(offset)) && isHighSurrogate(text.charCodeAt(offset - 1))) {
    return offset - 1;
  }
  return offset;
}

/** Moves a UTF-16 offset forward if it would split a surrogate pair. */
export function ceilToCodePoint(text: string, offset: number): number {
  if (offset > 0 && offset < text.length && isLowSurrogate(text.charCodeAt(offset)) && isHighSurrogate(text.charCodeAt(offset - 1))) {
    return offset + 1;
  }
  return offset;
}

/** Counts `\n` in the text. */
export function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** One line of plain text for the prompt: control characters dropped, whitespace runs collapsed, length capped. */
export function oneLine(text: string, maxChars: number): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const flat = text.slice(0, maxChars * 4).replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (flat.length <= maxChars) return flat;
  return `${flat.slice(0, floorToCodePoint(flat, maxChars - 1))}…`;
}
