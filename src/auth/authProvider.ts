// Codegen in the Accounts menu: an AuthenticationProvider over the same SecretStorage token the commands
// use, so signing in and out also works from the Accounts menu, and other extensions can ask for a session
// through vscode.authentication (VS Code asks the user before it gives them one).
import * as vscode from 'vscode';
import { Commands } from '../ids';
import type { Log } from '../util/log';
import { accountLabel, type Session } from './session';
import type { TokenStore } from './tokenStore';

export const AUTH_PROVIDER_ID = 'codegen';
const SESSION_ID = 'codegen-api-token';

export class CodegenAuthenticationProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;
  private last: vscode.AuthenticationSession | undefined;

  constructor(
    private readonly tokens: TokenStore,
    private readonly session: Session,
    private readonly log: Log,
  ) {
    this.subscription = tokens.onDidChange(() => void this.announceChange());
  }

  async getSessions(_scopes: readonly string[] | undefined): Promise<vscode.AuthenticationSession[]> {
    const current = await this.current();
    this.last = current;
    return current ? [current] : [];
  }

  /** Sign in from the Accounts menu (or another extension asking): the same flow as "Codegen: Set API token". */
  async createSession(_scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    await vscode.commands.executeCommand(Commands.setToken);
    const current = await this.current();
    if (!current) throw new Error('Signing in to Codegen was cancelled.');
    return current;
  }

  /** Sign out from the Accounts menu: the token is deleted from secret storage. */
  async removeSession(_sessionId: string): Promise<void> {
    await vscode.commands.executeCommand(Commands.signOut);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }

  private async current(): Promise<vscode.AuthenticationSession | undefined> {
    const token = await this.tokens.get();
    if (!token) return undefined;
    // The account kept with the token: VS Code asks at every window start, which must cost no request.
    const known = await this.session.knownAccount();
    if (known) return { id: SESSION_ID, accessToken: token, account: { id: String(known.id), label: known.label }, scopes: [] };
    let label = vscode.l10n.t('Codegen user');
    let id = this.session.state.userId !== undefined ? String(this.session.state.userId) : 'codegen';
    try {
      const user = await this.session.currentUser();
      label = accountLabel(user);
      id = String(user.id);
    } catch (error) {
      this.log.debug(`The Codegen account is shown without its name: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { id: SESSION_ID, accessToken: token, account: { id, label }, scopes: [] };
  }

  private async announceChange(): Promise<void> {
    const before = this.last;
    const after = await this.current();
    this.last = after;
    if (before && !after) this.changeEmitter.fire({ added: [], removed: [before], changed: [] });
    else if (!before && after) this.changeEmitter.fire({ added: [after], removed: [], changed: [] });
    else if (before && after) this.changeEmitter.fire({ added: [], removed: [], changed: [after] });
  }
}

/** The account's name in the Accounts menu: service text, cleaned like every other. */
