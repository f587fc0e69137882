// A repository's remotes, and the one choice of a remote: sending asks for the remote whose repository
// Codegen knows (its owner/name is sent), bringing back for the remote holding the pull request's repository.
// Both go through chooseRemote with the same ranking, so for one repository they agree: a run sent from the
// `upstream` remote's repository is brought back from `upstream`. Remote URLs (https, ssh, scp-like, with or
// without .git or credentials) name an owner/name; the PR url names one too.

import { parseGitRemote } from '../context/gitRemote';
import { ChangesError } from './errors';
import { gitFailure, type GitRunner } from './gitRunner';

export interface PullRequestLocation {
  host: string;
  owner: string;
  name: string;
  /** `owner/name`, as the URL spells it. */
  fullName: string;
  number: number;
}

export interface GitRemote {
  name: string;
  /** The URL as configured (before any insteadOf rewriting): what the user set up. */
  fetchUrl: string;
}

/** The remotes of a repository, in config order, and which remote each local branch tracks. */
export interface RepositoryRemotes {
  remotes: GitRemote[];
  /** `branch.<name>.remote` of each local branch that has one. */
  tracking: Map<string, string>;
}

/** What breaks ties between remotes that fit: the pull request's host, the current branch's tracking remote. */
export interface RemotePreference {
  host?: string;
  trackingRemote?: string;
}

export interface ChosenRemote<T> {
  remote: GitRemote;
  /** The owner/name its URL names. */
  fullName: string;
  /** What the match answered for it (e.g. the Codegen repository). */
  match: T;
}

/** `https://<host>/<owner>/<name>/pull/<number>[/...]`; undefined for anything else. */
export function parsePullRequestUrl(url: string): PullRequestLocation | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.username !== '' || parsed.password !== '') return undefined;
  const match = /^\/([A-Za-z0-9][A-Za-z0-9._-]{0,99})\/([A-Za-z0-9._-]{1,100})\/pulls?\/(\d{1,10})(?:\/.*)?$/.exec(parsed.pathname);
  if (!match) return undefined;
  const [, owner = '', name = '', number = ''] = match;
  if (name === '.' || name === '..') return undefined;
  return { host: parsed.hostname.toLowerCase(), owner, name, fullName: `${owner}/${name}`, number: Number(number) };
}

export function requirePullRequestUrl(url: string): PullRequestLocation {
  const location = parsePullRequestUrl(url);
  if (!location) throw new ChangesError('invalidPullRequestUrl', `${JSON.stringify(url.slice(0, 200))} is not a pull request URL.`);
  return location;
}

/** The host a remote URL points at (lowercase), or undefined for local paths and unknown forms. */
export function remoteHost(url: string): string | undefined {
  const trimmed = url.trim();
  const urlForm = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^/]*@)?(\[[^\]]+\]|[^/:@]+)/.exec(trimmed);
  if (urlForm) return urlForm[1]?.toLowerCase();
  const scpForm = /^(?:[^@/\\\s]+@)?([^:/\\\s]{2,}):(?!\/\/)/.exec(trimmed);
  return scpForm?.[1]?.toLowerCase();
}

/**
 * The remotes naming an owner/name, best first: on the preferred host (an ssh host alias still counts, after
 * those), then the current branch's tracking remote, `origin`, `upstream`, then config order.
 */
export function rankRemotes(remotes: readonly GitRemote[], preference: RemotePreference = {}): Array<{ remote: GitRemote; fullName: string }> {
  const rank = (remote: GitRemote): number =>
    (preference.host === undefined || remoteHost(remote.fetchUrl) === preference.host ? 0 : 4) +
    (remote.name === preference.trackingRemote ? 0 : remote.name === 'origin' ? 1 : remote.name === 'upstream' ? 2 : 3);
  return remotes
    .map((remote, order) => ({ remote, order, fullName: parseGitRemote(remote.fetchUrl) }))
    .filter((entry): entry is { remote: GitRemote; order: number; fullName: string } => entry.fullName !== undefined)
    .sort((a, b) => rank(a.remote) - rank(b.remote) || a.order - b.order)
    .map(({ remote, fullName }) => ({ remote, fullName }));
}

/**
 * The one remote choice: the best-ranked remote (rankRemotes) whose owner/name `match` accepts (answers
 * something other than undefined). Sending matches the organization's repositories, bringing back the pull
 * request's owner/name; asked in rank order, one at a time, so a match may be a lookup.
 */
export async function chooseRemote<T>(
  remotes: readonly GitRemote[],
  match: (fullName: string) => T | undefined | Promise<T | undefined>,
  preference: RemotePreference = {},
): Promise<ChosenRemote<T> | undefined> {
  for (const { remote, fullName } of rankRemotes(remotes, preference)) {
    const answer = await match(fullName);
    if (answer !== undefined) return { remote, fullName, match: answer };
  }
  return undefined;
}

/** The remote holding the pull request's repository (owner/name compared case-insensitively). */
export async function chooseRemoteForPullRequest(pullRequest: PullRequestLocation, remotes: readonly GitRemote[], trackingRemote?: string): Promise<GitRemote | undefined> {
  const wanted = pullRequest.fullName.toLowerCase();
  const chosen = await chooseRemote(remotes, (fullName) => (fullName.toLowerCase() === wanted ? true : undefined), {
    host: pullRequest.host,
    ...(trackingRemote === undefined ? {} : { trackingRemote }),
  });
  return chosen?.remote;
}

/** The repository's remotes with their configured URLs (the first `url` of each), and the branches' tracking remotes. */
export async function readRemotes(runner: GitRunner, root: string): Promise<RepositoryRemotes> {
  const args = ['config', '-z', '--get-regexp', String.raw`^(remote\..*\.url|branch\..*\.remote)$`];
  const result = await runner.run(root, args);
  const found: RepositoryRemotes = { remotes: [], tracking: new Map() };
  if (result.code === 1) return found; // none at all
  if (result.code !== 0) throw gitFailure(args, result);
  for (const entry of result.stdout.split('\0')) {
    const newline = entry.indexOf('\n');
    if (newline < 0) continue;
    const key = entry.slice(0, newline);
    const value = entry.slice(newline + 1);
    if (value === '') continue;
    if (key.startsWith('remote.') && key.endsWith('.url')) {
      const name = key.slice('remote.'.length, key.length - '.url'.length);
      if (name !== '' && !found.remotes.some((remote) => remote.name === name)) found.remotes.push({ name, fetchUrl: value });
    } else if (key.startsWith('branch.') && key.endsWith('.remote')) {
      const branch = key.slice('branch.'.length, key.length - '.remote'.length);
      if (branch !== '' && !found.tracking.has(branch)) found.tracking.set(branch, value);
    }
  }
  return found;
}
