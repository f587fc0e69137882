// Branch names from the service are untrusted text: before one reaches a git command line it must be a name
// `git check-ref-format --branch` accepts, and nothing git could read as an option, a revision expression
// (`@{-1}`, `HEAD`) or a full ref name.

import { ChangesError } from './errors';
import type { GitRunner } from './gitRunner';

/** Longest branch name accepted, in UTF-16 code units (git allows more; no real PR branch is this long). */
export const MAX_BRANCH_NAME_LENGTH = 200;

/** Why `name` is refused as a branch name, or undefined when it is fine. */
export function branchNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name.length > MAX_BRANCH_NAME_LENGTH) return `it is longer than ${MAX_BRANCH_NAME_LENGTH} characters`;
  if (name.startsWith('-')) return 'it starts with "-" and could be taken for an option';
  if (name.startsWith('+')) return 'it starts with "+", which a fetch would read as "force"';
  if (name === 'HEAD' || name === '@') return `"${name}" names the current commit, not a branch`;
  if (name.startsWith('refs/')) return 'it is a full ref name, not a branch name';
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\u0000-\u0020\u007f]/.test(name)) return 'it contains a space or a control character';
  if (/[~^:?*[\\]/.test(name)) return 'it contains one of ~ ^ : ? * [ \\';
  if (name.includes('..')) return 'it contains ".."';
  if (name.includes('@{')) return 'it contains "@{"';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return 'it has an empty path component';
  if (name.endsWith('.')) return 'it ends with "."';
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return 'a component starts with "."';
    if (component.endsWith('.lock')) return 'a component ends with ".lock"';
  }
  return undefined;
}

export function assertValidBranchName(name: string): void {
  const problem = branchNameProblem(name);
  if (problem !== undefined) {
    throw new ChangesError('invalidBranchName', `The pull request's branch name ${JSON.stringify(name.slice(0, 100))} was refused: ${problem}.`);
  }
}

/** assertValidBranchName, then the installed git's own verdict (`git check-ref-format --branch`). */
export async function assertGitAcceptsBranchName(runner: GitRunner, cwd: string, name: string): Promise<void> {
  assertValidBranchName(name);
  const result = await runner.run(cwd, ['check-ref-format', '--branch', name]);
  if (result.code !== 0 || result.stdout.trim() !== name) {
    throw new ChangesError('invalidBranchName', `Git does not accept the branch name ${JSON.stringify(name.slice(0, 100))}.`);
  }
}
