// What a branch changes: the merge base of HEAD and the branch tip, the files changed from there to the tip
// (renames detected), and the bytes of any file at any commit. Read-only: objects only, never the working tree.

import { parseNumstat, type DiffFigures } from '../runs/attempts';
import { ChangesError } from './errors';
import { gitFailure, mustSucceed, type GitRunner } from './gitRunner';
import { assertSafeRevision, resolveCommit } from './repository';

export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'typeChanged' | 'unmerged' | 'unknown';

export interface ChangedFile {
  status: ChangeStatus;
  /** Path at the tip (for a deletion: the path that was deleted). Repository-relative, `/`-separated. */
  path: string;
  /** Path at the base, for renames and copies. */
  oldPath?: string;
  /** Similarity in percent, for renames and copies. */
  similarity?: number;
}

export interface BranchComparison {
  /** HEAD's commit. */
  head: string;
  /** merge-base(HEAD, tip): what the branch started from, as far as this working tree knows. */
  base: string;
  tip: string;
  files: ChangedFile[];
}

const STATUS_LETTERS: Readonly<Record<string, ChangeStatus>> = {
  A: 'added', M: 'modified', D: 'deleted', R: 'renamed', C: 'copied', T: 'typeChanged', U: 'unmerged',
};

/** Parses `git diff --name-status -z` output: `X\0path\0`, or `R<score>\0old\0new\0` for renames and copies. */
export function parseNameStatus(output: string): ChangedFile[] {
  const fields = output.split('\0');
  if (fields[fields.length - 1] === '') fields.pop();
  const files: ChangedFile[] = [];
  for (let index = 0; index < fields.length; ) {
    const code = fields[index++] ?? '';
    const status = STATUS_LETTERS[code.charAt(0)] ?? 'unknown';
    if (status === 'renamed' || status === 'copied') {
      const oldPath = fields[index++];
      const path = fields[index++];
      if (oldPath === undefined || path === undefined) throw new ChangesError('gitFailed', 'git diff --name-status output ended inside a rename.');
      const similarity = Number(code.slice(1));
      files.push({ status, path, oldPath, ...(code.length > 1 && Number.isFinite(similarity) ? { similarity } : {}) });
    } else {
      const path = fields[index++];
      if (path === undefined) throw new ChangesError('gitFailed', 'git diff --name-status output ended without a path.');
      files.push({ status, path });
    }
  }
  return files;
}

/** merge-base(a, b), or undefined when they share no history. */
export async function mergeBase(runner: GitRunner, root: string, a: string, b: string): Promise<string | undefined> {
  assertSafeRevision(a);
  assertSafeRevision(b);
  const result = await runner.run(root, ['merge-base', a, b]);
  if (result.code === 1) return undefined;
  if (result.code !== 0) throw gitFailure(['merge-base'], result);
  return result.stdout.trim() || undefined;
}

/** Files changed from `base` to `tip` (plumbing: the user's diff settings, external tools and textconv never apply). */
export async function changedFiles(runner: GitRunner, root: string, base: string, tip: string): Promise<ChangedFile[]> {
  assertSafeRevision(base);
  assertSafeRevision(tip);
  const args = ['diff-tree', '-r', '-z', '--no-commit-id', '--name-status', '-M', base, tip];
  return parseNameStatus((await mustSucceed(runner, root, args)).stdout);
}

/** HEAD, merge-base(HEAD, tip), tip and the files changed from the base to the tip. Throws `noCommonHistory`. */
export async function compareWithHead(runner: GitRunner, root: string, tipRevision: string): Promise<BranchComparison> {
  const tip = await resolveCommit(runner, root, tipRevision);
  if (!tip) throw new ChangesError('gitFailed', `${tipRevision} names no commit in this repository.`);
  const head = await resolveCommit(runner, root, 'HEAD');
  if (!head) throw new ChangesError('noCommonHistory', 'This repository has no commit yet, so it shares no history with the branch.');
  const base = await mergeBase(runner, root, head, tip);
  if (!base) throw new ChangesError('noCommonHistory', 'The current branch and the pull request branch share no history.');
  return { head, base, tip, files: await changedFiles(runner, root, base, tip) };
}

/**
 * The bytes of `path` at `revision`, or undefined when the path is absent there (or is a folder or a submodule).
 * Throws when the revision itself names no commit.
 */
export async function readBlob(runner: GitRunner, root: string, revision: string, path: string): Promise<Uint8Array | undefined> {
  assertSafeRevision(revision);
  if (path === '' || path.startsWith('/') || path.includes('\0')) throw new ChangesError('gitFailed', `${JSON.stringify(path)} is not a repository path.`);
  const listArgs = ['--literal-pathspecs', 'ls-tree', '-z', '--full-tree', `${revision}^{commit}`, '--', path];
  const listed = await mustSucceed(runner, root, listArgs);
  // `<mode> SP <type> SP <object> TAB <path>`; only an entry for exactly this path counts.
  const entry = listed.stdout.split('\0').find((line) => line.slice(line.indexOf('\t') + 1) === path);
  const [mode, type, object] = entry?.slice(0, entry.indexOf('\t')).split(' ') ?? [];
  if (type !== 'blob' || object === undefined || mode === undefined) return undefined;
  const blob = await mustSucceed(runner, root, ['cat-file', 'blob', object], { binary: true });
  return blob.stdoutBytes ?? new Uint8Array();
}

/** Files changed and lines added and removed from `base` to `tip` (plumbing numstat; binary files count as files). */
export async function diffFigures(runner: GitRunner, root: string, base: string, tip: string): Promise<DiffFigures> {
  assertSafeRevision(base);
  assertSafeRevision(tip);
  return parseNumstat((await mustSucceed(runner, root, ['diff-tree', '-r', '--no-commit-id', '--numstat', '-M', base, tip])).stdout);
}
