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

  it('onDidChangeRunStatus fires once per transition (not for the first sighting), with the previous status and the PRs', async function () {
    this.timeout(120_000);
    const seeded = sim.addRun({ prompt: 'Watched run', metadata: { title: 'Watched run' }, status: 'RUNNING' });
    // Right after the sign-in of beforeEach a refresh may land while the account switch settles: refresh until it is seen.
    await waitFor(async () => {
      await vscode.commands.executeCommand('codegen.refreshRuns');
      return api.getRuns().some((run) => run.id === seeded.id);
    }, 'the run in getRuns', 45_000);
    const events: Array<{ runId: number; previousStatus: string | undefined; status: string | undefined; prs: number }> = [];
    const subscription = api.onDidChangeRunStatus((event) => events.push({ runId: event.runId, previousStatus: event.previousStatus, status: event.status, prs: event.pullRequests.length }));
    try {
      await vscode.commands.executeCommand('codegen.refreshRuns');
      assert.deepStrictEqual(events.filter((e) => e.runId === seeded.id), [], 'no change: no event');
      sim.setRunStatus(seeded.id, 'COMPLETE');
      await vscode.commands.executeCommand('codegen.refreshRuns');
      await waitFor(() => events.some((e) => e.runId === seeded.id), 'the transition event');
      await vscode.commands.executeCommand('codegen.refreshRuns');
      const mine = events.filter((e) => e.runId === seeded.id);
      assert.strictEqual(mine.length, 1, 'once, however often the list is read');
      assert.strictEqual(mine[0]!.previousStatus, 'RUNNING');
      assert.strictEqual(mine[0]!.status, 'COMPLETE');
    } finally {
      subscription.dispose();
    }
  });

  it('createRun with attempts sends that many runs of one attempt group and returns them all; a bad count is refused', async () => {
    const created = await api.createRun({ prompt: 'Try two ways to cache', attempts: 2 });
    assert.strictEqual(created.attemptRuns?.length, 2);
    assert.strictEqual(created.attemptRuns?.[0]?.id, created.id);
    const bodies = sim.requests.filter((r) => r.method === 'POST' && r.path === CREATE_PATH).map((r) => (r.body as { metadata: Record<string, unknown> }).metadata);
    assert.strictEqual(bodies.length, 2);
    assert.strictEqual(bodies[0]!['attempt_group'], bodies[1]!['attempt_group']);
    assert.deepStrictEqual(bodies.map((m) => m['attempt']), [1, 2]);
    const all = await api.createRuns({ prompt: 'Try three ways', attempts: 3 });
    assert.strictEqual(all.length, 3);
    await assert.rejects(api.createRun({ prompt: 'Too many', attempts: 5 }), /attempts must be a whole number from 2 to 4/);
    assert.strictEqual(sim.countRequests({ method: 'POST', path: CREATE_PATH }), 5);
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
