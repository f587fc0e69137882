// A client working copy for tests: a clone of one of the simulator's bare repositories that still names
// GitHub as its remote (`https://github.com/acme/widgets.git`, so matching a PR url to a remote works as in
// real life) while git's traffic goes to the bare repositories through `url.<gitRoot>/.insteadOf` in the
// clone's LOCAL config. Network transports are switched off there too, so nothing can ever leave the machine.
//
// Note: `git remote get-url` and `git remote -v` print URLs with insteadOf applied (the local path); the
// configured URL (`git config remote.origin.url`, which VS Code's git extension reads) stays github.com.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SIM } from './fixtures';

export const CLIENT_USER = { name: 'Test Developer', email: 'developer@example.com' } as const;

export interface ClientCloneOptions {
  /** The simulator's gitRoot (CodegenSimulator.gitRoot). */
  gitRoot: string;
  /** Folder to clone into; must not exist or be empty. */
  dir: string;
  /** Default acme/widgets. Its bare repository must exist (CodegenSimulator.ensureGitRepository). */
  repoFullName?: string;
  /** Default origin. */
  remoteName?: string;
  /** The remote URL kept in the config (default `https://github.com/<repoFullName>.git`). */
  remoteUrl?: string;
  /** Refuse http, https, ssh and git:// in the clone (default true): a missing insteadOf fails instead of going online. */
  blockNetwork?: boolean;
}

export interface ClientClone {
  dir: string;
  remoteName: string;
  remoteUrl: string;
  barePath: string;
}

/** Clones the bare repository into `dir` and points its configured remote at GitHub (rewritten locally). */
export function cloneClientWorkspace(options: ClientCloneOptions): ClientClone {
  const repoFullName = options.repoFullName ?? SIM.repoFullName;
  const remoteName = options.remoteName ?? 'origin';
  const remoteUrl = options.remoteUrl ?? `https://github.com/${repoFullName}.git`;
  const gitRoot = path.resolve(options.gitRoot);
  const barePath = path.join(gitRoot, ...repoFullName.split('/')) + '.git';
  const dir = path.resolve(options.dir);
  clientGit(path.dirname(dir), ['clone', '--quiet', '--origin', remoteName, barePath, dir]);
  const settings: Array<[string, string]> = [
    ['user.name', CLIENT_USER.name],
    ['user.email', CLIENT_USER.email],
    [`url.${gitRoot.split(path.sep).join('/')}/.insteadOf`, 'https://github.com/'],
  ];
  if (options.blockNetwork ?? true) for (const protocol of ['http', 'https', 'ssh', 'git']) settings.push([`protocol.${protocol}.allow`, 'never']);
  for (const [key, value] of settings) clientGit(dir, ['config', '--local', key, value]);
  clientGit(dir, ['remote', 'set-url', remoteName, remoteUrl]);
  return { dir, remoteName, remoteUrl, barePath };
}

/** Runs git in a test's working copy (throws with stderr on failure); answers stdout. */
export function clientGit(cwd: string, args: string[], input?: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', input: input ?? '', timeout: 30_000, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${typeof stderr === 'string' ? stderr.trim() : String(error)}`);
  }
}

/** Writes files (repository-relative paths) under `dir`, making folders as needed. */
export function writeFiles(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(dir, ...file.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

/** A plain repository at `dir` (made if missing) on `main` with one commit of `files`, and a local identity. */
export function initRepository(dir: string, files: Record<string, string | Uint8Array>): string {
  mkdirSync(dir, { recursive: true });
  clientGit(dir, ['init', '--quiet', '--initial-branch', 'main']);
  clientGit(dir, ['config', '--local', 'user.name', CLIENT_USER.name]);
  clientGit(dir, ['config', '--local', 'user.email', CLIENT_USER.email]);
  writeFiles(dir, files);
  clientGit(dir, ['add', '--all']);
  clientGit(dir, ['commit', '--quiet', '--no-verify', '-m', 'Initial commit']);
  return dir;
}
