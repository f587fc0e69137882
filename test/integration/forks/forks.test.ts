// Run only in the second in-host pass (scripts/test-all.sh: INHOST_WITHOUT=...), where the extension host
// starts with CODEGEN_TEST_WITHOUT set: the extension then sees the editor's API as a fork of VS Code
// (Cursor, Windsurf, VSCodium) may give it, with chat and the multi-diff editor missing and the language-
// model tools and the Accounts menu present but throwing when used. Activation must go on, and sending,
// following, the details panel and bringing work back must still work.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { cloneClientWorkspace } from '../../simulator/gitWorkspace';
import type { CodegenSimulator } from '../../simulator/simulator';
import { hooks, script, startSimulatorFor, waitFor, type ScriptedInteraction } from '../helpers';

const CREATE_PATH = '/v1/organizations/1/agent/run';

describe(`In an editor without some of VS Code's API (${process.env.CODEGEN_TEST_WITHOUT ?? ''})`, function () {
  this.timeout(60_000);
  let sim: CodegenSimulator;
  let ui: ScriptedInteraction;
  let restore: () => void;

  beforeEach(async () => {
    ({ ui, restore } = await script());
  });

  afterEach(async () => {
    restore();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await sim?.stop();
  });

  it('activates; each missing or throwing surface is logged once; every command is still there', async () => {
    const extension = vscode.extensions.getExtension('codegen-sh.codegen-vscode');
    assert.ok(extension);
    const h = await hooks();
    assert.strictEqual(extension.isActive, true);
    assert.deepStrictEqual([...h.lackingSurfaces()].sort(), ['accounts', 'chat', 'lm']);
    const log = h.logText();
    for (const words of ['chat participants (vscode.chat)', 'language-model tools (vscode.lm)', 'authentication providers for the Accounts menu']) {
      assert.strictEqual(log.split(`This editor lacks ${words}`).length - 1, 1, `"${words}" logged once: ${log}`);
    }
    assert.match(log, /language-model tools \(vscode\.lm\) \(registering it failed: registerTool is not supported in this editor\)/);
    // Every command is still there.
    const commands = await vscode.commands.getCommands(true);
    for (const command of ['codegen.newRun', 'codegen.runOnSelection', 'codegen.showRunDetails', 'codegen.reviewChanges', 'codegen.refreshRuns']) assert.ok(commands.includes(command), command);
  });

  it('sending, following and the details panel still work', async () => {
    sim = await startSimulatorFor({ runDurationMs: 60_000 });
    const h = await hooks();
    ui.promptAnswers.push({ kind: 'send', text: 'Add a changelog entry for the release' });
    const id = await vscode.commands.executeCommand<number | undefined>('codegen.newRun');
    assert.ok(typeof id === 'number', `a run id; messages: ${JSON.stringify(ui.messages.map((m) => m.message))}`);
    assert.strictEqual(sim.countRequests({ method: 'POST', path: new RegExp(`^${CREATE_PATH}$`) }), 1, 'exactly one create');
    assert.ok(h.runs.store.get(id), 'in the tree at once');
    // Following: the run's end reaches the store through the poller.
    sim.setRunStatus(id, 'COMPLETE');
    await vscode.commands.executeCommand('codegen.refreshRuns');
    await waitFor(() => h.runs.store.get(id)?.status === 'COMPLETE', 'the run to be seen finished', 20_000);
    // The details panel loads its webview and the run's logs.
    const details = h.runDetails.show(id);
    await waitFor(() => details.session.loadedLogCount > 0, 'the panel to load the logs', 20_000);
  });

  it('Review changes says plainly that this editor lacks the multi-diff editor, once logged, and changes nothing', async () => {
    const gitRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'codegen-forks-git-'));
    sim = await startSimulatorFor({ gitRoot, runDurationMs: 60_000 });
    sim.ensureGitRepository('acme/widgets');
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const clone = path.join(folder.uri.fsPath, 'forks-widgets');
    fs.rmSync(clone, { recursive: true, force: true });
    cloneClientWorkspace({ gitRoot, dir: clone });
    const h = await hooks();
    const seeded = sim.addRun({ prompt: 'Add a feature flag', metadata: { title: 'Add a feature flag' }, status: 'COMPLETE', pullRequest: true, repoId: 101 });
    await vscode.commands.executeCommand('codegen.refreshRuns');
    await waitFor(() => h.runs.store.get(seeded.id)?.pullRequests[0]?.headBranchName, 'the run and its PR in the store', 20_000);
    await vscode.commands.executeCommand('codegen.reviewChanges', seeded.id);
    const said = ui.messagesMatching(/This editor lacks the multi-diff editor/);
    assert.strictEqual(said.length, 1, JSON.stringify(ui.messages.map((m) => m.message)));
    assert.match(said[0]!.message, /Check out or Apply/);
    assert.deepStrictEqual([...h.lackingSurfaces()].sort(), ['accounts', 'changes', 'chat', 'lm']);
    await vscode.commands.executeCommand('codegen.reviewChanges', seeded.id);
    assert.strictEqual(h.logText().split("This editor lacks the multi-diff editor (the 'vscode.changes' command)").length - 1, 1, 'logged once');
    fs.rmSync(clone, { recursive: true, force: true });
  });
});
