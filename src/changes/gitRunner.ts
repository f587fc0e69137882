// Running git: an injectable GitRunner (args in a folder -> exit code and output), its CLI implementation (the
// only place the extension starts git), and mustSucceed for commands whose failure is an error.
// The CLI runner never uses a shell, never waits for a credential or passphrase prompt, and never outlives
// its timeout: git runs without a terminal (its own session on POSIX), with prompts off and askpass
// programs removed, and is killed (with its whole process group) when it takes too long. With a trust gate
// (isTrusted), it starts no git at all while the workspace is not trusted.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ChangesError, sanitizeGitMessage, untrustedWorkspaceError } from './errors';

export interface GitRunOptions {
  /** Written to git's stdin (then closed). Without it stdin is closed at once. */
  input?: string | Uint8Array;
  /** Overrides the runner's default timeout. */
  timeoutMs?: number;
  /** Also answer stdout as bytes (stdoutBytes), for blobs. */
  binary?: boolean;
  /** GIT_INDEX_FILE for this command only: a temporary index, so the user's own index is never written. */
  indexFile?: string;
}

export interface GitResult {
  /** git's exit code. */
  code: number;
  /** stdout decoded as UTF-8. */
  stdout: string;
  stderr: string;
  /** stdout as bytes; only with `binary`. */
  stdoutBytes?: Uint8Array;
}

/**
 * Runs `git <args>` in `cwd`. A non-zero exit is a result, not an error. Throws ChangesError `gitMissing` when
 * git cannot be started, `timedOut` when it was stopped, `gitFailed` when its output outgrew the limit,
 * `untrustedWorkspace` when the trust gate is closed (then nothing was started).
 */
export interface GitRunner {
  run(cwd: string, args: readonly string[], options?: GitRunOptions): Promise<GitResult>;
}

export interface CliGitRunnerOptions {
  /** Default `git` (looked up on PATH). */
  gitPath?: string;
  /** Default 60 s: long enough for a fetch of a big branch, short enough that nothing hangs forever. */
  timeoutMs?: number;
  /** Largest stdout kept (default 256 MiB); beyond it git is stopped. */
  maxOutputBytes?: number;
  /** Environment to start from (default process.env); see gitEnvironment. */
  baseEnv?: NodeJS.ProcessEnv;
  /**
   * The trust gate, asked before every command: while it says false no git process starts (a repository's
   * config and hooks can run programs) and run() throws `untrustedWorkspace`. The editor wires the workspace's
   * trust here; without a gate (tests, tools) git always runs.
   */
  isTrusted?: () => boolean;
}

export const DEFAULT_GIT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_OUTPUT_BYTES = 256 * 1024 * 1024;
const MAX_STDERR_BYTES = 64 * 1024;

/** Options put before every command: stable, unquoted paths; no colour; no askpass program from the config. */
export const GIT_GLOBAL_ARGS: readonly string[] = ['-c', 'core.quotepath=off', '-c', 'color.ui=never', '-c', 'core.askPass=', '-c', 'credential.interactive=never'];

/** Variables that would point git at another repository, index or object store than the folder asked for. */
const REPOSITORY_VARIABLES = [
  'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_COMMON_DIR',
  'GIT_NAMESPACE', 'GIT_PREFIX', 'GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM',
];

/**
 * The environment git runs with: the base one without askpass programs or repository overrides, prompts
 * disabled, messages in English (errors are recognized by their text), no optional locks (a status never
 * competes with VS Code's own git for the index lock). Not GIT_LITERAL_PATHSPECS: `git stash -u` relies on
 * pathspec magic internally and, with it, leaves the untracked files it stashed in place.
 */
export function gitEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of ['GIT_ASKPASS', 'SSH_ASKPASS', 'LANGUAGE', ...REPOSITORY_VARIABLES]) delete env[name];
  return {
    ...env,
    GIT_TERMINAL_PROMPT: '0',
    GCM_INTERACTIVE: 'never',
    LC_ALL: 'C',
    GIT_OPTIONAL_LOCKS: '0',
  };
}

export class CliGitRunner implements GitRunner {
  private readonly gitPath: string;
  private readonly timeoutMs: number;
  private readonly maxOutputBytes: number;
  private readonly env: NodeJS.ProcessEnv;
  private readonly isTrusted: () => boolean;

  constructor(options: CliGitRunnerOptions = {}) {
    this.isTrusted = options.isTrusted ?? (() => true);
    this.gitPath = options.gitPath ?? 'git';
    this.timeoutMs = options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
    this.maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    this.env = gitEnvironment(options.baseEnv ?? process.env);
  }

  run(cwd: string, args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
    if (!this.isTrusted()) {
      return Promise.reject(untrustedWorkspaceError());
    }
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const ownSession = process.platform !== 'win32';
    return new Promise<GitResult>((resolve, reject) => {
      const child = spawn(this.gitPath, [...GIT_GLOBAL_ARGS, ...args], {
        cwd,
        env: options.indexFile === undefined ? this.env : { ...this.env, GIT_INDEX_FILE: options.indexFile },
        shell: false,
        windowsHide: true,
        // Its own session: no controlling terminal, so ssh, gpg or a credential helper cannot prompt on one.
        detached: ownSession,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let stdoutBytes = 0;
      let stderrBytes = 0;
      let stopReason: 'timedOut' | 'tooMuchOutput' | undefined;
      const stop = (reason: 'timedOut' | 'tooMuchOutput'): void => {
        if (stopReason) return;
        stopReason = reason;
        try {
          if (ownSession && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
          else child.kill('SIGKILL');
        } catch {
          // already gone
        }
        // A process that left the group could still hold our pipes open: stop listening, so 'close' follows the exit.
        child.stdout.destroy();
        child.stderr.destroy();
      };
      const timer = setTimeout(() => stop('timedOut'), timeoutMs);
      const describe = `git ${commandName(args)}`;

      child.stdout.on('data', (chunk: Buffer) => {
        stdoutBytes += chunk.length;
        if (stdoutBytes > this.maxOutputBytes) stop('tooMuchOutput');
        else stdout.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderrBytes < MAX_STDERR_BYTES) stderr.push(chunk);
        stderrBytes += chunk.length;
      });
      // git may exit before reading all its input (e.g. a refused patch): that is its answer, not ours to fail on.
      child.stdin.on('error', () => undefined);
      child.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        // spawn says ENOENT for a missing folder too.
        if (error.code === 'ENOENT' && !existsSync(cwd)) reject(new ChangesError('notAGitRepository', `${cwd} does not exist.`));
        else if (error.code === 'ENOENT') reject(new ChangesError('gitMissing', `Git was not found (${this.gitPath}). Install git or set its path.`));
        else reject(new ChangesError('gitFailed', `${describe} could not start: ${error.message}`));
      });
      child.once('close', (code: number | null) => {
        clearTimeout(timer);
        const stderrText = Buffer.concat(stderr).toString('utf8');
        if (stopReason === 'timedOut') {
          reject(new ChangesError('timedOut', `${describe} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped.`, sanitizeGitMessage(stderrText)));
          return;
        }
        if (stopReason === 'tooMuchOutput') {
          reject(new ChangesError('gitFailed', `${describe} wrote more than ${this.maxOutputBytes} bytes and was stopped.`));
          return;
        }
        const bytes = Buffer.concat(stdout);
        resolve({
          code: code ?? 1,
          stdout: bytes.toString('utf8'),
          stderr: stderrText,
          ...(options.binary ? { stdoutBytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) } : {}),
        });
      });
      child.stdin.end(options.input === undefined ? undefined : Buffer.from(options.input));
    });
  }
}

/** Runs git and answers its result; a non-zero exit throws ChangesError `gitFailed` with git's words. */
export async function mustSucceed(runner: GitRunner, cwd: string, args: readonly string[], options?: GitRunOptions): Promise<GitResult> {
  const result = await runner.run(cwd, args, options);
  if (result.code !== 0) throw gitFailure(args, result);
  return result;
}

export function gitFailure(args: readonly string[], result: GitResult): ChangesError {
  const said = sanitizeGitMessage(result.stderr);
  return new ChangesError('gitFailed', `git ${commandName(args)} failed (exit ${result.code})${said ? `: ${said.split('\n')[0]}` : ''}`, said);
}

/** The subcommand (and its first argument) for messages: `-c key=value` pairs and leading options skipped. */
function commandName(args: readonly string[]): string {
  let index = 0;
  while (index < args.length && (args[index] ?? '').startsWith('-')) index += args[index] === '-c' ? 2 : 1;
  return args.slice(index, index + 2).join(' ');
}
