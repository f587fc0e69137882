// Git remote URLs: which repository they name, and how to show them without credentials.

// GitHub owners are letters, digits and hyphens; other hosts also allow `_` and `.`.
const OWNER_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,99})$/;
const NAME_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;

/** Splits a remote into host and path; undefined for local paths and unknown forms. */
function hostAndPath(remote: string): { host: string; path: string } | undefined {
  // URL form: https://host/owner/name, ssh://git@host:22/owner/name, git://host/owner/name.
  const urlForm = /^(?:https?|ssh|git|git\+ssh|ssh\+git):\/\/(?:[^/]*@)?([^/:@]+)(?::\d*)?\/(.*)$/i.exec(remote);
  if (urlForm) return { host: urlForm[1] ?? '', path: urlForm[2] ?? '' };
  // scp-like form: [user@]host:owner/name. A Windows drive letter (C:\repo) or a path is not a host.
  const scpForm = /^(?:[^@/\\\s]+@)?([^:/\\\s]{2,}):(?!\/\/)(.*)$/.exec(remote);
  if (scpForm) return { host: scpForm[1] ?? '', path: scpForm[2] ?? '' };
  return undefined;
}

/**
 * The `owner/name` a git remote points at, or undefined when the remote is not of that shape
 * (local paths, nested GitLab groups, unknown schemes).
 * Accepts https (with or without credentials), ssh://, scp-like `git@host:owner/name`, with or without `.git`.
 */
export function parseGitRemote(url: string): string | undefined {
  const parsed = hostAndPath(url.trim());
  if (!parsed || parsed.host === '') return undefined;
  const path = parsed.path
    .replace(/[?#].*$/, '')
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '');
  const segments = path.split('/');
  if (segments.length !== 2) return undefined;
  const [owner = '', name = ''] = segments;
  if (!OWNER_PATTERN.test(owner) || !NAME_PATTERN.test(name) || name === '.' || name === '..') return undefined;
  return `${owner}/${name}`;
}

/**
 * The remote URL with any user name and password removed, safe to put in a prompt:
 * remotes like `https://x-access-token:ghs_…@github.com/o/n.git` carry tokens.
 * The scp-like form keeps its user (`git@`), which cannot hold a password.
 */
export function redactRemoteUrl(url: string): string {
  // Greedy up to the last `@` before the path, in case a password holds a raw `@`.
  return url.trim().replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/]*@/, '$1');
}
