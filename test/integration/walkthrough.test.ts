// The "Get started with Codegen" walkthrough: its four steps complete on events the extension really
// raises (context keys it sets, commands it registers), their media ship with the extension, and
// "Codegen: Get started" opens it.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, hooks, startSimulatorFor, waitFor } from './helpers';

interface WalkthroughStep {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string; svg?: string };
  completionEvents?: string[];
}

interface Walkthrough {
  id: string;
  title: string;
  steps: WalkthroughStep[];
}

function walkthrough(): Walkthrough {
  const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { walkthroughs?: Walkthrough[] } };
  const found = manifest.contributes.walkthroughs?.find((w) => w.id === 'codegen.gettingStarted');
  assert.ok(found, 'no codegen.gettingStarted walkthrough in the manifest');
  return found;
}

/** Walkthroughs open in VS Code's Welcome editor ("Welcome"; some versions title it "Walkthrough: …"). */
function walkthroughTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => /^(welcome|walkthrough\b)|get started/i.test(tab.label));
}

describe('Walkthrough', () => {
  it('has the four steps, titled in English from package.nls.json, completing on real context keys and commands', async () => {
    const h = await hooks();
    const { title, steps } = walkthrough();
    assert.strictEqual(title, 'Get started with Codegen');
    assert.deepStrictEqual(
      steps.map((s) => s.title),
      ['Set your API token', 'Choose the organization', 'Run on a selection', 'Watch the logs'],
    );
    assert.deepStrictEqual(
      steps.map((s) => s.completionEvents),
      [['onContext:codegen.signedIn'], ['onContext:codegen.organizationSelected'], ['onCommand:codegen.runOnSelection'], ['onCommand:codegen.showRunDetails']],
    );
    const registered = await vscode.commands.getCommands(true);
    for (const step of steps) {
      for (const event of step.completionEvents ?? []) {
        const [kind, name] = event.split(':') as [string, string];
        if (kind === 'onCommand') assert.ok(registered.includes(name), `${step.id}: ${name} is not a registered command`);
        // The extension sets these keys at activation (ContextKeys remembers what it set).
        else if (kind === 'onContext') await waitFor(() => h.contextKeys.get(name) !== undefined, `${step.id}: the extension to set ${name}`);
        else assert.fail(`${step.id}: unexpected completion event ${event}`);
      }
      // Each step's button runs a command the extension registered.
      const buttons = [...step.description.matchAll(/\]\(command:([\w.]+)\)/g)].map((m) => m[1]!);
      assert.strictEqual(buttons.length, 1, `${step.id} has ${buttons.length} command buttons`);
      for (const command of buttons) assert.ok(registered.includes(command), `${step.id}: button command ${command} is not registered`);
    }
  });

  it("ships every step's markdown media inside the extension", async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    for (const step of walkthrough().steps) {
      const media = step.media.markdown;
      assert.ok(media, `${step.id} has no markdown media`);
      assert.match(media, /^media\/walkthrough\/[\w-]+\.md$/);
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, media));
      const text = new TextDecoder().decode(bytes);
      assert.match(text, /^# \S/, `${media} does not start with a heading`);
      assert.doesNotMatch(text, /!\[|<img|https?:\/\/\S+\.(png|jpe?g|gif|svg)/i, `${media} references an image`);
    }
  });

  it('the completion context keys follow sign-in and the organization', async () => {
    const h = await hooks();
    const sim = await startSimulatorFor({ signIn: false, organizationId: null });
    try {
      assert.strictEqual(h.contextKeys.get('codegen.signedIn'), false);
      assert.strictEqual(h.contextKeys.get('codegen.organizationSelected'), false);
      await h.session.storeToken('test-token');
      assert.strictEqual(h.contextKeys.get('codegen.signedIn'), true);
      await vscode.workspace.getConfiguration('codegen').update('organizationId', 1, vscode.ConfigurationTarget.Global);
      await waitFor(() => h.contextKeys.get('codegen.organizationSelected') === true, 'codegen.organizationSelected to become true');
    } finally {
      await sim.stop();
    }
  });

  it('"Codegen: Get started" opens the walkthrough in an editor tab', async () => {
    for (const tab of walkthroughTabs()) await vscode.window.tabGroups.close(tab);
    await waitFor(() => walkthroughTabs().length === 0, 'the Welcome tabs to close');
    await vscode.commands.executeCommand('codegen.openWalkthrough');
    // Tab groups update asynchronously.
    const tabs = await waitFor(() => (walkthroughTabs().length > 0 ? walkthroughTabs() : undefined), 'a walkthrough tab');
    try {
      assert.ok(tabs.some((tab) => tab.isActive), `the walkthrough tab is not active: ${tabs.map((t) => t.label).join(', ')}`);
    } finally {
      for (const tab of tabs) await vscode.window.tabGroups.close(tab);
    }
  });
});
