// The only URLs the panel ever opens or links to: https, absolute, without embedded credentials.
// Everything else (http:, file:, command:, vscode:, javascript:, data:, relative paths) is refused.

/** Parses `value` and returns the normalized https URL, or undefined when it is not an acceptable external link. */
export function safeHttpsUrl(value: string | undefined | null): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return undefined;
  // Reject before parsing: URL() would quietly strip whitespace and control characters.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.hostname === '' || url.username !== '' || url.password !== '') return undefined;
  return url.href;
}

export function isSafeHttpsUrl(value: string | undefined | null): boolean {
  return safeHttpsUrl(value) !== undefined;
}

/** An in-document anchor such as "#section-2": allowed in rendered markdown, never opened externally. */
export function isFragmentLink(value: string): boolean {
  return /^#[\w\-.:~%]*$/.test(value);
}
