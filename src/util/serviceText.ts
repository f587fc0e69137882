// The one sanitizer for service text shown outside the webview: tree labels, descriptions and tooltips,
// pull request rows, notifications, the status bar, quick picks, panel titles, chat and tool answers.
// Service text is untrusted: control characters and bidi overrides can hide or reorder what the user
// reads, and a megabyte-long title must not reach a label. The webview renders through its own
// sanitizer (markdown-it + DOMPurify); this is for plain-text surfaces.

/**
 * C0 controls except tab (U+0000-U+001F), DEL and C1 (U+007F-U+009F), the bidi marks and overrides
 * (U+200E/F, U+202A-U+202E, U+2066-U+2069), and the invisible U+200B, U+2060 and U+FEFF.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_EXCEPT_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

export interface ServiceTextOptions {
  /** Longest result in UTF-16 units, the ellipsis included (default 200). */
  maxLength?: number;
  /** Keep line breaks (tooltips, chat answers); default false: one line. */
  multiline?: boolean;
}

export const DEFAULT_LABEL_LENGTH = 200;

/** Service text made safe to show as plain text: unsafe characters removed, whitespace tidied, length clamped. */
export function cleanServiceText(text: unknown, options: ServiceTextOptions = {}): string {
  if (typeof text !== 'string') return '';
  const maxLength = Math.max(1, Math.floor(options.maxLength ?? DEFAULT_LABEL_LENGTH));
  // Bounded before the regexes run: a huge answer costs no more than a long one.
  const bounded = text.length > maxLength * 4 + 1024 ? text.slice(0, maxLength * 4 + 1024) : text;
  const cleaned = options.multiline
    ? bounded
        .replace(/\r\n?/g, '\n')
        .replace(UNSAFE_EXCEPT_NEWLINE, ' ')
        .replace(/[ \t]+/g, ' ')
        .replace(/\n{3,}/g, '\n\n')
        .trim()
    : bounded.replace(UNSAFE_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  return clamp(cleaned, maxLength);
}

/** One line of service text for a label, a description or a title. */
export function serviceLabel(text: unknown, maxLength = DEFAULT_LABEL_LENGTH): string {
  return cleanServiceText(text, { maxLength });
}

/** Cuts at a code point boundary and ends with an ellipsis when anything was cut. */
function clamp(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let end = maxLength - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // never leave half a surrogate pair
  return `${text.slice(0, end).trimEnd()}…`;
}
