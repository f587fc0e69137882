import * as assert from 'assert';
import * as vscode from 'vscode';
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

describe('Activation', () => {
  it('is installed, lazy, and activates when its view is opened', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in the extension host`);
    const manifest = extension.packageJSON as Manifest;
    for (const event of manifest.activationEvents ?? []) {
      assert.notStrictEqual(event, '*', 'eager activation');
      assert.notStrictEqual(event, 'onStartupFinished', 'eager activation');
    }
    await vscode.commands.executeCommand('workbench.view.extension.codegen');
    for (let i = 0; i < 100 && !extension.isActive; i++) await new Promise((r) => setTimeout(r, 100));
    assert.strictEqual(extension.isActive, true, 'opening the Codegen view did not activate the extension');
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
