import * as assert from 'assert';
import * as vscode from 'vscode';
import { SecretKeys, StateKeys } from '../../src/ids';
import { hooks, script } from './helpers';

const EXTENSION_ID = 'codegen-sh.codegen-vscode';

interface Manifest {
  activationEvents?: string[];
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    viewsContainers: { activitybar: Array<{ id: string; title: string; icon: string }> };
    views: Record<string, Array<{ id: string; name: string }>>;
  };
}

// This file runs first (00-): nothing has asked for the extension yet.
describe('Activation', () => {
  it('activates once the window has started, without its view being opened or any command run (every door open), never at "*"', async function () {
    this.timeout(40_000);
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in the extension host`);
    const manifest = extension.packageJSON as Manifest;
    assert.ok(!(manifest.activationEvents ?? []).includes('*'), 'activation at "*" slows every window start');
    for (let i = 0; i < 300 && !extension.isActive; i++) await new Promise((r) => setTimeout(r, 100));
    assert.strictEqual(extension.isActive, true, 'the extension did not activate after startup: the quick fix and the TODO action would not be offered');
  });

  it('at startup it reads only its token and saved state, and keeps no timer', async () => {
    const h = await hooks();
    const startup = await h.startup();
    const allowed = new Set([`secrets:${SecretKeys.account}`, `secrets:${SecretKeys.legacyToken}`, `secrets:${SecretKeys.legacyTokenOwner}`, `secrets:${SecretKeys.legacyTokenOwnerLabel}`, `globalState:${StateKeys.runsCache}`, `globalState:${StateKeys.runsFilter}`]);
    assert.deepStrictEqual(startup.reads.filter((key) => !allowed.has(key)), [], `reads: ${startup.reads.join(', ')}`);
    assert.ok(startup.reads.some((key) => key.startsWith('secrets:')), `the token is read: ${startup.reads.join(', ')}`);
    assert.strictEqual(startup.pendingTimers, 0, 'a timer waits at startup');
  });

  it('contributes the Codegen container with the Runs view', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as Manifest;
    const container = manifest.contributes.viewsContainers.activitybar.find((c) => c.id === 'codegen');
    assert.ok(container);
    assert.strictEqual(container.title, 'Codegen');
    assert.deepStrictEqual(
      manifest.contributes.views.codegen?.map((v) => [v.id, v.name]),
      [['codegen.runs', 'Runs']],
    );
  });

  it('registers every declared command, each in the Codegen category, and no undeclared ones', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as Manifest;
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    for (const command of manifest.contributes.commands) {
      assert.strictEqual(command.category, 'Codegen', `${command.command} has no Codegen category`);
    }
    const registered = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('codegen.')).sort();
    const missing = declared.filter((c) => !registered.includes(c));
    assert.deepStrictEqual(missing, [], 'declared but not registered');
    const undeclared = registered.filter((c) => !declared.includes(c) && !c.startsWith('codegen.runs.'));
    assert.deepStrictEqual(undeclared, [], 'registered but not declared');
  });

  it('refreshing while signed out asks for a token instead of calling the API', async () => {
    const { ui, restore } = await script();
    try {
      const h = await hooks();
      await h.session.signOut();
      await vscode.commands.executeCommand('codegen.refreshRuns');
      assert.strictEqual(ui.inputs.length, 1);
      assert.match(String(ui.inputs[0]?.title), /Set API token/);
    } finally {
      restore();
    }
  });
});
