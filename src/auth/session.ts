// The signed-in session: which token (in SecretStorage), which user, which organization, and the API
// every feature calls through. A 401 from any call leads to one prompt for a new token, not one per
// failed request.
import * as vscode from 'vscode';
import type { CodegenApi, User } from '../api/types';
import { CodegenApiError, isApiError } from '../api/errors';
import type { Settings } from '../config/settings';
import type { Interaction } from '../ui/interaction';
import type { Log } from '../util/log';
import { serviceLabel } from '../util/serviceText';
import type { TokenStore } from './tokenStore';
import type { ContextKeys } from '../ui/contextKeys';
import { Commands, ContextKeys as ContextKeyIds, settingId, Settings as SettingKeys } from '../ids';

export const TOKEN_PAGE_URL = 'https://codegen.com/token';

/** Builds a client for a base URL and token source; the composition root decides how. */
export type ApiFactory = (baseUrl: string, getToken: () => Promise<string | undefined>) => CodegenApi;

export interface SessionState {
  /** The token has been read: before, signedIn false means "not known yet". */
  initialized: boolean;
  signedIn: boolean;
  /** The API base URL in use, when the setting is usable. */
  baseUrl?: string;
  /** The token's user, when known (kept with the token, so also offline). */
  userId?: number;
  organizationId?: number;
  /** Why the API cannot be used at all (an invalid base URL setting). */
  configurationError?: string;
  /** Changes whenever a different token is stored (never the token itself): another token may be another user. */
  tokenGeneration: number;
}

export class Session implements vscode.Disposable {
  private readonly stateEmitter = new vscode.EventEmitter<SessionState>();
  readonly onDidChangeState = this.stateEmitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private client: { baseUrl: string; api: CodegenApi } | undefined;
  private signedIn = false;
  private initialized = false;
  private userId: number | undefined;
  private tokenGeneration = 0;
  private lastToken: string | undefined;
  private user: { forToken: string; value: Promise<User> } | undefined;
  /** The token a 401 prompt was already shown for: one prompt per bad token. */
  private promptedForToken: string | undefined;
  private unauthorizedPrompt: Promise<void> | undefined;

  /** The API every feature uses: delegates to the current client and watches for 401s. */
  readonly api: CodegenApi;

  constructor(
    private readonly tokens: TokenStore,
    private readonly settings: Settings,
    private readonly createApi: ApiFactory,
    private readonly interaction: Interaction,
    private readonly log: Log,
    private readonly contextKeys: ContextKeys,
  ) {
    this.api = createGateway(
      () => this.currentApi(),
      (error) => this.onCallFailed(error),
      () => this.lastToken,
      (token, user) => this.learnOwner(token, user),
    );
    this.subscriptions.push(
      tokens.onDidChange(() => void this.refreshSignedIn()),
      settings.onDidChange((event) => {
        if (event.affectsConfiguration(settingId(SettingKeys.apiBaseUrl))) {
          this.client = undefined;
          this.user = undefined;
        }
        if (event.affectsConfiguration(settingId(SettingKeys.apiBaseUrl)) || event.affectsConfiguration(settingId(SettingKeys.organizationId))) this.publish();
      }),
    );
  }

  /** Reads the token once at start-up; no request is made until a feature needs one. */
  async initialize(): Promise<void> {
    await this.refreshSignedIn();
  }

  get state(): SessionState {
    const baseUrl = this.settings.apiBaseUrl;
    return {
      initialized: this.initialized,
      signedIn: this.signedIn,
      baseUrl: baseUrl.ok ? baseUrl.url : undefined,
      userId: this.signedIn ? this.userId : undefined,
      organizationId: this.settings.organizationId,
      configurationError: baseUrl.ok ? undefined : baseUrl.reason,
      tokenGeneration: this.tokenGeneration,
    };
  }

  get isSignedIn(): boolean {
    return this.signedIn;
  }

  /** The signed-in user, fetched once per token. */
  async currentUser(): Promise<User> {
    const token = await this.tokens.get();
    if (!token) throw new CodegenApiError('unauthorized', vscode.l10n.t('You are not signed in to Codegen. Run "Codegen: Set API token".'), { status: 401 });
    if (this.user?.forToken !== token) {
      const value = this.api.getCurrentUser();
      this.user = { forToken: token, value };
      value.then(
        (user) => this.learnOwner(token, user),
        () => {
          if (this.user?.value === value) this.user = undefined;
        },
      );
    }
    return this.user.value;
  }

  /** Checks a token against GET /v1/users/me without storing it. */
  async verifyToken(token: string): Promise<User> {
    const baseUrl = this.requireBaseUrl();
    return this.createApi(baseUrl, () => Promise.resolve(token)).getCurrentUser();
  }

  async storeToken(token: string, verifiedUser?: User): Promise<void> {
    await this.tokens.set(token, verifiedUser?.id, verifiedUser ? accountLabel(verifiedUser) : undefined);
    this.promptedForToken = undefined;
    // Unverified (saved while the service was unreachable): its user is fetched again, not taken from before.
    this.user = verifiedUser ? { forToken: token.trim(), value: Promise.resolve(verifiedUser) } : undefined;
    await this.refreshSignedIn();
  }

  async signOut(): Promise<void> {
    await this.tokens.delete();
    this.user = undefined;
    await this.refreshSignedIn();
  }

  private async refreshSignedIn(): Promise<void> {
    const token = await this.tokens.get();
    const owner = token ? await this.tokens.getOwner() : undefined;
    this.signedIn = token !== undefined;
    this.userId = owner;
    this.initialized = true;
    if (!token) this.user = undefined;
    if (token !== this.lastToken) {
      this.lastToken = token;
      this.tokenGeneration++;
    }
    this.publish();
    // A token stored before its owner was kept: learn the owner once, so the saved runs have a key.
    if (token && owner === undefined) this.currentUser().catch(() => undefined);
  }

  /** The user of the current token is known: kept with it (id and label), and the state says so. */
  private learnOwner(token: string, user: User): void {
    if (token !== this.lastToken) return;
    void this.tokens.getOwnerLabel().then((label) => {
      if (label !== accountLabel(user) || this.userId !== user.id) void this.tokens.setOwner(user.id, accountLabel(user), token);
    });
    if (this.userId === user.id) return;
    this.userId = user.id;
    this.publish();
  }

  /** The token's account as kept with it (no request), when its id and label are known. */
  async knownAccount(): Promise<{ id: number; label: string } | undefined> {
    const [owner, label] = await Promise.all([this.tokens.getOwner(), this.tokens.getOwnerLabel()]);
    return owner !== undefined && label ? { id: owner, label: serviceLabel(label, 80) || label } : undefined;
  }

  private publish(): void {
    const state = this.state;
    this.contextKeys.set(ContextKeyIds.signedIn, state.signedIn);
    this.contextKeys.set(ContextKeyIds.sessionKnown, state.initialized);
    this.contextKeys.set(ContextKeyIds.organizationSelected, state.organizationId !== undefined);
    this.contextKeys.set(ContextKeyIds.configurationError, state.configurationError !== undefined);
    this.stateEmitter.fire(state);
  }

  private requireBaseUrl(): string {
    const check = this.settings.apiBaseUrl;
    if (!check.ok) throw new SettingsError(check.reason);
    return check.url;
  }

  private currentApi(): CodegenApi {
    const baseUrl = this.requireBaseUrl();
    if (this.client?.baseUrl !== baseUrl) {
      this.client = { baseUrl, api: this.createApi(baseUrl, () => this.tokens.get()) };
    }
    return this.client.api;
  }

  private onCallFailed(error: unknown): void {
    if (isApiError(error, 'unauthorized')) void this.promptForNewToken();
  }

  private async promptForNewToken(): Promise<void> {
    const token = await this.tokens.get();
    if (this.unauthorizedPrompt || (token !== undefined && this.promptedForToken === token)) return;
    this.promptedForToken = token;
    this.log.warn('The Codegen API answered 401: asking for a new token.');
    this.unauthorizedPrompt = (async () => {
      const message = token
        ? vscode.l10n.t('Codegen rejected your API token (401): it may have been revoked. Set a new token to continue.')
        : vscode.l10n.t('You are not signed in to Codegen. Set an API token to continue.');
      const setTokenAction = vscode.l10n.t('Set API token');
      const choice = await this.interaction.showMessage({ severity: 'error', message, actions: [setTokenAction] });
      if (choice === setTokenAction) await vscode.commands.executeCommand(Commands.setToken);
    })().finally(() => {
      this.unauthorizedPrompt = undefined;
    });
    await this.unauthorizedPrompt;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.stateEmitter.dispose();
  }
}

/** The settings make the API unusable (for example an http: base URL for a remote host). */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/**
 * The session's API: every failure is seen (a 401 asks for the token), and whoever asks for the current
 * user (the poller for "My runs", a send) teaches the session the token's owner, so a token saved without
 * verifying gets its saved runs as soon as the service answers.
 */
function createGateway(
  current: () => CodegenApi,
  onError: (error: unknown) => void,
  currentToken: () => string | undefined,
  onUser: (token: string, user: User) => void,
): CodegenApi {
  const call = async <T>(invoke: (api: CodegenApi) => Promise<T>): Promise<T> => {
    try {
      return await invoke(current());
    } catch (error) {
      onError(error);
      throw error;
    }
  };
  return {
    getCurrentUser: async (o) => {
      const token = currentToken();
      const user = await call((a) => a.getCurrentUser(o));
      if (token !== undefined) onUser(token, user);
      return user;
    },
    listOrganizations: (q, o) => call((a) => a.listOrganizations(q, o)),
    listRepositories: (org, q, o) => call((a) => a.listRepositories(org, q, o)),
    createRun: (org, input, o) => call((a) => a.createRun(org, input, o)),
    getRun: (org, id, o) => call((a) => a.getRun(org, id, o)),
    listRuns: (org, q, o) => call((a) => a.listRuns(org, q, o)),
    resumeRun: (org, input, o) => call((a) => a.resumeRun(org, input, o)),
    banChecks: (org, id, o) => call((a) => a.banChecks(org, id, o)),
    unbanChecks: (org, id, o) => call((a) => a.unbanChecks(org, id, o)),
    removeFromPr: (org, id, o) => call((a) => a.removeFromPr(org, id, o)),
    getRunLogs: (org, id, q, o) => call((a) => a.getRunLogs(org, id, q, o)),
    setPullRequestState: (org, id, state, o) => call((a) => a.setPullRequestState(org, id, state, o)),
  };
}

/** How the Accounts menu names a user: GitHub name, else email, else full name, cleaned. */
export function accountLabel(user: User): string {
  return serviceLabel(user.githubUsername ?? user.email ?? user.fullName, 80) || vscode.l10n.t('user {0}', user.id);
}
