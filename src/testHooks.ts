// What in-host tests may reach inside the running extension. Returned from activate() only when the
// extension host runs with CODEGEN_TEST_MODE=1 (the project's in-host harness sets it).
import type { CodegenApi, User } from './api/types';
import type { SessionState } from './auth/session';
import type { Interaction } from './ui/interaction';
import type { RunStore } from './runs/runStore';
import type { RunPoller } from './runs/poller';
import type { RunDecorations } from './views/runs/runDecorations';
import type { RunsTreeProvider } from './views/runs/runsTree';
import type { TreeView } from 'vscode';
import type { RunDetailsPanels } from './views/runDetails/runDetailsPanel';

export interface TestHooks {
  /** Time spent in activate(), measured in the extension host. */
  activationMs: number;
  /** Once the token is read and the saved runs restored: what activation read and the timers that wait. */
  startup(): Promise<{ reads: readonly string[]; pendingTimers: number }>;
  /** The optional editor surfaces this editor lacks (chat, lm, accounts, changes), as the extension found them. */
  lackingSurfaces(): readonly string[];
  /** The extension's globalState (where the runs cache lives), to read what a reload would restore. */
  globalState: import('vscode').Memento;
  /** The Accounts menu's provider (registered with vscode.authentication). */
  authProvider: import('vscode').AuthenticationProvider;
  /** The @codegen chat participant's handler, as VS Code calls it. */
  chat: import('vscode').ChatRequestHandler;
  /** The agent-mode tools as VS Code calls them: the confirmation (prepare), then the call (invoke). */
  tools: {
    prepare(name: string, input: unknown): Promise<import('vscode').PreparedToolInvocation>;
    invoke(name: string, input: unknown, token: import('vscode').CancellationToken): Promise<import('vscode').LanguageModelToolResult>;
  };
  uriHandler: { handled: number; handleUri(uri: import('vscode').Uri): Promise<void> };
  interaction: { swap(next: Interaction): Interaction };
  contextKeys: { get(key: string): unknown };
  /** Everything written to the Codegen log channel in this session, at every level. */
  logText(): string;
  hasToken(): Promise<boolean>;
  session: {
    readonly state: SessionState;
    readonly api: CodegenApi;
    storeToken(token: string, verifiedUser?: User): Promise<void>;
    signOut(): Promise<void>;
  };
  runs: {
    store: RunStore;
    view: TreeView<unknown>;
    tree: RunsTreeProvider;
    decorations: RunDecorations;
    poller(): RunPoller | undefined;
    /** Resolves when the latest session state has been applied (the account's runs restored). */
    whenSettled(): Promise<void>;
    notificationsRaised(): number;
    statusBarText(): string | undefined;
    /** Files and lines changed of runs whose branch was fetched (attempt rows). */
    figures: { get(runId: number): { files: number; added: number; removed: number } | undefined };
  };
  runDetails: RunDetailsPanels;
}
