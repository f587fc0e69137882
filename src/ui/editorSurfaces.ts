// The optional parts of the editor's API: the chat participant (vscode.chat), the agent-mode tools
// (vscode.lm), the Accounts menu (vscode.authentication's provider registration) and the multi-diff editor
// (the `vscode.changes` command). VS Code has them all; forks of it (Cursor, Windsurf, VSCodium) have some
// of them, or have them and throw when they are used. Each is registered only when it is there, and a
// registration that throws stays inside this module: activation goes on, the missing surface is logged once,
// and what needs it says plainly that this editor lacks it.
import * as vscode from 'vscode';
import type { Log } from '../util/log';

export type SurfaceName = 'chat' | 'lm' | 'accounts' | 'changes';

/** What each surface is, in the words the log and the messages use. */
const SURFACE_TEXT: Record<SurfaceName, string> = {
  chat: 'chat participants (vscode.chat)',
  lm: 'language-model tools (vscode.lm)',
  accounts: 'authentication providers for the Accounts menu (vscode.authentication)',
  changes: "the multi-diff editor (the 'vscode.changes' command)",
};

export interface EditorApis {
  chat: Pick<typeof vscode.chat, 'createChatParticipant'> | undefined;
  lm: Pick<typeof vscode.lm, 'registerTool'> | undefined;
  authentication: Pick<typeof vscode.authentication, 'registerAuthenticationProvider'> | undefined;
  executeCommand: typeof vscode.commands.executeCommand;
  getCommands: typeof vscode.commands.getCommands;
}

/** The editor's own API, each optional part undefined when this editor does not have it. */
export function editorApis(): EditorApis {
  return {
    chat: typeof vscode.chat?.createChatParticipant === 'function' ? vscode.chat : undefined,
    lm: typeof vscode.lm?.registerTool === 'function' ? vscode.lm : undefined,
    authentication: typeof vscode.authentication?.registerAuthenticationProvider === 'function' ? vscode.authentication : undefined,
    executeCommand: vscode.commands.executeCommand,
    getCommands: vscode.commands.getCommands,
  };
}

/**
 * For the project's in-host tests only: the editor's API as a fork may give it. `spec` lists surfaces,
 * each removed (`chat`) or present but throwing (`lm:throw`), e.g. "chat,lm:throw,accounts:throw,changes".
 */
export function editorApisWithout(apis: EditorApis, spec: string): EditorApis {
  const entries = spec.split(',').map((part) => part.trim()).filter(Boolean).map((part) => part.split(':') as [string, string | undefined]);
  const mode = new Map(entries.map(([name, how]) => [name, how === 'throw' ? 'throw' : 'remove']));
  const thrower = (name: string) => (): never => {
    throw new Error(`${name} is not supported in this editor`);
  };
  const pick = <T>(name: SurfaceName, value: T | undefined, throwing: T): T | undefined => (!mode.has(name) ? value : mode.get(name) === 'throw' ? throwing : undefined);
  const changes = mode.get('changes');
  return {
    chat: pick('chat', apis.chat, { createChatParticipant: thrower('createChatParticipant') }),
    lm: pick('lm', apis.lm, { registerTool: thrower('registerTool') }),
    authentication: pick('accounts', apis.authentication, { registerAuthenticationProvider: thrower('registerAuthenticationProvider') }),
    executeCommand: ((command: string, ...rest: unknown[]) =>
      changes && command === 'vscode.changes' ? Promise.reject(new Error("command 'vscode.changes' not found")) : apis.executeCommand(command, ...rest)) as typeof vscode.commands.executeCommand,
    getCommands: async (filterInternal?: boolean) => (await apis.getCommands(filterInternal)).filter((command) => !(changes && command === 'vscode.changes')),
  };
}

/** Registers the optional surfaces, each only when there, none able to throw out of activation. */
export class EditorSurfaces {
  private readonly missing = new Set<SurfaceName>();

  constructor(
    readonly apis: EditorApis,
    private readonly log: Log,
  ) {}

  /** Surfaces this editor lacks (or that threw when registered), for tests and the log. */
  get lacking(): readonly SurfaceName[] {
    return [...this.missing];
  }

  /**
   * Registers one surface: `register` gets the API when the editor has it. Returns a disposable in every
   * case; a missing API or a registration that throws is logged once and leaves nothing behind.
   */
  register<K extends 'chat' | 'lm' | 'authentication'>(surface: SurfaceName, api: K, register: (value: NonNullable<EditorApis[K]>) => vscode.Disposable): vscode.Disposable {
    const value = this.apis[api];
    if (value === undefined) {
      this.lack(surface);
      return { dispose: () => undefined };
    }
    try {
      return register(value);
    } catch (error) {
      this.lack(surface, error);
      return { dispose: () => undefined };
    }
  }

  /**
   * Opens VS Code's multi-diff editor. False (with the reason logged once) when this editor lacks it; the
   * caller then says so in its own words.
   */
  async openMultiDiff(title: string, resources: ReadonlyArray<[vscode.Uri, vscode.Uri | undefined, vscode.Uri | undefined]>): Promise<boolean> {
    if (this.missing.has('changes')) return false;
    const commands = await this.apis.getCommands(false);
    if (!commands.includes('vscode.changes')) {
      this.lack('changes');
      return false;
    }
    await this.apis.executeCommand('vscode.changes', title, resources);
    return true;
  }

  /** The words for a surface this editor lacks, for messages. */
  static describe(surface: SurfaceName): string {
    return SURFACE_TEXT[surface];
  }

  private lack(surface: SurfaceName, error?: unknown): void {
    if (this.missing.has(surface)) return;
    this.missing.add(surface);
    const why = error === undefined ? 'it is not there' : `registering it failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`;
    this.log.warn(`This editor lacks ${SURFACE_TEXT[surface]} (${why}); Codegen works without it.`);
  }
}
