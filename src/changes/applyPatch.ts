// Applying a branch's changes to the working tree without switching branch: the diff base..tip as a binary
// patch, through `git apply --3way`. Like a merge: what applies is staged, what conflicts is left with conflict
// markers and unmerged index entries; git either applies everything or nothing. Files with unstaged edits
// are refused beforehand (as git merge refuses), and the tree's status is compared before and after a refusal,
// so a partly applied patch is never reported as success or as "nothing happened".

import { changedFiles, type ChangedFile } from './changedFiles';
import { sanitizeGitMessage } from './errors';
import { mustSucceed, type GitRunner } from './gitRunner';
import { assertSafeRevision } from './repository';
import { differingPaths, workingTreeState } from './workingTree';

export type ApplyRefusal =
  /** Files the patch touches have unstaged edits: stash or stage them first. */
  | 'localChanges'
  /** Untracked files stand where the patch adds files. */
  | 'untrackedInTheWay'
  /** The index has unresolved conflicts already. */
  | 'unmergedFiles'
  /** git refused the patch (e.g. it deletes a file changed here); nothing was changed. */
  | 'doesNotApply';

export type ApplyResult =
  /** Everything applied cleanly (and is staged). `files` is empty when the branch changes nothing. */
  | { kind: 'applied'; files: ChangedFile[] }
  /** Everything applied; `conflicted` files hold conflict markers and unmerged entries, the rest is staged. */
  | { kind: 'conflicts'; files: ChangedFile[]; conflicted: string[] }
  /** Nothing was changed. `files`: the paths concerned, when known. */
  | { kind: 'refused'; reason: ApplyRefusal; files: string[]; detail: string }
  /** git failed after changing some paths: they are listed, nothing is claimed to have worked. */
  | { kind: 'partlyApplied'; changedPaths: string[]; detail: string };

export interface ApplyRequest {
  /** Usually merge-base(HEAD, tip) (compareWithHead). */
  base: string;
  tip: string;
}

export async function applyChanges(runner: GitRunner, root: string, request: ApplyRequest): Promise<ApplyResult> {
  assertSafeRevision(request.base);
  assertSafeRevision(request.tip);
  const files = await changedFiles(runner, root, request.base, request.tip);
  if (files.length === 0) return { kind: 'applied', files };
  const state = await workingTreeState(runner, root);
  if (state.conflicted.length > 0) {
    return { kind: 'refused', reason: 'unmergedFiles', files: state.conflicted, detail: 'Resolve the existing conflicts first.' };
  }
  const touched = new Set(files.flatMap((file) => (file.oldPath === undefined ? [file.path] : [file.oldPath, file.path])));
  const edited = state.unstaged.filter((file) => touched.has(file));
  if (edited.length > 0) {
    return { kind: 'refused', reason: 'localChanges', files: edited, detail: 'These files have changes that are not staged; commit, stage or stash them first.' };
  }
  const arriving = new Set(files.filter((file) => file.status !== 'deleted' && file.status !== 'modified').map((file) => file.path));
  const inTheWay = state.untracked.filter((file) => arriving.has(file));
  if (inTheWay.length > 0) {
    return { kind: 'refused', reason: 'untrackedInTheWay', files: inTheWay, detail: 'Untracked files stand where the branch adds files; move them away first.' };
  }

  const diffArgs = ['diff-tree', '-r', '-p', '--binary', '--full-index', '--no-color', '-M', request.base, request.tip];
  const patch = await mustSucceed(runner, root, diffArgs, { binary: true });
  const applied = await runner.run(root, ['apply', '--3way', '--whitespace=nowarn', '-'], { input: patch.stdoutBytes ?? new Uint8Array() });
  if (applied.code === 0) return { kind: 'applied', files };

  const after = await workingTreeState(runner, root);
  if (after.conflicted.length > 0) return { kind: 'conflicts', files, conflicted: after.conflicted };
  const detail = sanitizeGitMessage(applied.stderr);
  const changedPaths = differingPaths(state, after);
  if (changedPaths.length > 0) return { kind: 'partlyApplied', changedPaths, detail };
  return { kind: 'refused', reason: 'doesNotApply', files: refusedPaths(applied.stderr, touched), detail };
}

/** Paths named in `error: <path>: ...` lines of git apply, restricted to the patch's own paths. */
function refusedPaths(stderr: string, touched: ReadonlySet<string>): string[] {
  const named = new Set<string>();
  for (const match of stderr.matchAll(/^error: (?:patch failed: )?(.+?)(?::\d+)?: /gm)) {
    const file = match[1];
    if (file !== undefined && touched.has(file)) named.add(file);
  }
  for (const match of stderr.matchAll(/^error: (?:patch failed: )?(.+?):\d+$/gm)) {
    const file = match[1];
    if (file !== undefined && touched.has(file)) named.add(file);
  }
  return [...named].sort();
}
