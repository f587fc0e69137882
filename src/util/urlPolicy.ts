// The one URL policy of the extension, for every URL it reads: the API base URL setting, and every URL the
// service sends (run and pull request links) before it is shown, linked, stored or opened. One parser
// with one set of rules, so no two places can disagree:
// - no whitespace or control characters anywhere (the URL parser would silently drop a tab or a newline,
//   so "https://git\thub.com" would become another host than the one shown), at most 2,048 characters;
// - absolute, with a host, no user name or password;
// - external links: https only; the API base URL: https, or http on a loopback host, without query or fragment.

import { hasHiddenCharacters } from './serviceText';

export const MAX_URL_LENGTH = 2_048;
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** The shared first step: a string of bounded length, no whitespace or controls, that parses with a host and no credentials. */
export function parseStrictUrl(raw: unknown, what: string): UrlCheck {
  if (typeof raw !== 'string' || raw === '') return { ok: false, reason: `${what} is empty.` };
  if (raw.length > MAX_URL_LENGTH) return { ok: false, reason: `${what} is longer than ${MAX_URL_LENGTH} characters.` };
  if (/\s/.test(raw) || hasHiddenCharacters(raw)) {
    return { ok: false, reason: `${what} contains spaces or invisible characters.` };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: `${what} is not a valid URL.` };
  }
  if (url.hostname === '') return { ok: false, reason: `${what} has no host.` };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: `${what} must not contain a user name or password.` };
  return { ok: true, url };
}

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

export type BaseUrlCheck = { ok: true; url: string } | { ok: false; reason: string };

/** The API base URL: https anywhere, http only for loopback hosts, no query or fragment; returned without trailing slashes. */
export function checkApiBaseUrl(raw: unknown): BaseUrlCheck {
  const what = 'The Codegen API base URL';
  const parsed = parseStrictUrl(raw, what);
  if (!parsed.ok) return parsed;
  const { url } = parsed;
  if (url.search !== '' || url.hash !== '' || (typeof raw === 'string' && /[?#]/.test(raw))) return { ok: false, reason: `${what} must not contain a query or fragment.` };
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname)) {
      return { ok: false, reason: `${what} uses http: for ${url.hostname.slice(0, 100)}; http: is allowed only for 127.0.0.1, localhost and [::1]. Use https: so your token is not sent in clear text.` };
    }
  } else if (url.protocol !== 'https:') {
    return { ok: false, reason: `${what} must start with https: (it starts with ${url.protocol.slice(0, 20)}).` };
  }
  return { ok: true, url: url.toString().replace(/\/+$/, '') };
}

/** A service URL the extension may show, link or hand to the browser: the normalized https URL, or undefined. */
export function safeExternalUrl(raw: unknown): string | undefined {
  const parsed = parseStrictUrl(raw, 'The link');
  return parsed.ok && parsed.url.protocol === 'https:' ? parsed.url.href : undefined;
}

export function isSafeExternalUrl(raw: unknown): raw is string {
  return safeExternalUrl(raw) !== undefined;
}

/** An in-document anchor such as "#section-2": allowed in rendered markdown, never opened externally. */
export function isFragmentLink(value: string): boolean {
  return /^#[\w\-.:~%]*$/.test(value);
}
