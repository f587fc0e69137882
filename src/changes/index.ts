// Bringing a run's work back, without VS Code: fetch the PR branch, list and read its changes, check it out
// (stash, worktree) or apply it to the working tree. Every function takes a GitRunner; CliGitRunner runs git.

export { applyChanges, type ApplyRefusal, type ApplyRequest, type ApplyResult } from './applyPatch';
export { assertGitAcceptsBranchName, assertValidBranchName, branchNameProblem, MAX_BRANCH_NAME_LENGTH } from './branchName';
export { changedFiles, compareWithHead, mergeBase, parseNameStatus, readBlob, type BranchComparison, type ChangedFile, type ChangeStatus } from './changedFiles';
export {
  stashAndSwitch, stashEntry, stashMessage, switchBack,
  type PreviousHead, type SavedStash, type SwitchBackResult, type SwitchRequest, type SwitchResult,
} from './checkout';
export { ChangesError, isChangesError, sanitizeGitMessage, type ChangesErrorKind } from './errors';
export { classifyFetchFailure, deleteRunRef, fetchPullRequestBranch, runRef, RUN_REF_PREFIX, type FetchBranchRequest, type FetchedBranch } from './fetchBranch';
export { CliGitRunner, DEFAULT_GIT_TIMEOUT_MS, GIT_GLOBAL_ARGS, gitEnvironment, type CliGitRunnerOptions, type GitResult, type GitRunner, type GitRunOptions } from './gitRunner';
export { planLocalBranch, type LocalBranchPlan } from './localBranch';
export { listRemotes, parsePullRequestUrl, pickRemote, remoteHost, type GitRemote, type PullRequestLocation } from './prRemote';
export { resolveCommit, resolveRepository } from './repository';
export { parseStatus, workingTreeState, type WorkingTreeState } from './workingTree';
export { addWorktree, type WorktreeRequest, type WorktreeResult } from './worktree';
export { fetchRunBranch, locateRepository, type EditorGitFetcher, type RunBranchTarget } from './runBranch';
