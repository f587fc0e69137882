// Codegen in the Accounts menu: an AuthenticationProvider over the same SecretStorage token. After
// sign-in vscode.authentication gives a session with the token; after sign-out there is none; signing
// out through the provider (the Accounts menu) deletes the token.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { CodegenSimulator } from '../simulator/simulator';
import { hooks, script, startSimulatorFor, waitFor, type ScriptedInteraction } from './helpers';

describe('Accounts menu (against the simulator)', () => {
  let sim: CodegenSimulator;
  let ui: ScriptedInteraction;
  let restore: () => void;

  beforeEach(async () => {
    sim = await startSimulatorFor({ signIn: false });
    ({ ui, restore } = await script());
  });

  afterEach(async () => {
    restore();
    await sim.stop();
  });

  it('gives a session after sign-in and none after sign-out; the account is listed in the Accounts menu; signing in and out through it uses the same token', async () => {
    const h = await hooks();
    const provider = h.authProvider;
    const changes: vscode.AuthenticationProviderAuthenticationSessionsChangeEvent[] = [];
    const subscription = provider.onDidChangeSessions((event) => changes.push(event));
    try {
      assert.deepStrictEqual(await provider.getSessions(undefined, {}), []);
      await h.session.storeToken('test-token');
      await waitFor(() => changes.some((c) => c.added?.length), 'the sessions change event (added)');
      const [session] = await provider.getSessions(undefined, {});
      assert.ok(session, 'a session after sign-in');
      assert.strictEqual(session.accessToken, 'test-token');
      assert.strictEqual(session.account.id, '7');
      assert.match(session.account.label, /\S/);
      // VS Code itself knows the account (the Accounts menu lists it).
      await waitFor(async () => (await vscode.authentication.getAccounts('codegen')).some((account) => account.id === '7'), 'the account in the Accounts menu');
      await h.session.signOut();
      await waitFor(() => changes.some((c) => c.removed?.length), 'the sessions change event (removed)');
      assert.deepStrictEqual(await provider.getSessions(undefined, {}), []);
      await waitFor(async () => (await vscode.authentication.getAccounts('codegen')).length === 0, 'no account after sign-out');

      // Sign in from the Accounts menu: the provider runs the same Set API token flow.
      ui.inputAnswers.push('test-token');
      const created = await provider.createSession([], {});
      assert.strictEqual(created.accessToken, 'test-token');
      assert.strictEqual(await h.hasToken(), true);
      assert.ok(ui.inputs.some((input) => input.password === true), 'the token box was shown');
      // Sign out from the Accounts menu deletes the token.
      await provider.removeSession(created.id);
      assert.strictEqual(await h.hasToken(), false);
      assert.deepStrictEqual(await provider.getSessions(undefined, {}), []);
    } finally {
      subscription.dispose();
    }
  });
});
