// The one sentence that tells the agent to start from the user's uncommitted changes, and its parser. The
// extension writes it into the prompt; the simulator reads it back to build its pull request branch on top of
// the named branch. Pure: no git, no vscode.

/** Every base branch lives under this prefix; nothing else is ever deleted as a base branch. */
export const BASE_BRANCH_PREFIX = 'codegen/base/';

/** `codegen/base/<id>`: the id is lowercase hex, 8 to 40 characters. */
export const BASE_BRANCH_NAME = /^codegen\/base\/[0-9a-f]{8,40}$/;

const SENTENCE = /Start from the branch `(codegen\/base\/[0-9a-f]{8,40})` \(commit ([0-9a-f]{40}|[0-9a-f]{64})\)/;

export interface BaseBranchRef {
  branch: string;
  commit: string;
}

/** The sentence put into the prompt. */
export function baseBranchSentence(base: BaseBranchRef): string {
  if (!isBaseBranchName(base.branch)) throw new Error(`${JSON.stringify(base.branch)} is not a base branch name`);
  return (
    `Start from the branch \`${base.branch}\` (commit ${base.commit}): it holds my uncommitted changes on top of the commit I am on. ` +
    'Create your branch from it and build your pull request on top of it.'
  );
}

/** The base branch a prompt names, or undefined. */
export function parseBaseBranchSentence(prompt: string): BaseBranchRef | undefined {
  const match = SENTENCE.exec(prompt);
  return match ? { branch: match[1] ?? '', commit: match[2] ?? '' } : undefined;
}

export function isBaseBranchName(name: unknown): name is string {
  return typeof name === 'string' && BASE_BRANCH_NAME.test(name);
}
