// A suggested request (a quick fix's list of problems, a TODO's ask, a kept draft) may span lines, but the
// prompt picker's input holds one line: a browser input drops line breaks, gluing "names" and "Remove"
// into "namesRemove". The picker shows the request on one line, and sends the full text, line breaks and
// all, when the user accepts it unchanged; an edited request is sent as typed.

export interface SuggestedRequest {
  /** What the picker's input shows: the lines joined by spaces. */
  readonly shown: string;
  /** What is sent when the input still shows `shown`. */
  readonly full: string;
}

export function suggestRequest(full: string): SuggestedRequest {
  const shown = full
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
  return { shown, full: full.trim() };
}

/** The request to send for what the input holds when the user accepts it. */
export function acceptedRequest(typed: string, suggestion: SuggestedRequest | undefined): string {
  const text = typed.trim();
  if (suggestion && suggestion.shown !== '' && text === suggestion.shown) return suggestion.full;
  return text;
}
