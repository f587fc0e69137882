// The one git layer, without VS Code. Running git: CliGitRunner (behind a trust gate) and mustSucceed. Finding
// a repository of the workspace (of a file, of the workspace, of a pull request): repositories.ts. Choosing a
// remote, for sending and bringing back alike: chooseRemote. Fetching a run's PR branch: fetchRunBranch. Reading
// the working tree: workingTreeState. Then list, read, check out (stash, worktree) or apply the branch's changes.
// Every function takes a GitRunner.

export { applyChanges, type ApplyRefusal, type ApplyRequest, type ApplyResult } from './applyPatch';
export { assertTrustedWorkspace, bringBackFailureNotice, readChangeContent, type BringBackFailureNotice, type ChangeContentQuery } from './bringBackGate';
export { assertGitAcceptsBranchName, assertValidBranchName, branchNameProblem, MAX_BRANCH_NAME_LENGTH } from './branchName';
export { changedFiles, compareWithHead, diffFigures, mergeBase, parseNameStatus, readBlob, type BranchComparison, type ChangedFile, type ChangeStatus } from './changedFiles';
export {
  stashAndSwitch, stashEntry, stashMessage, switchBack,
  type PreviousHead, type SavedStash, type SwitchBackResult, type SwitchRequest, type SwitchResult,
} from './checkout';
export { codegenStashes, KeptStashError } from './stashes';
export { checkOutAndRecord, switchBackAndRecord, WhereYouWere, type Departure, type StateMemento, type SwitchBackOutcome } from './whereYouWere';
export { ChangesError, filesGitNamed, isChangesError, nameFiles, sanitizeGitMessage, UNTRUSTED_WORKSPACE_MESSAGE, untrustedWorkspaceError, type ChangesErrorKind } from './errors';
export { classifyFetchFailure, CODEGEN_REF_PREFIX, fetchRunBranch, pruneCodegenRefs, pruneWorkspaceRefs, PULL_REQUEST_REF_PREFIX, pullRequestRef, pullRequestSource, type FetchedBranch, type FetchRunBranchRequest, type RunBranchTarget } from './fetchBranch';
export { forkBranchName, pullRequestLocalBranch, type PullRequestLocalBranch } from './pullRequestBranch';
export { CliGitRunner, DEFAULT_GIT_TIMEOUT_MS, GIT_GLOBAL_ARGS, gitEnvironment, mustSucceed, type CliGitRunnerOptions, type GitResult, type GitRunner, type GitRunOptions } from './gitRunner';
export { backupBranchName, planLocalBranch, type LocalBranchPlan } from './localBranch';
export {
  chooseRemote, chooseRemoteForPullRequest, parsePullRequestUrl, rankRemotes, readRemotes, remoteHost,
  type ChosenRemote, type GitRemote, type PullRequestLocation, type RemotePreference, type RepositoryRemotes,
} from './remotes';
export { findRepositories, isRepositoryOfWorkspace, readRepositoryInfo, repositoryCandidates, repositoryOfFile, repositoryOfPullRequest, repositoryOfWorkspace, type RepositoryInfo } from './repositories';
export { resolveCommit, resolveRepository } from './repository';
export { differingPaths, parseStatus, workingTreeState, type WorkingTreeState } from './workingTree';
export { addWorktree, type WorktreeRequest, type WorktreeResult } from './worktree';
