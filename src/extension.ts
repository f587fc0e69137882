// The only composition root: builds the services, registers commands and views, and hands every
// disposable to the extension context. No behaviour of its own.
import * as vscode from 'vscode';
import { CodegenClient } from './api/client';
import * as path from 'path';
import { RateGovernors } from './api/rateGovernors';
import { AUTH_PROVIDER_ID, CodegenAuthenticationProvider } from './auth/authProvider';
import { Session } from './auth/session';
import { TokenStore } from './auth/tokenStore';
import { registerRunCommands } from './commands/runCommands';
import { createAuthCommands } from './commands/authCommands';
import { editorBringBackDoor, registerBringBackCommands } from './commands/bringBackCommands';
import { throughBringBackDoor } from './commands/bringBackErrors';
import { AttemptsCommands } from './commands/attemptsCommands';
import { RunChangesCommands } from './commands/changesCommands';
import { ChangesContentProvider } from './commands/changesContent';
import { CodegenRefsJanitor } from './commands/codegenRefs';
import { CodegenChat } from './commands/chatHandler';
import { DelegateCommands } from './commands/delegateWork';
import { CodegenTools } from './commands/lmTools';
import { createPrCommands } from './commands/prCommands';
import { vscodePromptUi } from './commands/promptUi';
import { WorkSender } from './commands/sendWork';
import { GitAdapter, localFolders } from './git/gitApi';
import { BaseBranchCommands } from './commands/baseBranchCommands';
import { Settings } from './config/settings';
import { BuiltInCommands, Commands, Settings as SettingKeys, Views } from './ids';
import { resolvePullRequest } from './runs/runNodes';
import { RunActions } from './runs/runActions';
import type { TestHooks } from './testHooks';
import { ActivationProbe } from './testProbe';
import { ContextKeys } from './ui/contextKeys';
import { SwappableInteraction, VsCodeInteraction } from './ui/interaction';
import { toggled } from './ui/toggled';
import { EditorSurfaces, editorApis, editorApisWithout } from './ui/editorSurfaces';
import { systemClock } from './util/clock';
import { LogRecorder, teeLog } from './util/log';
import { RunDetailsPanels, runDetailsDeps } from './views/runDetails/runDetailsPanel';
import { RunNotifier } from './views/runs/notifications';
import { RunsController } from './views/runs/runsController';
import { RunsStatusBar } from './views/runs/statusBar';
import { registerChatAndTools } from './views/delegate/chatAndTools';
import { DelegateProviders } from './views/delegate/delegateProviders';
import { CodegenUriHandler, createExportedApi, type CodegenApiV1 } from './exportedApi';

export interface CodegenExtensionExports extends CodegenApiV1 {
  /** Present only in the project's in-host tests (CODEGEN_TEST_MODE=1). */
  testing?: TestHooks;
}

export function activate(extensionContext: vscode.ExtensionContext): CodegenExtensionExports {
  const activationStarted = performance.now();
  const testMode = process.env.CODEGEN_TEST_MODE === '1';
  // Tests only: what activation reads, and the extension's timers counted.
  const probe = testMode ? new ActivationProbe() : undefined;
  const context = probe ? probe.context(extensionContext) : extensionContext;
  const clock = probe?.clock ?? systemClock;
  const manifestVersion = (context.extension.packageJSON as { version?: unknown }).version;
  const version = typeof manifestVersion === 'string' ? manifestVersion : '0.0.0';
  const channel = vscode.window.createOutputChannel('Codegen', { log: true });
  context.subscriptions.push(channel);
  const recorder = testMode ? new LogRecorder() : undefined;
  const log = teeLog(channel, () => channel.show(true), recorder);
  const onListenerError = (error: unknown): void => log.error(`A Codegen event listener failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);

  // Chat, tools, the Accounts menu and the multi-diff editor: each only where this editor has it.
  const hiddenApis = testMode ? process.env.CODEGEN_TEST_WITHOUT : undefined;
  const surfaces = new EditorSurfaces(hiddenApis ? editorApisWithout(editorApis(), hiddenApis) : editorApis(), log);
  const settings = new Settings();
  const tokens = new TokenStore(context.secrets);
  const contextKeys = new ContextKeys();
  const interaction = new SwappableInteraction(new VsCodeInteraction(vscodePromptUi));
  // One governor per API base URL; the logs budget is shared with the other windows through a ledger.
  const storage = context.globalStorageUri;
  const governors = new RateGovernors({ ledgerRoot: storage.scheme === 'file' ? path.join(storage.fsPath, 'budget') : undefined, clock, onListenerError });
  const session = new Session(
    tokens,
    settings,
    (baseUrl, getToken) => new CodegenClient({ baseUrl, getToken, governor: governors.for(baseUrl), logger: log, userAgent: `codegen-vscode/${version}` }),
    interaction,
    log,
    contextKeys,
  );
  context.subscriptions.push(settings, tokens, session, governors);
  // Codegen in the Accounts menu, over the same token.
  const authProvider = new CodegenAuthenticationProvider(tokens, session, log);
  context.subscriptions.push(
    authProvider,
    toggled(SettingKeys.accountsEnabled, () =>
      surfaces.register('accounts', 'authentication', (authentication) => authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, 'Codegen', authProvider, { supportsMultipleAccounts: false })),
    ),
  );

  const runs = new RunsController(context, session, settings, clock, log);
  const refreshSoon = (): void => void runs.refreshNow();
  const actions = new RunActions({ api: session.api, store: runs.store, fallbackOrganization: () => settings.organizationId, refreshSoon });
  const notifier = new RunNotifier(runs.store, settings, interaction, () => vscode.window.state.focused || (runs.currentPoller?.isLeaseHolder ?? true));
  const statusBar = new RunsStatusBar(runs.store);
  context.subscriptions.push(runs, notifier, statusBar);

  const runDetails = new RunDetailsPanels(
    runDetailsDeps({
      actions,
      getRun: (runId) => runs.store.get(runId),
      onDidChangeRuns: (listener) => runs.store.onDidChange(() => listener()),
      markReviewed: (runId) => runs.store.markReviewed(runId),
      log,
      extensionUri: context.extensionUri,
    }),
  );
  context.subscriptions.push(
    runDetails,
    // Registered during activation so a panel left open is restored after a reload.
    runDetails.registerSerializer(),
    runDetails.registerShowCommand(),
  );
  context.subscriptions.push(...registerRunCommands({ session, store: runs.store, actions, refresher: runs, interaction, log }));

  // Sending work: the one send pipeline behind the commands, quick fixes, TODO comments, chat, tools and the API.
  const git = new GitAdapter(log);
  const sender = new WorkSender({
    session,
    settings,
    store: runs.store,
    refreshSoon,
    noteActivity: () => runs.noteActivity(),
    rateWaits: governors.onDidWait,
    git,
    globalState: context.globalState,
    interaction,
    log,
    clock,
    extensionVersion: version,
  });
  const auth = createAuthCommands({ session, settings, interaction, log });
  // Bringing the work back: review, check out, apply (git), and the pull request's state.
  const changes = new RunChangesCommands({
    interaction,
    log,
    scheme: Views.changesScheme,
    resolve: (argument) => resolvePullRequest(runs.store, argument),
    markReviewed: (runId) => runs.store.markReviewed(runId),
    git,
    openMultiDiff: (title, resources) => surfaces.openMultiDiff(title, resources),
    workspaceState: context.workspaceState,
    recordFigures: (runId, figures) => runs.figures.set(runId, figures),
  });
  const attempts = new AttemptsCommands({
    changes,
    runs: () => runs.store.runs,
    get: (runId) => runs.store.get(runId),
    setPullRequestState: (runId, prId, state) => actions.setPullRequestState(runId, prId, state),
    runner: git.runner,
    interaction,
    log,
    openMultiDiff: (title, resources) => surfaces.openMultiDiff(title, resources),
  });
  // One private ref per pull request a held run names; the others go.
  const refsJanitor = new CodegenRefsJanitor(git.runner, localFolders, () => runs.store.runs.flatMap((run) => run.pullRequests.map((pr) => pr.url ?? '')), (listener) => runs.store.onDidChange(() => listener()), clock, log);
  context.subscriptions.push(refsJanitor);
  const prs = createPrCommands({ interaction, log, store: runs.store, actions });
  // The one door of every command that runs git to bring work back (trust first, every failure explained).
  const bringBackDoor = editorBringBackDoor(interaction, log, () => git.refreshAll());
  const chat = new CodegenChat({ sender, store: runs.store, actions, refreshSoon });
  const tools = new CodegenTools({ sender, store: runs.store, actions });
  context.subscriptions.push(
    sender,
    vscode.commands.registerCommand(Commands.setToken, () => auth.setToken()),
    vscode.commands.registerCommand(Commands.signOut, () => auth.signOut()),
    vscode.commands.registerCommand(Commands.selectOrganization, () => auth.selectOrganization(false)),
    ...registerBringBackCommands(changes, prs, bringBackDoor),
    // File contents at a commit for the review's diff editor: read-only, from git objects of the workspace's repositories.
    vscode.workspace.registerTextDocumentContentProvider(Views.changesScheme, new ChangesContentProvider(git.runner, localFolders)),
    // Delegate from where the work is found: quick fixes, TODO comments, chat, agent-mode tools.
    new DelegateProviders(
      () => session.state.signedIn && session.state.organizationId !== undefined,
      new DelegateCommands(sender),
      (listener) => session.onDidChangeState(() => listener()),
    ),
    ...registerChatAndTools(surfaces, context.extensionPath, chat, tools),
    vscode.commands.registerCommand(Commands.runOnSelection, (uri?: unknown) => sender.runOnSelection(uri)),
    vscode.commands.registerCommand(Commands.runOnFile, (uri?: unknown) => sender.runOnFile(uri)),
    vscode.commands.registerCommand(Commands.newRun, () => sender.newRun()),
    vscode.commands.registerCommand(Commands.runWithAttempts, (uri?: unknown) => sender.runWithAttempts(uri)),
    vscode.commands.registerCommand(Commands.compareAttempts, throughBringBackDoor(bringBackDoor, 'Compare attempts', (argument?: unknown) => attempts.compare(argument))),
    vscode.commands.registerCommand(Commands.chooseAttempt, (argument?: unknown) => attempts.choose(argument)),
  );
  // "Start from my uncommitted changes": the run's base branch, deleted from the remote after asking.
  const baseBranches = new BaseBranchCommands({ interaction, log, store: runs.store, runner: git.runner, folders: localFolders, memory: context.globalState });
  context.subscriptions.push(baseBranches, vscode.commands.registerCommand(Commands.deleteBaseBranch, (argument: unknown) => baseBranches.deleteForRun(argument)));
  const exported = createExportedApi({ store: runs.store, sender, log });
  const uriHandler = new CodegenUriHandler(interaction, log);
  context.subscriptions.push(exported.disposable, vscode.window.registerUriHandler(uriHandler));
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.openWalkthrough, () => vscode.commands.executeCommand(BuiltInCommands.openWalkthrough, `${context.extension.id}#${Views.walkthrough}`, false)),
  );
  const initialized = session.initialize().catch((error: unknown) => log.error(`Reading the Codegen token failed: ${error instanceof Error ? error.message : String(error)}`));

  const activationMs = performance.now() - activationStarted;
  log.info(`Codegen ${version} activated in ${activationMs.toFixed(1)} ms`);
  if (!testMode) return exported.api;
  return {
    ...exported.api,
    testing: {
      activationMs,
      startup: async () => {
        await initialized;
        await runs.whenSettled();
        return { reads: [...probe!.reads], pendingTimers: probe!.clock.pendingTimers };
      },
      lackingSurfaces: () => surfaces.lacking,
      globalState: context.globalState,
      authProvider,
      chat: (request, chatContext, stream, token) => chat.handle(request, chatContext, stream, token),
      tools: { prepare: (name, input) => tools.prepare(name, input), invoke: (name, input, token) => tools.invoke(name, input, token) },
      uriHandler,
      interaction,
      contextKeys,
      logText: () => recorder?.text ?? '',
      hasToken: async () => (await tokens.get()) !== undefined,
      session,
      runs: {
        store: runs.store,
        view: runs.view,
        tree: runs.tree,
        decorations: runs.decorations,
        poller: () => runs.currentPoller,
        whenSettled: () => runs.whenSettled(),
        notificationsRaised: () => notifier.raised,
        statusBarText: () => statusBar.text,
        figures: runs.figures,
      },
      runDetails,
    },
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
