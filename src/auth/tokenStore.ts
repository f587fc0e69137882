// The API token lives in SecretStorage and nowhere else. Other windows learn of a change through
// secrets.onDidChange.
//
// The token, its user id and its account label are one secret, written in one call. Code-server and
// vscode.dev persist secrets by re-encrypting the whole store on every write, asynchronously; several
// writes in a row can land out of order, and a window reload then finds an older store without the
// token (seen in the browser scenarios). One write per sign-in leaves no older copy to land last.
import * as vscode from 'vscode';

import { SecretKeys } from '../ids';

const RECORD_KEY = SecretKeys.account;
/** Where releases before the single record kept the token, its user id and its label: read once, then moved. */
const LEGACY_KEYS = [SecretKeys.legacyToken, SecretKeys.legacyTokenOwner, SecretKeys.legacyTokenOwnerLabel] as const;
const MAX_LABEL_LENGTH = 200;

/** What is kept for the signed-in account. */
export interface StoredAccount {
  token: string;
  /** The token's user id, when known: it keys the saved runs even offline. */
  ownerId?: number;
  /** The owner's account label (what the Accounts menu shows): the menu needs no request. */
  ownerLabel?: string;
}

export class TokenStore implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** Fires when the token changes in this window or in another one. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;
  private cached: Promise<StoredAccount | undefined> | undefined;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((event) => {
      if (event.key !== RECORD_KEY && event.key !== SecretKeys.legacyToken) return;
      this.cached = undefined;
      this.changeEmitter.fire();
    });
  }

  async get(): Promise<string | undefined> {
    return (await this.read())?.token;
  }

  /** Stores the token with its owner in one write; another token's owner is never kept with it. */
  async set(token: string, ownerId?: number, ownerLabel?: string): Promise<void> {
    const account = toAccount({ token, ownerId, ownerLabel });
    if (!account) return;
    await this.write(account);
  }

  async delete(): Promise<void> {
    this.cached = undefined;
    await this.secrets.delete(RECORD_KEY);
    for (const key of LEGACY_KEYS) await this.secrets.delete(key);
  }

  /** The id of the user the stored token belongs to, when known. */
  async getOwner(): Promise<number | undefined> {
    return (await this.read())?.ownerId;
  }

  /** Keeps the owner with the stored token (one write), unless the token changed meanwhile. */
  async setOwner(userId: number, label?: string, forToken?: string): Promise<void> {
    const current = await this.read();
    if (!current || (forToken !== undefined && current.token !== forToken)) return;
    const account = toAccount({ token: current.token, ownerId: userId, ownerLabel: label });
    if (account?.ownerId === undefined) return;
    await this.write(account);
  }

  /** The owner's account label, when it was kept with the token. */
  async getOwnerLabel(): Promise<string | undefined> {
    return (await this.read())?.ownerLabel;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }

  private read(): Promise<StoredAccount | undefined> {
    this.cached ??= this.load().catch(() => undefined);
    return this.cached;
  }

  private async write(account: StoredAccount): Promise<void> {
    this.cached = Promise.resolve(account);
    await this.secrets.store(RECORD_KEY, JSON.stringify(account));
  }

  private async load(): Promise<StoredAccount | undefined> {
    const raw = await this.secrets.get(RECORD_KEY);
    if (raw !== undefined) return parseAccount(raw);
    const [token, owner, label] = await Promise.all(LEGACY_KEYS.map((key) => this.secrets.get(key)));
    const legacy = token ? toAccount({ token, ownerId: owner ? Number(owner) : undefined, ownerLabel: label }) : undefined;
    if (legacy) void this.moveLegacy(legacy);
    return legacy;
  }

  /** The record first, then the old keys go: every write after the record still holds the token. */
  private async moveLegacy(account: StoredAccount): Promise<void> {
    try {
      await this.secrets.store(RECORD_KEY, JSON.stringify(account));
      for (const key of LEGACY_KEYS) await this.secrets.delete(key);
    } catch {
      // Left where it was: read from the old keys again next time.
    }
  }
}

/** A stored record as this release understands it; anything else reads as signed out. */
function parseAccount(raw: string): StoredAccount | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (!value || typeof value !== 'object') return undefined;
    const { token, ownerId, ownerLabel } = value as Record<string, unknown>;
    return typeof token === 'string'
      ? toAccount({ token, ownerId: typeof ownerId === 'number' ? ownerId : undefined, ownerLabel: typeof ownerLabel === 'string' ? ownerLabel : undefined })
      : undefined;
  } catch {
    return undefined;
  }
}

function toAccount(input: { token: string; ownerId?: number; ownerLabel?: string }): StoredAccount | undefined {
  const token = input.token.trim();
  if (!token) return undefined;
  const account: StoredAccount = { token };
  if (input.ownerId !== undefined && Number.isSafeInteger(input.ownerId) && input.ownerId >= 0) {
    account.ownerId = input.ownerId;
    const label = input.ownerLabel?.trim().slice(0, MAX_LABEL_LENGTH);
    if (label) account.ownerLabel = label;
  }
  return account;
}
