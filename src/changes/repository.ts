// The repository a folder belongs to, and small questions about commits every other module asks.

import { ChangesError } from './errors';
import { gitFailure, type GitRunner } from './gitRunner';

/**
 * The top folder of the working tree holding `folder`. Every operation runs there: `git apply` run from a
 * subfolder would silently skip the files outside it. Throws `notAGitRepository` for other folders and for
 * bare repositories (no working tree to bring anything into).
 */
export async function resolveRepository(runner: GitRunner, folder: string): Promise<string> {
  const result = await runner.run(folder, ['rev-parse', '--show-toplevel']);
  const root = result.stdout.replace(/\n$/, '');
  if (result.code !== 0 || root === '') {
    const said = result.stderr;
    // Only these say "not a repository" (LC_ALL=C): another fatal error (dubious ownership, a damaged
    // repository, a permission) is reported as git said it, not taken for a folder without git.
    if (/not a git repository|must be run in a work tree|cannot change to|no such file/i.test(said)) {
      throw new ChangesError('notAGitRepository', `${folder} is not in a git working tree.`);
    }
    throw gitFailure(['rev-parse', '--show-toplevel'], result);
  }
  return root;
}

/** A revision we pass on ourselves: a sha or a ref name, never something git could read as an option or a range. */
export function assertSafeRevision(revision: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_./@{}^~-]*$/.test(revision) || revision.includes('..')) {
    throw new ChangesError('gitFailed', `Refusing the revision ${JSON.stringify(revision.slice(0, 80))}.`);
  }
}

/** The commit a revision names, or undefined when it names none. */
export async function resolveCommit(runner: GitRunner, root: string, revision: string): Promise<string | undefined> {
  assertSafeRevision(revision);
  const result = await runner.run(root, ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]);
  const sha = result.stdout.trim();
  return result.code === 0 && /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
}

/** True when `ancestor` is `descendant` or one of its ancestors. */
export async function isAncestor(runner: GitRunner, root: string, ancestor: string, descendant: string): Promise<boolean> {
  assertSafeRevision(ancestor);
  assertSafeRevision(descendant);
  const result = await runner.run(root, ['merge-base', '--is-ancestor', ancestor, descendant]);
  if (result.code === 0) return true;
  if (result.code === 1) return false;
  throw gitFailure(['merge-base', '--is-ancestor'], result);
}

/** The sha of a ref, or undefined when the ref does not exist. */
export async function refSha(runner: GitRunner, root: string, ref: string): Promise<string | undefined> {
  assertSafeRevision(ref);
  const result = await runner.run(root, ['rev-parse', '--verify', '--quiet', ref]);
  return result.code === 0 ? result.stdout.trim() || undefined : undefined;
}
