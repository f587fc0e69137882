// The API token lives in SecretStorage and nowhere else. Other windows learn of a change through
// secrets.onDidChange.
import * as vscode from 'vscode';

import { SecretKeys } from '../ids';

const TOKEN_KEY = SecretKeys.token;
/** The token's user id, kept next to the token (same storage, same lifetime): it keys the saved runs even offline. */
const OWNER_KEY = SecretKeys.tokenOwner;
/** The owner's account label (what the Accounts menu shows), kept the same way: the menu needs no request. */
const OWNER_LABEL_KEY = SecretKeys.tokenOwnerLabel;

export class TokenStore implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** Fires when the token changes in this window or in another one. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;
  private cached: Promise<string | undefined> | undefined;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((event) => {
      if (event.key !== TOKEN_KEY) return;
      this.cached = undefined;
      this.changeEmitter.fire();
    });
  }

  get(): Promise<string | undefined> {
    this.cached ??= Promise.resolve(this.secrets.get(TOKEN_KEY)).then(
      (token) => (token && token.trim() ? token.trim() : undefined),
      () => undefined,
    );
    return this.cached;
  }

  async set(token: string, ownerId?: number, ownerLabel?: string): Promise<void> {
    this.cached = undefined;
    // The owner first: whoever reads the new token finds its owner with it.
    if (ownerId !== undefined) await this.setOwner(ownerId, ownerLabel);
    else {
      await this.secrets.delete(OWNER_KEY);
      await this.secrets.delete(OWNER_LABEL_KEY);
    }
    await this.secrets.store(TOKEN_KEY, token.trim());
  }

  async delete(): Promise<void> {
    this.cached = undefined;
    await this.secrets.delete(TOKEN_KEY);
    await this.secrets.delete(OWNER_KEY);
    await this.secrets.delete(OWNER_LABEL_KEY);
  }

  /** The id of the user the stored token belongs to, when known. */
  async getOwner(): Promise<number | undefined> {
    try {
      const value = Number(await this.secrets.get(OWNER_KEY));
      return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
    } catch {
      return undefined;
    }
  }

  async setOwner(userId: number, label?: string): Promise<void> {
    if (!Number.isSafeInteger(userId) || userId < 0) return;
    await this.secrets.store(OWNER_KEY, String(userId));
    if (label) await this.secrets.store(OWNER_LABEL_KEY, label);
    else await this.secrets.delete(OWNER_LABEL_KEY);
  }

  /** The owner's account label, when it was kept with the token. */
  async getOwnerLabel(): Promise<string | undefined> {
    try {
      return (await this.secrets.get(OWNER_LABEL_KEY)) || undefined;
    } catch {
      return undefined;
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
