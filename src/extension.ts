// The only composition root: builds the services, registers commands and views, and hands every
// disposable to the extension context.
import * as vscode from 'vscode';
import { CodegenClient } from './api/client';
import { RateGovernor } from './api/rateGovernor';
import { Session } from './auth/session';
import { TokenStore } from './auth/tokenStore';
import { registerAuthCommands } from './commands/authCommands';
import { registerRunCommands } from './commands/runCommands';
import { registerSendWorkCommands } from './commands/sendWork';
import { Settings } from './config/settings';
import type { TestHooks } from './testHooks';
import { ContextKeys } from './ui/contextKeys';
import { SwappableInteraction, VsCodeInteraction } from './ui/interaction';
import { LogRecorder, teeLog } from './util/log';
import { systemClock } from './util/clock';
import { RunsController } from './views/runs/runsController';
import { RunNotifier } from './views/runs/notifications';
import { RunsStatusBar } from './views/runs/statusBar';

export interface CodegenExtensionExports {
  /** Present only in the project's in-host tests (CODEGEN_TEST_MODE=1). */
  testing?: TestHooks;
}

export function activate(context: vscode.ExtensionContext): CodegenExtensionExports {
  const testMode = process.env.CODEGEN_TEST_MODE === '1';
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0');
  const channel = vscode.window.createOutputChannel('Codegen', { log: true });
  context.subscriptions.push(channel);
  const recorder = testMode ? new LogRecorder() : undefined;
  const log = teeLog(channel, () => channel.show(true), recorder);

  const settings = new Settings();
  const tokens = new TokenStore(context.secrets);
  const contextKeys = new ContextKeys();
  const interaction = new SwappableInteraction(new VsCodeInteraction());
  // One governor per window keeps every client of this window within the documented limits.
  const governor = new RateGovernor();
  const session = new Session(
    tokens,
    settings,
    (baseUrl, getToken) => new CodegenClient({ baseUrl, getToken, governor, logger: log, userAgent: `codegen-vscode/${version}` }),
    interaction,
    log,
    contextKeys,
  );
  context.subscriptions.push(settings, tokens, session, governor);
  context.subscriptions.push(...registerAuthCommands(session, settings, interaction, log));

  const runs = new RunsController(context, session, settings, systemClock, log);
  const notifier = new RunNotifier(runs.store, settings, interaction);
  const statusBar = new RunsStatusBar(runs.store);
  context.subscriptions.push(runs, notifier, statusBar);
  context.subscriptions.push(...registerRunCommands({ session, settings, store: runs.store, refresher: runs, interaction, log }));
  context.subscriptions.push(...registerSendWorkCommands({ context, session, settings, runs, governor, interaction, log }));
  void session.initialize();

  log.info(`Codegen ${version} activated`);
  if (!testMode) return {};
  return {
    testing: {
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
    },
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
