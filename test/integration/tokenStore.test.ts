// The token store against a secret storage that persists the way code-server and vscode.dev do: every
// write re-encrypts the whole store and saves it asynchronously, so saves can finish out of order and a
// reload finds whichever snapshot landed last.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { TokenStore } from '../../src/auth/tokenStore';
import { SecretKeys } from '../../src/ids';

class SnapshotSecrets implements vscode.SecretStorage {
  private readonly emitter = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  readonly onDidChange = this.emitter.event;
  readonly values = new Map<string, string>();
  /** Saves not yet finished, each with the snapshot it was started with. */
  readonly pendingSaves: Map<string, string>[] = [];
  /** What a reload would find. */
  persisted = new Map<string, string>();
  readonly writes: string[] = [];

  constructor(initial: Record<string, string> = {}) {
    for (const [key, value] of Object.entries(initial)) this.values.set(key, value);
    this.persisted = new Map(this.values);
  }
  keys(): Thenable<string[]> { return Promise.resolve([...this.values.keys()]); }
  get(key: string): Thenable<string | undefined> { return Promise.resolve(this.values.get(key)); }
  store(key: string, value: string): Thenable<void> {
    this.values.set(key, value);
    return this.changed(`store ${key}`, key);
  }
  delete(key: string): Thenable<void> {
    this.values.delete(key);
    return this.changed(`delete ${key}`, key);
  }
  /** Finishes the pending saves, the last-started first: the worst order. */
  finishSavesInReverse(): void {
    for (const snapshot of this.pendingSaves.reverse()) this.persisted = snapshot;
    this.pendingSaves.length = 0;
  }
  finishSavesInOrder(): void {
    for (const snapshot of this.pendingSaves) this.persisted = snapshot;
    this.pendingSaves.length = 0;
  }
  reload(): SnapshotSecrets {
    return new SnapshotSecrets(Object.fromEntries(this.persisted));
  }
  private changed(write: string, key: string): Thenable<void> {
    this.writes.push(write);
    this.pendingSaves.push(new Map(this.values));
    this.emitter.fire({ key });
    return Promise.resolve();
  }
}

describe('Token store (secrets persisted as asynchronous snapshots)', () => {
  it('the model is faithful: three writes whose saves finish in reverse lose the last one on reload', async () => {
    const secrets = new SnapshotSecrets();
    await secrets.store('a', '1');
    await secrets.store('b', '2');
    await secrets.store('token', 'secret');
    secrets.finishSavesInReverse();
    assert.strictEqual(await secrets.reload().get('token'), undefined);
  });

  it('signing in is one write: the token, its owner and label survive a reload whatever order the saves finish in', async () => {
    const secrets = new SnapshotSecrets();
    const tokens = new TokenStore(secrets);
    await tokens.set('  tok-1  ', 7, 'Ada (Acme)');
    assert.deepStrictEqual(secrets.writes, [`store ${SecretKeys.account}`]);
    secrets.finishSavesInReverse();
    const reloaded = new TokenStore(secrets.reload());
    assert.strictEqual(await reloaded.get(), 'tok-1');
    assert.strictEqual(await reloaded.getOwner(), 7);
    assert.strictEqual(await reloaded.getOwnerLabel(), 'Ada (Acme)');
    tokens.dispose();
    reloaded.dispose();
  });

  it('learning the owner later rewrites the one record, and never for a token replaced meanwhile', async () => {
    for (const order of ['in order', 'in reverse'] as const) {
      const secrets = new SnapshotSecrets();
      const tokens = new TokenStore(secrets);
      await tokens.set('tok-1');
      assert.strictEqual(await tokens.getOwner(), undefined);
      await tokens.setOwner(7, 'Ada', 'tok-1');
      await tokens.setOwner(9, 'Someone else', 'tok-0');
      assert.strictEqual(secrets.writes.length, 2, secrets.writes.join(', '));
      if (order === 'in order') secrets.finishSavesInOrder();
      else secrets.finishSavesInReverse();
      const reloaded = new TokenStore(secrets.reload());
      // Every snapshot holds the token; a lost owner is learned again at the next start.
      assert.strictEqual(await reloaded.get(), 'tok-1', order);
      if (order === 'in order') {
        assert.strictEqual(await reloaded.getOwner(), 7);
        assert.strictEqual(await reloaded.getOwnerLabel(), 'Ada');
      }
      tokens.dispose();
      reloaded.dispose();
    }
  });

  it('a token kept by an earlier release is read, then moved: the record is written before any old key goes', async () => {
    const secrets = new SnapshotSecrets({ [SecretKeys.legacyToken]: 'old-tok', [SecretKeys.legacyTokenOwner]: '5', [SecretKeys.legacyTokenOwnerLabel]: 'Bo' });
    const tokens = new TokenStore(secrets);
    assert.strictEqual(await tokens.get(), 'old-tok');
    assert.strictEqual(await tokens.getOwner(), 5);
    for (let i = 0; i < 20 && secrets.writes.length < 4; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepStrictEqual(secrets.writes, [`store ${SecretKeys.account}`, `delete ${SecretKeys.legacyToken}`, `delete ${SecretKeys.legacyTokenOwner}`, `delete ${SecretKeys.legacyTokenOwnerLabel}`]);
    secrets.finishSavesInReverse();
    const reloaded = new TokenStore(secrets.reload());
    assert.strictEqual(await reloaded.get(), 'old-tok');
    assert.strictEqual(await reloaded.getOwnerLabel(), 'Bo');
    tokens.dispose();
    reloaded.dispose();
  });

  it('a damaged record reads as signed out without throwing; signing out removes every key', async () => {
    for (const raw of ['not json', '{"token":42}', '[]', '{"token":"   "}', 'null']) {
      const tokens = new TokenStore(new SnapshotSecrets({ [SecretKeys.account]: raw }));
      assert.strictEqual(await tokens.get(), undefined, raw);
      tokens.dispose();
    }
    const secrets = new SnapshotSecrets({ [SecretKeys.account]: JSON.stringify({ token: 't', ownerId: -1, ownerLabel: 'x' }), [SecretKeys.legacyToken]: 'old' });
    const tokens = new TokenStore(secrets);
    assert.strictEqual(await tokens.get(), 't');
    assert.strictEqual(await tokens.getOwner(), undefined, 'a negative id is not an owner');
    await tokens.delete();
    assert.deepStrictEqual([...secrets.values.keys()], []);
    assert.strictEqual(await tokens.get(), undefined);
    tokens.dispose();
  });

  it('a change made in another window is announced and read again', async () => {
    const secrets = new SnapshotSecrets();
    const tokens = new TokenStore(secrets);
    assert.strictEqual(await tokens.get(), undefined);
    let announced = 0;
    tokens.onDidChange(() => announced++);
    await secrets.store(SecretKeys.account, JSON.stringify({ token: 'from-elsewhere', ownerId: 3 }));
    await secrets.store('someone.else', 'x');
    assert.strictEqual(announced, 1);
    assert.strictEqual(await tokens.get(), 'from-elsewhere');
    tokens.dispose();
  });
});
