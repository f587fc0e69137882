import * as assert from 'assert';
import * as vscode from 'vscode';
import type { CodegenSimulator } from '../simulator/simulator';
import type { CodegenApiV1 } from '../../src/exportedApi';
import { EXTENSION_ID, hooks, script, startSimulatorFor, waitFor, type ScriptedInteraction } from './helpers';

const CREATE_PATH = '/v1/organizations/1/agent/run';

describe('Exported API and URI handler (against the simulator)', () => {
  let sim: CodegenSimulator;
  let ui: ScriptedInteraction;
  let restore: () => void;
  let api: CodegenApiV1;

  beforeEach(async () => {
    sim = await startSimulatorFor({});
    ({ ui, restore } = await script());
    api = await vscode.extensions.getExtension<CodegenApiV1>(EXTENSION_ID)!.activate();
  });

  afterEach(async () => {
    restore();
    await sim.stop();
  });

  it('createRun creates one run, tagged as coming from the API, that getRuns and onDidChangeRuns show at once', async () => {
    assert.strictEqual(api.apiVersion, 1);
    const seen: number[][] = [];
    const subscription = api.onDidChangeRuns((runs) => seen.push(runs.map((r) => r.id)));
    try {
      const run = await api.createRun({ prompt: 'Rename greet() to welcome()', metadata: { title: 'Rename greet', caller: 'test' } });
      assert.strictEqual(sim.countRequests({ method: 'POST', path: CREATE_PATH }), 1);
      const stored = sim.getRun(run.id)!;
      assert.strictEqual(stored.prompt, 'Rename greet() to welcome()');
      assert.strictEqual(stored.metadata?.['source'], 'vscode-api');
      assert.strictEqual(stored.metadata?.['caller'], 'test');
      assert.ok(api.getRuns().some((r) => r.id === run.id), 'getRuns has the new run');
      assert.ok(seen.some((ids) => ids.includes(run.id)), 'onDidChangeRuns fired with the new run');
    } finally {
      subscription.dispose();
    }
  });

  it('createRun refuses a prompt with a secret, an empty prompt, and a signed-out user, without any create', async () => {
    await assert.rejects(api.createRun({ prompt: 'use ghp_M0XvqZjxTW3xvboSRt5Mh3dAwVtRMflhbmua to push' }), /looks like it contains secrets: GitHub/);
    await assert.rejects(api.createRun({ prompt: '   ' }), /non-empty prompt/);
    const h = await hooks();
    await h.session.signOut();
    await assert.rejects(api.createRun({ prompt: 'hello' }), /not signed in/);
    assert.strictEqual(sim.countRequests({ method: 'POST', path: CREATE_PATH }), 0);
    assert.strictEqual(ui.messages.length, 0, 'the API never asks the user anything');
  });

  it('a vscode://codegen-sh.codegen-vscode/run/<id> link opens that run\'s details; a bad link says so', async () => {
    const h = await hooks();
    const seeded = sim.addRun({ prompt: 'Linked run', metadata: { title: 'Linked run' }, status: 'COMPLETE' });
    await h.uriHandler.handleUri(vscode.Uri.parse(`${vscode.env.uriScheme}://${EXTENSION_ID}/run/${seeded.id}`));
    await waitFor(() => h.runDetails.openRunIds.includes(seeded.id), 'the run details panel of the linked run');
    await h.uriHandler.handleUri(vscode.Uri.parse(`${vscode.env.uriScheme}://${EXTENSION_ID}/settings`));
    assert.strictEqual(ui.messagesMatching(/not one the extension understands/).length, 1);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
