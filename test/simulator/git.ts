// The simulator's git side: one local bare repository per simulated GitHub repository, under a folder the
// test passes in (`gitRoot`), and a real branch per run PR, pushed the moment the run's PR first appears.
// Everything is made with the git CLI's plumbing (no working tree, no network) with a fixed identity and
// dates from the simulator clock, so contents and commit ids are the same from one test run to the next.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isBaseBranchName } from '../../src/changes/baseBranchPrompt';

export const GIT_BASE_BRANCH = 'main';
/** Where the base commit of every bare repository is dated (fixed: `main` has the same id everywhere). */
export const GIT_BASE_DATE_MS = Date.UTC(2025, 0, 1);
/** The identity of every commit the simulator makes. */
export const GIT_AUTHOR = { name: 'Codegen Simulator', email: 'agent@codegen.example' } as const;
/** Config key the simulator writes into each bare repository it makes: only those are ever replaced or removed. */
const OWNED_KEY = 'codegensim.owned';

/** The tree of `main` in every bare repository, by path. `{repo}` is replaced by the repository's full name. */
export const GIT_BASE_FILES: Readonly<Record<string, string>> = {
  'README.md': '# {repo}\n\nA repository of the Codegen simulator.\n',
  'src/widget.ts': ['export function widget(name: string): string {', '  return `widget ${name}`;', '}', ''].join('\n'),
  'src/util.ts': ['export function clamp(value: number, low: number, high: number): number {', '  return Math.min(high, Math.max(low, value));', '}', ''].join('\n'),
  'docs/old-name.md': '# Old name\n\nEvery simulated run renames this page to docs/new-name.md.\n',
};

/** What a run's branch changes relative to `main`, with exact contents (two commits: add+modify, then delete+rename). */
export interface SimRunBranchChanges {
  added: { path: string; content: string };
  modified: { path: string; before: string; after: string };
  deleted: { path: string; content: string };
  renamed: { from: string; to: string; content: string };
}

export function runBranchChanges(runId: number): SimRunBranchChanges {
  const before = GIT_BASE_FILES['src/widget.ts'] ?? '';
  return {
    added: { path: 'src/feature.ts', content: `// Added by Codegen run ${runId}.\nexport const RUN_ID = ${runId};\n` },
    modified: {
      path: 'src/widget.ts',
      before,
      after: ['export function widget(name: string): string {', `  return \`widget \${name} (run ${runId})\`;`, '}', ''].join('\n'),
    },
    deleted: { path: 'src/util.ts', content: GIT_BASE_FILES['src/util.ts'] ?? '' },
    renamed: { from: 'docs/old-name.md', to: 'docs/new-name.md', content: GIT_BASE_FILES['docs/old-name.md'] ?? '' },
  };
}

/** The files an attempt's extra commit writes (publishAttempt). */
export function attemptFiles(attempt: number): Record<string, string> {
  return {
    'src/approach.ts': `// Approach of attempt ${attempt}.\nexport const APPROACH = ${attempt};\n`,
    [`notes/attempt-${attempt}.md`]: `Notes of attempt ${attempt}.\n`,
  };
}

export function runBranchName(runId: number): string {
  return `codegen/run-${runId}`;
}

/** The number of a run's simulated pull request (its url ends in /pull/<number>). */
export function pullRequestNumber(runId: number): number {
  return 100 + runId;
}

/** GitHub's own ref of a pull request in the base repository: kept in step with the branch, and kept after the branch is deleted. */
export function pullRequestHeadRef(runId: number): string {
  return `refs/pull/${pullRequestNumber(runId)}/head`;
}

/** Git facts about one run, as `GET /_sim/runs/:id/git` answers them. */
export interface SimGitInfo {
  runId: number;
  repoFullName: string;
  /** Absolute path of the bare repository (`<gitRoot>/<owner>/<name>.git`). */
  barePath: string;
  /** The URL clients keep as their remote; the insteadOf of gitWorkspace.ts sends it to barePath. */
  remoteUrl: string;
  branch: string;
  baseBranch: string;
  baseSha: string;
  /** Null until the PR appeared, and again once the branch was deleted. */
  tipSha: string | null;
  pushed: boolean;
  deleted: boolean;
  /** Commits on the branch beyond main (2 when pushed, more after pushRunCommit). */
  commits: number;
}

/** Files of a pushed extra commit: content, or null to delete the path. */
export interface SimCommitInput {
  files?: Record<string, string | null>;
  message?: string;
}

interface RunBranchState {
  repoFullName: string;
  pushed: boolean;
  deleted: boolean;
  commits: number;
  /** Force-pushes so far: each rewrite differs from the one before. */
  rewrites?: number;
}

const SAFE_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;
const SAFE_FILE_PATH = /^(?:[A-Za-z0-9_][A-Za-z0-9._ -]*\/)*[A-Za-z0-9_][A-Za-z0-9._ -]*$/;

export class SimGitRepos {
  readonly root: string;
  private readonly baseShas = new Map<string, string>();
  private readonly branches = new Map<number, RunBranchState>();
  /** Runs whose attempt commit was pushed (publishAttempt). */
  private readonly attemptsPushed = new Set<number>();

  constructor(gitRoot: string) {
    this.root = path.resolve(gitRoot);
  }

  /** False for a full name (set through setOrganizationRepos) that cannot safely name a folder: no git for it. */
  handles(repoFullName: string): boolean {
    const [owner, name, ...rest] = repoFullName.split('/');
    return owner !== undefined && name !== undefined && rest.length === 0 && SAFE_SEGMENT.test(owner) && SAFE_SEGMENT.test(name);
  }

  barePath(repoFullName: string): string {
    if (!this.handles(repoFullName)) throw new Error(`repository ${JSON.stringify(repoFullName)} has no safe owner/name for a bare repository`);
    const [owner = '', name = ''] = repoFullName.split('/');
    return path.join(this.root, owner, `${name}.git`);
  }

  /** Makes the bare repository with its base `main` on first use (replacing one a previous simulator left). */
  ensureRepo(repoFullName: string): string {
    const bare = this.barePath(repoFullName);
    if (this.baseShas.has(repoFullName)) return bare;
    if (existsSync(bare)) this.removeOwned(bare);
    mkdirSync(path.dirname(bare), { recursive: true });
    git(path.dirname(bare), ['init', '--quiet', '--bare', '--initial-branch', GIT_BASE_BRANCH, bare]);
    git(bare, ['config', OWNED_KEY, 'true']);
    const files = Object.fromEntries(Object.entries(GIT_BASE_FILES).map(([file, content]) => [file, content.replaceAll('{repo}', repoFullName)]));
    const sha = commitOnto(bare, undefined, files, `Initial ${repoFullName}`, GIT_BASE_DATE_MS);
    git(bare, ['update-ref', `refs/heads/${GIT_BASE_BRANCH}`, sha, '']);
    this.baseShas.set(repoFullName, sha);
    return bare;
  }

  /**
   * Pushes the run's branch once (its PR just appeared); later calls do nothing, also after a delete. With
   * `startBranch` (the base branch the prompt names, see src/changes/baseBranchPrompt.ts) present in the bare
   * repository, the branch is built on top of it, as the agent is asked to; otherwise on main. `fromFork`:
   * the branch lives in a fork, so the base repository holds only the PR's own ref (as after a delete).
   */
  publishRun(runId: number, repoFullName: string, atMs: number, startBranch?: string, fromFork = false): void {
    if (this.branches.get(runId)?.pushed) return;
    const bare = this.ensureRepo(repoFullName);
    const base = (startBranch === undefined ? undefined : startSha(bare, startBranch)) ?? this.baseShas.get(repoFullName) ?? '';
    const changes = runBranchChanges(runId);
    const first = commitOnto(bare, base, { [changes.added.path]: changes.added.content, [changes.modified.path]: changes.modified.after }, `Run ${runId}: add ${changes.added.path}, update ${changes.modified.path}`, atMs);
    const second = commitOnto(bare, first, { [changes.deleted.path]: null, [changes.renamed.from]: null, [changes.renamed.to]: changes.renamed.content }, `Run ${runId}: remove ${changes.deleted.path}, rename ${changes.renamed.from}`, atMs);
    if (!fromFork) git(bare, ['update-ref', `refs/heads/${runBranchName(runId)}`, second, '']);
    git(bare, ['update-ref', pullRequestHeadRef(runId), second]);
    this.branches.set(runId, { repoFullName, pushed: true, deleted: fromFork, commits: 2 });
  }

  /**
   * The agent force-pushes: the branch is rewritten as one commit on its base with the run's changes and
   * `notes/rewritten.md` naming the rewrite (the old tip is no ancestor of the new one). False when there is no branch.
   */
  forcePush(runId: number, atMs: number): boolean {
    const branch = this.branches.get(runId);
    if (!branch?.pushed || branch.deleted) return false;
    const bare = this.barePath(branch.repoFullName);
    const ref = `refs/heads/${runBranchName(runId)}`;
    const tip = git(bare, ['rev-parse', '--verify', ref]).trim();
    const base = git(bare, ['rev-parse', '--verify', `${tip}~${branch.commits}`]).trim();
    const changes = runBranchChanges(runId);
    const files = {
      [changes.added.path]: changes.added.content, [changes.modified.path]: changes.modified.after, [changes.deleted.path]: null,
      [changes.renamed.from]: null, [changes.renamed.to]: changes.renamed.content, 'notes/rewritten.md': `Run ${runId}, rewrite ${(branch.rewrites ?? 0) + 1}.\n`,
    };
    const sha = commitOnto(bare, base, files, `Run ${runId}: all changes, rewritten`, atMs);
    git(bare, ['update-ref', ref, sha, tip]);
    git(bare, ['update-ref', pullRequestHeadRef(runId), sha]);
    branch.commits = 1;
    branch.rewrites = (branch.rewrites ?? 0) + 1;
    return true;
  }

  /** Deletes the run's branch from its bare repository ("deleted after merge"; its refs/pull/<n>/head stays, as on GitHub). False when it was never pushed. */
  deleteBranch(runId: number): boolean {
    const branch = this.branches.get(runId);
    if (!branch?.pushed || branch.deleted) return false;
    git(this.barePath(branch.repoFullName), ['update-ref', '-d', `refs/heads/${runBranchName(runId)}`]);
    branch.deleted = true;
    return true;
  }

  /** One more commit on the run's branch (default: adds notes/follow-up-<n>.md). False when there is no branch. */
  pushCommit(runId: number, input: SimCommitInput, atMs: number): boolean {
    const branch = this.branches.get(runId);
    if (!branch?.pushed || branch.deleted) return false;
    const bare = this.barePath(branch.repoFullName);
    const ref = `refs/heads/${runBranchName(runId)}`;
    const tip = git(bare, ['rev-parse', '--verify', ref]).trim();
    const followUp = branch.commits - 1;
    const files = input.files ?? { [`notes/follow-up-${followUp}.md`]: `Follow-up ${followUp} of Codegen run ${runId}.\n` };
    for (const file of Object.keys(files)) {
      if (!SAFE_FILE_PATH.test(file) || file.split('/').some((segment) => segment === '.' || segment === '..')) throw new Error(`unsafe file path ${JSON.stringify(file)}`);
    }
    const sha = commitOnto(bare, tip, files, input.message ?? `Run ${runId}: follow-up ${followUp}`, atMs);
    git(bare, ['update-ref', ref, sha, tip]);
    git(bare, ['update-ref', pullRequestHeadRef(runId), sha]);
    branch.commits += 1;
    return true;
  }

  info(runId: number, repoFullName: string): SimGitInfo {
    const branch = this.branches.get(runId);
    const fullName = branch?.repoFullName ?? repoFullName;
    const bare = this.ensureRepo(fullName);
    const live = branch?.pushed === true && !branch.deleted;
    return {
      runId,
      repoFullName: fullName,
      barePath: bare,
      remoteUrl: `https://github.com/${fullName}.git`,
      branch: runBranchName(runId),
      baseBranch: GIT_BASE_BRANCH,
      baseSha: this.baseShas.get(fullName) ?? '',
      tipSha: live ? git(bare, ['rev-parse', '--verify', `refs/heads/${runBranchName(runId)}`]).trim() : null,
      pushed: branch?.pushed ?? false,
      deleted: branch?.deleted ?? false,
      commits: live ? branch.commits : 0,
    };
  }

  /**
   * Several agents on one request: an attempt's branch gets one more commit, once, whose content depends on the
   * attempt number (`src/approach.ts` differs between attempts; `notes/attempt-<n>.md` exists only in attempt n),
   * so the attempts of one group produce different changes.
   */
  publishAttempt(runId: number, attempt: number, atMs: number): boolean {
    if (this.attemptsPushed.has(runId) || !Number.isInteger(attempt) || attempt < 1 || attempt > 9) return false;
    const pushed = this.pushCommit(runId, { files: attemptFiles(attempt), message: `Run ${runId}: attempt ${attempt}` }, atMs);
    if (pushed) this.attemptsPushed.add(runId);
    return pushed;
  }

  /** Removes every bare repository this instance made; they are made again on next use. */
  reset(): void {
    for (const fullName of this.baseShas.keys()) this.removeOwned(this.barePath(fullName));
    this.baseShas.clear();
    this.branches.clear();
    this.attemptsPushed.clear();
  }

  private removeOwned(bare: string): void {
    let owned = '';
    try {
      owned = git(bare, ['config', '--get', OWNED_KEY]).trim();
    } catch {
      // not a repository, or no key: not ours
    }
    if (owned !== 'true') throw new Error(`${bare} exists and was not made by the Codegen simulator; refusing to replace it`);
    rmSync(bare, { recursive: true, force: true });
  }
}

/** The commit of `refs/heads/<branch>` in the bare repository, or undefined when there is none. */
function startSha(bare: string, branch: string): string | undefined {
  if (!isBaseBranchName(branch)) return undefined;
  try {
    return git(bare, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A commit whose tree is `parent`'s with `files` written (null: removed), made with a throwaway index. */
function commitOnto(bare: string, parent: string | undefined, files: Record<string, string | null>, message: string, atMs: number): string {
  const indexFile = path.join(bare, `codegen-sim-${process.pid}.index`);
  const env = { GIT_INDEX_FILE: indexFile };
  try {
    git(bare, parent === undefined ? ['read-tree', '--empty'] : ['read-tree', parent], { env });
    const entries = Object.entries(files).map(([file, content]) => {
      if (content === null) return `0 ${'0'.repeat(40)}\t${file}\0`;
      const blob = git(bare, ['hash-object', '-w', '--stdin'], { input: content }).trim();
      return `100644 ${blob}\t${file}\0`;
    });
    git(bare, ['update-index', '-z', '--index-info'], { env, input: entries.join('') });
    const tree = git(bare, ['write-tree'], { env }).trim();
    const date = `@${Math.floor(atMs / 1000)} +0000`;
    const dated = { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
    return git(bare, ['commit-tree', tree, ...(parent === undefined ? [] : ['-p', parent]), '-m', message], { env: dated }).trim();
  } finally {
    rmSync(indexFile, { force: true });
  }
}

/** Runs git synchronously, isolated from the user's and the system's configuration; throws with stderr on failure. */
function git(cwd: string, args: string[], options: { input?: string; env?: Record<string, string> } = {}): string {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      input: options.input ?? '',
      timeout: 30_000,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: os.devNull,
        GIT_TERMINAL_PROMPT: '0',
        LC_ALL: 'C',
        GIT_AUTHOR_NAME: GIT_AUTHOR.name,
        GIT_AUTHOR_EMAIL: GIT_AUTHOR.email,
        GIT_COMMITTER_NAME: GIT_AUTHOR.name,
        GIT_COMMITTER_EMAIL: GIT_AUTHOR.email,
        ...options.env,
      },
    });
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    throw new Error(`Codegen simulator: git ${args.join(' ')} failed in ${cwd}: ${typeof stderr === 'string' ? stderr.trim() : String(error)}`);
  }
}
