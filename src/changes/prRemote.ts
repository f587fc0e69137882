// Which remote of the repository a pull request lives on: the PR url names `owner/name`, each remote's
// configured URL (https, ssh, scp-like, with or without .git or credentials) names one too.

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
 * The remote holding the PR's repository: owner/name compared case-insensitively; among several, one on the PR's
 * host first (an ssh host alias still matches, after those), then `origin`, then `upstream`, then config order.
 */
export function pickRemote(pullRequest: PullRequestLocation, remotes: readonly GitRemote[]): GitRemote | undefined {
  const wanted = pullRequest.fullName.toLowerCase();
  const rank = (remote: GitRemote): number =>
    (remoteHost(remote.fetchUrl) === pullRequest.host ? 0 : 4) + (remote.name === 'origin' ? 0 : remote.name === 'upstream' ? 1 : 2);
  return remotes
    .map((remote, order) => ({ remote, order }))
    .filter(({ remote }) => parseGitRemote(remote.fetchUrl)?.toLowerCase() === wanted)
    .sort((a, b) => rank(a.remote) - rank(b.remote) || a.order - b.order)[0]?.remote;
}

/** The repository's remotes with their configured URLs (the first `url` of each), in config order. */
export async function listRemotes(runner: GitRunner, root: string): Promise<GitRemote[]> {
  const args = ['config', '-z', '--get-regexp', String.raw`^remote\..*\.url$`];
  const result = await runner.run(root, args);
  if (result.code === 1) return []; // no remote at all
  if (result.code !== 0) throw gitFailure(args, result);
  const remotes: GitRemote[] = [];
  for (const entry of result.stdout.split('\0')) {
    const newline = entry.indexOf('\n');
    if (newline < 0) continue;
    const key = entry.slice(0, newline);
    const name = key.slice('remote.'.length, key.length - '.url'.length);
    const fetchUrl = entry.slice(newline + 1);
    if (name !== '' && fetchUrl !== '' && !remotes.some((remote) => remote.name === name)) remotes.push({ name, fetchUrl });
  }
  return remotes;
}
