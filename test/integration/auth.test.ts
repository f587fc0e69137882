import * as assert from 'assert';
import * as vscode from 'vscode';
import { accountKey } from '../../src/runs/persistence';
import type { TestHooks } from '../../src/testHooks';
import { SIM, type CodegenSimulator } from '../simulator/simulator';
import * as path from 'path';
import * as fs from 'fs';
import { hooks, script, setSetting, startSimulatorFor, waitFor, type ScriptedInteraction } from './helpers';

describe('Sign-in and settings (against the simulator)', () => {
  let sim: CodegenSimulator;
  let ui: ScriptedInteraction;
  let restore: () => void;

  beforeEach(async () => {
    sim = await startSimulatorFor({ signIn: false, organizationId: null });
    ({ ui, restore } = await script());
  });

  afterEach(async () => {
    restore();
    await writeWorkspaceSettings(undefined);
    await sim.stop();
  });

  it('Set API token: a valid token is verified, stored, and signs in (one org picked without asking)', async () => {
    const h = await hooks();
    assert.strictEqual(h.contextKeys.get('codegen.signedIn'), false);
    assert.strictEqual(h.contextKeys.get('codegen.sessionKnown'), true, 'the welcome may speak: the session has read its token');
    ui.inputAnswers.push('other-token');
    const result = await vscode.commands.executeCommand<boolean>('codegen.setToken');
    assert.strictEqual(result, true);
    assert.strictEqual(await h.hasToken(), true);
    assert.strictEqual(h.contextKeys.get('codegen.signedIn'), true);
    assert.strictEqual(ui.inputs[0]?.password, true, 'the token box must be a password box');
    assert.ok(ui.messagesMatching(/Signed in to Codegen as Other Developer/).length === 1, JSON.stringify(ui.messages));
    // other-token's user belongs to exactly one organization: chosen without a picker.
    assert.strictEqual(ui.picks.length, 0);
    assert.strictEqual(vscode.workspace.getConfiguration('codegen').get('organizationId'), 1);
    assert.strictEqual(h.contextKeys.get('codegen.organizationSelected'), true);
    assert.strictEqual(sim.countRequests({ method: 'GET', path: '/v1/users/me' }), 1);
  });

  it('Set API token: an invalid token is not stored and the error says so', async () => {
    const h = await hooks();
    ui.inputAnswers.push('not-a-valid-token');
    const result = await vscode.commands.executeCommand<boolean>('codegen.setToken');
    assert.strictEqual(result, false);
    assert.strictEqual(await h.hasToken(), false);
    assert.strictEqual(h.contextKeys.get('codegen.signedIn'), false);
    assert.strictEqual(ui.messagesMatching(/rejected that API token.*not saved/).length, 1, JSON.stringify(ui.messages));
  });

  it('Set API token: when the service cannot be reached, the user may save it unverified', async () => {
    const h = await hooks();
    sim.injectFault({ kind: 'drop', path: '/v1/users/me', times: -1 });
    ui.inputAnswers.push('test-token');
    ui.messageAnswer = (m) => (m.modal ? 'Save without verifying' : undefined);
    assert.strictEqual(await vscode.commands.executeCommand<boolean>('codegen.setToken'), true);
    assert.strictEqual(await h.hasToken(), true);
    assert.strictEqual(ui.messagesMatching(/not verified/).length, 1, JSON.stringify(ui.messages));
  });

  /** Signs in with organization 1 through Set API token (verified: the session knows the user) and waits for the Runs view. */
  async function signInVerified(): Promise<TestHooks> {
    const h = await hooks();
    await setSetting('organizationId', 1);
    ui.inputAnswers.push('test-token');
    assert.strictEqual(await vscode.commands.executeCommand<boolean>('codegen.setToken'), true);
    await h.runs.whenSettled();
    return h;
  }

  it('a token saved again unverified learns its user once the service answers, so its runs are saved from then on', async function () {
    this.timeout(90_000);
    // Signed in and verified first: the session knows this token's user.
    const h = await signInVerified();
    assert.strictEqual(h.session.state.userId, SIM.userId);
    // Saved again while the service cannot be reached: its owner is forgotten with the old entry.
    sim.injectFault({ kind: 'drop', path: '/v1/users/me', times: -1 });
    ui.inputAnswers.push('test-token');
    ui.messageAnswer = (m) => (m.modal ? 'Save without verifying' : undefined);
    assert.strictEqual(await vscode.commands.executeCommand<boolean>('codegen.setToken'), true);
    await h.runs.whenSettled();
    assert.strictEqual(h.session.state.userId, undefined, 'not known while the service cannot say');
    // The service answers again: the next poll of "My runs" asks who the user is, and the session learns it.
    sim.clearFaults();
    sim.addRun({ prompt: 'Saved once the user is known', metadata: { title: 'Saved once the user is known' }, status: 'COMPLETE' });
    for (let i = 0; i < 40 && h.session.state.userId === undefined; i++) {
      await vscode.commands.executeCommand('codegen.refreshRuns');
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.strictEqual(h.session.state.userId, SIM.userId, 'the user is learned');
    await h.runs.whenSettled();
    await h.runs.store.flush();
    const cache = h.globalState.get<{ accounts: Record<string, { runs?: Array<{ id: number }> }> }>('codegen.runs.cache');
    const saved = cache?.accounts[accountKey(sim.url, 1, SIM.userId)];
    assert.ok(saved?.runs?.some((run) => run.id > 0), `the account's runs are saved (keys: ${JSON.stringify(Object.keys(cache?.accounts ?? {}))})`);
  });

  it('the Runs view follows the session again after one of its updates failed, and the failure is logged', async function () {
    this.timeout(60_000);
    const h = await signInVerified();
    // A run the poll brings in: a change of content, saved at once.
    sim.addRun({ prompt: 'Saved before the sign-out', metadata: { title: 'Saved before the sign-out' }, status: 'COMPLETE' });
    const key = accountKey(sim.url, 1, SIM.userId);
    await waitFor(async () => {
      await vscode.commands.executeCommand('codegen.refreshRuns');
      await h.runs.store.flush();
      return h.globalState.get<{ accounts: Record<string, unknown> }>('codegen.runs.cache')?.accounts[key] !== undefined;
    }, "the account's runs saved");
    // The extension's storage refuses writes while the user signs out: forgetting the saved runs fails.
    const memento = h.globalState as { update: vscode.Memento['update'] };
    const update = memento.update;
    memento.update = () => Promise.reject(new Error('the storage refused the write'));
    try {
      await h.session.signOut();
      await h.runs.whenSettled().catch(() => undefined);
    } finally {
      memento.update = update;
    }
    assert.strictEqual(h.runs.poller(), undefined, 'signed out: nothing followed');
    // The next update still runs: signing in again follows the account.
    ui.inputAnswers.push('test-token');
    assert.strictEqual(await vscode.commands.executeCommand<boolean>('codegen.setToken'), true);
    await assert.doesNotReject(h.runs.whenSettled(), 'the updates after a failed one are applied');
    assert.ok(h.runs.poller(), 'the account signed in again is followed');
    assert.match(h.logText(), /Following the Codegen account failed: .*the storage refused the write/);
  });

  it('a refresh right after signing in lists the new account\u2019s runs, and never asks for a token again', async () => {
    const h = await hooks();
    const seeded = sim.addRun({ prompt: 'Listed right after sign-in', metadata: { title: 'Listed right after sign-in' }, status: 'COMPLETE' });
    await setSetting('organizationId', 1);
    await h.session.storeToken('test-token');
    await vscode.commands.executeCommand('codegen.refreshRuns');
    assert.ok(h.runs.store.get(seeded.id), 'the refresh listed the signed-in account\u2019s runs');
    assert.strictEqual(ui.inputs.length, 0, 'no token was asked for');
  });

  it('Sign out deletes the token', async () => {
    const h = await hooks();
    await h.session.storeToken('test-token');
    assert.strictEqual(await h.hasToken(), true);
    await vscode.commands.executeCommand('codegen.signOut');
    assert.strictEqual(await h.hasToken(), false);
    assert.strictEqual(h.contextKeys.get('codegen.signedIn'), false);
  });

  it('Select organization offers a pick when there are several, and stores the choice', async () => {
    const h = await hooks();
    await h.session.storeToken('test-token');
    ui.pickAnswers.push((labels) => labels.indexOf('Globex'));
    const chosen = await vscode.commands.executeCommand<number>('codegen.selectOrganization');
    assert.strictEqual(chosen, 2);
    assert.deepStrictEqual(ui.picks[0]?.labels, ['Acme', 'Globex']);
    assert.strictEqual(vscode.workspace.getConfiguration('codegen').get('organizationId'), 2);
  });

  it('a 401 from many calls at once leads to exactly one prompt', async () => {
    const h = await hooks();
    await h.session.storeToken('revoked-token');
    const calls = Array.from({ length: 5 }, () => h.session.api.listRuns(1, { limit: 10 }).then(() => 'ok', (e: Error) => e.name));
    const outcomes = await Promise.all(calls);
    assert.deepStrictEqual(outcomes, Array(5).fill('CodegenApiError'));
    await h.session.api.getCurrentUser().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    assert.strictEqual(ui.messagesMatching(/rejected your API token \(401\)/).length, 1, JSON.stringify(ui.messages));
  });

  it('a workspace-level codegen.apiBaseUrl has no effect', async () => {
    const h = await hooks();
    await h.session.storeToken('test-token');
    // VS Code refuses to write an application-scoped setting to the workspace through the API, so this
    // writes .vscode/settings.json the way a cloned repository would carry it.
    await writeWorkspaceSettings({ 'codegen.apiBaseUrl': 'https://attacker.example' });
    await new Promise((r) => setTimeout(r, 500));
    const user = await h.session.api.getCurrentUser();
    assert.strictEqual(user.id, 7, 'the call must still go to the user-level URL (the simulator)');
    // The call (and the one that learns the token's owner) reached the simulator, nothing else.
    assert.ok(sim.countRequests({ path: '/v1/users/me' }) >= 1);
  });

  it('a non-loopback http: base URL is refused before any request', async () => {
    const h = await hooks();
    await h.session.storeToken('test-token');
    await setSetting('apiBaseUrl', 'http://api.codegen.example');
    assert.match(String(h.session.state.configurationError), /http: is allowed only/);
    assert.strictEqual(h.contextKeys.get('codegen.configurationError'), true);
    await assert.rejects(h.session.api.getCurrentUser(), /http: is allowed only/);
    await setSetting('apiBaseUrl', sim.url);
    assert.strictEqual(h.contextKeys.get('codegen.configurationError'), false);
  });

  it('the token never reaches the log', async () => {
    const h = await hooks();
    const secretToken = 'test-token';
    ui.inputAnswers.push(secretToken);
    ui.pickAnswers.push(() => 0);
    await vscode.commands.executeCommand('codegen.setToken');
    sim.injectFault({ kind: 'status', status: 500, times: 1 });
    await h.session.api.listRuns(1).catch(() => undefined);
    sim.injectFault({ kind: 'rateLimit', times: 1, retryAfterSeconds: 1 });
    await h.session.api.listRuns(1).catch(() => undefined);
    await h.session.storeToken('revoked-token-abc');
    await h.session.api.listRuns(1).catch(() => undefined);
    const text = h.logText();
    assert.ok(text.length > 0, 'nothing was logged: the check would prove nothing');
    assert.ok(!text.includes(secretToken), 'the valid token appears in the log');
    assert.ok(!text.includes('revoked-token-abc'), 'the rejected token appears in the log');
  });
});

async function writeWorkspaceSettings(settings: Record<string, unknown> | undefined): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) throw new Error('the in-host tests need a workspace folder');
  const file = path.join(folder, '.vscode', 'settings.json');
  if (settings === undefined) {
    await fs.promises.rm(file, { force: true });
    return;
  }
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await fs.promises.writeFile(file, JSON.stringify(settings));
}
