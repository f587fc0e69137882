// The only composition root: builds the services, registers commands and views, and hands every
// disposable to the extension context.
import * as vscode from 'vscode';
import { CodegenClient } from './api/client';
import { RateGovernor, type RateWaitEvent } from './api/rateGovernor';
import { Session } from './auth/session';
import { TokenStore } from './auth/tokenStore';
import { registerAuthCommands } from './commands/authCommands';
import { registerRunCommands } from './commands/runCommands';
import type { WorkSender } from './commands/sendWork';
import * as path from 'path';
import { Settings } from './config/settings';
import type { TestHooks } from './testHooks';
import { ContextKeys } from './ui/contextKeys';
import { SwappableInteraction, VsCodeInteraction } from './ui/interaction';
import { LogRecorder, teeLog } from './util/log';
import { systemClock } from './util/clock';
import { RunsController } from './views/runs/runsController';
import { RunNotifier } from './views/runs/notifications';
import { RunsStatusBar } from './views/runs/statusBar';
import { runIdFromArgument } from './protocol/panelState';
import { runTitle } from './runs/runStore';
import { RunDetailsPanels, runDetailsDepsFromApi } from './views/runDetails/runDetailsPanel';
import { CodegenUriHandler, createExportedApi, type CodegenApiV1 } from './exportedApi';

export interface CodegenExtensionExports extends CodegenApiV1 {
  /** Present only in the project's in-host tests (CODEGEN_TEST_MODE=1). */
  testing?: TestHooks;
}

export function activate(context: vscode.ExtensionContext): CodegenExtensionExports {
  const activationStarted = performance.now();
  const testMode = process.env.CODEGEN_TEST_MODE === '1';
  const manifestVersion = (context.extension.packageJSON as { version?: unknown }).version;
  const version = typeof manifestVersion === 'string' ? manifestVersion : '0.0.0';
  const channel = vscode.window.createOutputChannel('Codegen', { log: true });
  context.subscriptions.push(channel);
  const recorder = testMode ? new LogRecorder() : undefined;
  const log = teeLog(channel, () => channel.show(true), recorder);

  const settings = new Settings();
  const tokens = new TokenStore(context.secrets);
  const contextKeys = new ContextKeys();
  const interaction = new SwappableInteraction(new VsCodeInteraction());
  // Limits are per token and service: one governor per API base URL keeps every client of this window
  // within them. Their waits are relayed to one event the progress UI listens to.
  const governors = new Map<string, RateGovernor>();
  const governorWaits = new vscode.EventEmitter<RateWaitEvent>();
  const governorFor = (baseUrl: string): RateGovernor => {
    let governor = governors.get(baseUrl);
    if (!governor) {
      governor = new RateGovernor();
      governor.onDidWait((event) => governorWaits.fire(event));
      governors.set(baseUrl, governor);
    }
    return governor;
  };
  const session = new Session(
    tokens,
    settings,
    (baseUrl, getToken) => new CodegenClient({ baseUrl, getToken, governor: governorFor(baseUrl), logger: log, userAgent: `codegen-vscode/${version}` }),
    interaction,
    log,
    contextKeys,
  );
  const governor = { onDidWait: governorWaits.event };
  context.subscriptions.push(settings, tokens, session, governorWaits, { dispose: () => governors.forEach((g) => g.dispose()) });
  context.subscriptions.push(...registerAuthCommands(session, settings, interaction, log));

  const runs = new RunsController(context, session, settings, systemClock, log);
  const notifier = new RunNotifier(runs.store, settings, interaction, () => vscode.window.state.focused || (runs.currentPoller?.isLeaseHolder ?? true));
  const statusBar = new RunsStatusBar(runs.store);
  context.subscriptions.push(runs, notifier, statusBar);
  const runDetails = new RunDetailsPanels(
    runDetailsDepsFromApi({
      // What the panel learns (a fresher run, a follow-up, a PR action) updates the tree too.
      api: {
        ...session.api,
        getRun: async (orgId, runId, options) => {
          const run = await session.api.getRun(orgId, runId, options);
          if (runs.store.get(run.id)) runs.store.upsert(run);
          return run;
        },
        resumeRun: async (orgId, input, options) => {
          const run = await session.api.resumeRun(orgId, input, options);
          if (runs.store.get(run.id)) runs.store.upsert(run);
          void runs.refreshNow();
          return run;
        },
      },
      organizationId: () => settings.organizationId,
      getRun: (runId) => runs.store.get(runId),
      onDidChangeRuns: (listener) => runs.store.onDidChange(() => listener()),
      log,
      extensionUri: context.extensionUri,
      runTitle,
    }),
  );
  context.subscriptions.push(
    runDetails,
    // Registered during activation so a panel left open is restored after a reload.
    runDetails.registerSerializer(),
    vscode.commands.registerCommand('codegen.showRunDetails', async (argument: unknown) => {
      const runId = runIdFromArgument(argument);
      if (runId === undefined) await vscode.commands.executeCommand('codegen.openRun');
      else runDetails.show(runId);
    }),
  );
  context.subscriptions.push(...registerRunCommands({ session, settings, store: runs.store, refresher: runs, interaction, log }));
  // The send-work code is its own bundle, required the first time one of its commands runs.
  let sender: WorkSender | undefined;
  const workSender = (): WorkSender => {
    if (!sender) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a sibling bundle, loaded on first use
      const sendWorkModule = require(path.join(context.extensionPath, 'dist', 'sendWork.js')) as typeof import('./commands/sendWork');
      sender = sendWorkModule.createWorkSender({ context, session, settings, runs, governor, interaction, log });
    }
    return sender;
  };
  context.subscriptions.push(
    { dispose: () => sender?.dispose() },
    vscode.commands.registerCommand('codegen.runOnSelection', (uri?: unknown) => workSender().runOnSelection(uri)),
    vscode.commands.registerCommand('codegen.runOnFile', (uri?: unknown) => workSender().runOnFile(uri)),
    vscode.commands.registerCommand('codegen.newRun', () => workSender().newRun()),
  );
  const exported = createExportedApi({ session, settings, store: runs.store, refreshNow: () => runs.refreshNow(), extensionPath: context.extensionPath, version, log });
  const uriHandler = new CodegenUriHandler(interaction, log);
  context.subscriptions.push(exported.disposable, vscode.window.registerUriHandler(uriHandler));
  context.subscriptions.push(vscode.commands.registerCommand('codegen.openWalkthrough', () => vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#codegen.gettingStarted`, false)));
  void session.initialize();

  const activationMs = performance.now() - activationStarted;
  log.info(`Codegen ${version} activated in ${activationMs.toFixed(1)} ms`);
  if (!testMode) return exported.api;
  return {
    ...exported.api,
    testing: {
      activationMs,
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
        poller: () => runs.currentPoller,
        notificationsRaised: () => notifier.raised,
        statusBarText: () => statusBar.text,
      },
      runDetails,
    },
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
