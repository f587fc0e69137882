// Validation of URLs that come from settings or from the service (untrusted).

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export type BaseUrlCheck = { ok: true; url: string } | { ok: false; reason: string };

/** The API base URL: https anywhere, http only for loopback hosts, no credentials, query or fragment. */
export function checkApiBaseUrl(raw: unknown): BaseUrlCheck {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, reason: 'The Codegen API base URL is empty.' };
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, reason: `The Codegen API base URL "${raw.slice(0, 200)}" is not a valid URL.` };
  }
  if (url.username || url.password) return { ok: false, reason: 'The Codegen API base URL must not contain a user name or password.' };
  if (url.search || url.hash) return { ok: false, reason: 'The Codegen API base URL must not contain a query or fragment.' };
  if (url.protocol === 'http:') {
    if (!LOOPBACK_HOSTS.has(url.hostname)) {
      return { ok: false, reason: `The Codegen API base URL uses http: for ${url.hostname}; http: is allowed only for 127.0.0.1, localhost and [::1]. Use https: so your token is not sent in clear text.` };
    }
  } else if (url.protocol !== 'https:') {
    return { ok: false, reason: `The Codegen API base URL must start with https: (it starts with ${url.protocol}).` };
  }
  return { ok: true, url: url.toString().replace(/\/+$/, '') };
}

/** True for a URL the extension may hand to the browser: https only. */
export function isSafeExternalUrl(raw: unknown): raw is string {
  if (typeof raw !== 'string' || raw.length > 4096) return false;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' && !url.username && !url.password;
  } catch {
    return false;
  }
}
