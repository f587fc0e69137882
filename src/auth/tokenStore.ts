// The API token lives in SecretStorage and nowhere else. Other windows learn of a change through
// secrets.onDidChange.
import * as vscode from 'vscode';

const TOKEN_KEY = 'codegen.apiToken';

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

  async set(token: string): Promise<void> {
    this.cached = undefined;
    await this.secrets.store(TOKEN_KEY, token.trim());
  }

  async delete(): Promise<void> {
    this.cached = undefined;
    await this.secrets.delete(TOKEN_KEY);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
