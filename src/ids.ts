// Every id the extension shares with its manifest (package.json) or with VS Code's storage, in one typed
// place: command ids, view ids, context keys for `when` clauses, setting keys and storage keys. A unit test
// checks that this module and package.json agree, so a renamed command cannot break a menu silently.
// No vscode import: the core may use these too.

export const Commands = {
  setToken: 'codegen.setToken',
  signOut: 'codegen.signOut',
  selectOrganization: 'codegen.selectOrganization',
  showRunDetails: 'codegen.showRunDetails',
  refreshRuns: 'codegen.refreshRuns',
  filterRuns: 'codegen.filterRuns',
  loadMoreRuns: 'codegen.loadMoreRuns',
  openRun: 'codegen.openRun',
  openRunInBrowser: 'codegen.openRunInBrowser',
  openPullRequest: 'codegen.openPullRequest',
  copyRunLink: 'codegen.copyRunLink',
  followUp: 'codegen.followUp',
  banChecks: 'codegen.banChecks',
  unbanChecks: 'codegen.unbanChecks',
  removeFromPr: 'codegen.removeFromPr',
  runOnSelection: 'codegen.runOnSelection',
  runOnFile: 'codegen.runOnFile',
  newRun: 'codegen.newRun',
  openWalkthrough: 'codegen.openWalkthrough',
  reviewChanges: 'codegen.reviewChanges',
  checkoutChanges: 'codegen.checkoutChanges',
  applyChanges: 'codegen.applyChanges',
  switchBack: 'codegen.switchBack',
  openWithGitHubPullRequests: 'codegen.openWithGitHubPullRequests',
  markReadyForReview: 'codegen.markReadyForReview',
  convertToDraft: 'codegen.convertToDraft',
  closePullRequest: 'codegen.closePullRequest',
  deleteBaseBranch: 'codegen.deleteBaseBranch',
  fixWithCodegen: 'codegen.fixWithCodegen',
  delegateTodo: 'codegen.delegateTodo',
  runWithAttempts: 'codegen.runWithAttempts',
  compareAttempts: 'codegen.compareAttempts',
  chooseAttempt: 'codegen.chooseAttempt',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

/** Commands VS Code itself provides that the extension runs. */
export const BuiltInCommands = {
  setContext: 'setContext',
  openWalkthrough: 'workbench.action.openWalkthrough',
  openFolder: 'vscode.openFolder',
  showExtension: 'workbench.extensions.search',
  manageWorkspaceTrust: 'workbench.trust.manage',
} as const;

/** The GitHub Pull Requests extension and its documented URI handler path. */
export const GitHubPullRequests = {
  extensionId: 'GitHub.vscode-pull-request-github',
  openPullRequestPath: '/open-pull-request-webview',
} as const;

/** The @codegen chat participant and the agent-mode tools (package.json: chatParticipants, languageModelTools). */
export const Chat = {
  participant: 'codegen.chat',
  createRunTool: 'codegen_create_run',
  getRunTool: 'codegen_get_run',
  listRunsTool: 'codegen_list_runs',
} as const;

export const Views = {
  container: 'codegen',
  runs: 'codegen.runs',
  runDetails: 'codegen.runDetails',
  walkthrough: 'codegen.gettingStarted',
  /** URI scheme of file contents at a commit, for the review's diff editor (read-only). */
  changesScheme: 'codegen-changes',
  /** URI scheme of a run's row in the Runs tree (`codegen-run:/<id>`), for its file decoration. */
  runScheme: 'codegen-run',
} as const;

/** Theme colors the extension contributes. */
export const Colors = {
  changesToReview: 'codegen.changesToReviewForeground',
} as const;

export const ContextKeys = {
  /** Set once the session has read its token (activation): until then no welcome says "sign in". */
  sessionKnown: 'codegen.sessionKnown',
  signedIn: 'codegen.signedIn',
  organizationSelected: 'codegen.organizationSelected',
  configurationError: 'codegen.configurationError',
} as const;
export type ContextKey = (typeof ContextKeys)[keyof typeof ContextKeys];

/** Setting keys without the `codegen.` section prefix, as `getConfiguration('codegen').get(key)` takes them. */
export const Settings = {
  apiBaseUrl: 'apiBaseUrl',
  organizationId: 'organizationId',
  repositoryId: 'repositoryId',
  model: 'model',
  agentType: 'agentType',
  pollingIntervalSeconds: 'polling.intervalSeconds',
  notifications: 'notifications',
  contextMaxChars: 'context.maxChars',
  promptReviewBeforeSend: 'prompt.reviewBeforeSend',
  promptTemplates: 'prompt.templates',
  imagesMaxBytes: 'images.maxBytes',
  accountsEnabled: 'accounts.enabled',
  quickFixEnabled: 'quickFix.enabled',
  todoCodeActions: 'todo.codeActions',
  todoCodeLens: 'codeLens.todo',
  todoWords: 'todo.words',
  chatEnabled: 'chat.enabled',
  toolsEnabled: 'tools.enabled',
  attemptsDefault: 'attempts.default',
} as const;
export type SettingKey = (typeof Settings)[keyof typeof Settings];
export const SETTINGS_SECTION = 'codegen';

/** The full key of a setting, as in settings.json and `affectsConfiguration`. */
export function settingId(key: SettingKey): string {
  return `${SETTINGS_SECTION}.${key}`;
}

/** Keys in the extension's globalState (and SecretStorage). */
export const StateKeys = {
  runsCache: 'codegen.runs.cache',
  runsFilter: 'codegen.runs.filter',
  promptHistory: 'codegen.prompt.history',
  /** In workspaceState: per repository, where each checkout came from and its stash, and the tips this extension set branches to. */
  checkouts: 'codegen.changes.checkouts',
  /** Base branches ("Include my uncommitted changes") already asked about when their PR finished: not asked again. */
  baseBranchesAsked: 'codegen.baseBranches.asked',
} as const;

export const SecretKeys = {
  /** The token with its user id and account label, as one JSON record written in one call. */
  account: 'codegen.account',
  /** Where earlier releases kept the token, its owner and the owner's label: read once, then moved. */
  legacyToken: 'codegen.apiToken',
  legacyTokenOwner: 'codegen.apiTokenOwner',
  legacyTokenOwnerLabel: 'codegen.apiTokenOwnerLabel',
} as const;
