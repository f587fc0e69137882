// Several agents on one request, in a real VS Code against the git-backed simulator: the command sends one
// request as N runs of one attempt group (counted at the simulator), the tree shows them as one row, Compare
// attempts opens one multi-diff with the right files, and Choose closes exactly the other attempts' pull
// requests after asking once (one PATCH each).
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { clientGit } from '../simulator/gitWorkspace';
import { SIM, type CodegenSimulator } from '../simulator/simulator';
import { freshWidgetsClone, gitSuitePaths, hooks, script, startSimulatorFor, waitFor, type ScriptedInteraction } from './helpers';

const CREATE_PATH = `/v1/organizations/${SIM.orgId}/agent/run`;

function multiDiffTabs(): Array<{ label: string; diffs: Array<{ original?: vscode.Uri; modified?: vscode.Uri }> }> {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input && typeof tab.input === 'object' && 'textDiffs' in tab.input)
    .map((tab) => ({ label: tab.label, diffs: (tab.input as { textDiffs: Array<{ original?: vscode.Uri; modified?: vscode.Uri }> }).textDiffs }));
}

describe('Several agents on one request (git-backed simulator)', function () {
  this.timeout(90_000);
  let sim: CodegenSimulator;
  let ui: ScriptedInteraction;
  let restore: () => void;
  let gitRoot: string;
  let clone: string;

  before(() => ({ gitRoot, clone } = gitSuitePaths()));

  beforeEach(async () => {
    sim = await startSimulatorFor({ gitRoot, runDurationMs: 60_000 });
    await freshWidgetsClone(sim, gitRoot, clone);
    ({ ui, restore } = await script());
  });

  afterEach(async () => {
    restore();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await sim.stop();
  });

  /** Finished attempts of one group, each with its PR branch pushed (the simulator makes each attempt differ). */
  async function seedGroup(group: string, count: number): Promise<number[]> {
    const h = await hooks();
    const ids = Array.from({ length: count }, (_, index) =>
      sim.addRun({ prompt: 'Add a cache', metadata: { title: 'Add a cache', attempt_group: group, attempt: index + 1 }, status: 'COMPLETE', pullRequest: true, repoId: 101 }).id,
    );
    await vscode.commands.executeCommand('codegen.refreshRuns');
    await waitFor(() => ids.every((id) => h.runs.store.get(id)?.pullRequests[0]?.headBranchName), 'the attempts and their PRs in the store');
    return ids;
  }

  it('Run on selection with several agents: 3 agents make exactly 3 runs with one group id and attempts 1..3, shown as one row', async () => {
    const h = await hooks();
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(clone, 'src/widget.ts')));
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    ui.pickAnswers.push((labels) => labels.indexOf('3 agents'));
    ui.promptAnswers.push({ kind: 'send', text: 'Add a cache' });
    const ids = (await vscode.commands.executeCommand<number[] | undefined>('codegen.runWithAttempts')) ?? [];
    assert.strictEqual(ids.length, 3);
    const creates = sim.requests.filter((r) => r.method === 'POST' && r.path === CREATE_PATH).map((r) => r.body as { prompt: string; metadata: Record<string, unknown> });
    assert.strictEqual(creates.length, 3, 'exactly 3 creates');
    const groups = new Set(creates.map((body) => body.metadata['attempt_group']));
    assert.strictEqual(groups.size, 1);
    assert.deepStrictEqual(creates.map((body) => body.metadata['attempt']), [1, 2, 3]);
    assert.strictEqual(new Set(creates.map((body) => body.prompt)).size, 1, 'the same prompt and context for each');
    const group = String([...groups][0]);
    const row = await waitFor(() => h.runs.tree.attemptsNode(group), 'the group row');
    const item = h.runs.tree.getTreeItem(row);
    assert.match(typeof item.label === 'string' ? item.label : (item.label?.label ?? ''), /^3 agents: /);
    assert.deepStrictEqual(h.runs.tree.getChildren(row).map((node) => (node.kind === 'run' ? node.run.id : -1)), ids);
  });

  it('"Send to several agents…" in the request picker of Run on selection sends the chosen number of runs of one group', async () => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(clone, 'src/widget.ts')));
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    ui.promptAnswers.push({ kind: 'send', text: 'Add a cache', several: true });
    ui.pickAnswers.push((labels) => labels.indexOf('2 agents'));
    await vscode.commands.executeCommand('codegen.runOnSelection');
    const creates = sim.requests.filter((r) => r.method === 'POST' && r.path === CREATE_PATH).map((r) => (r.body as { metadata: Record<string, unknown> }).metadata);
    assert.strictEqual(creates.length, 2);
    assert.strictEqual(new Set(creates.map((m) => m['attempt_group'])).size, 1);
    assert.deepStrictEqual(creates.map((m) => m['attempt']), [1, 2]);
    assert.deepStrictEqual(ui.picks[0]?.labels, ['2 agents', '3 agents', '4 agents'], 'the default (2) first');
  });

  it('Compare attempts opens one multi-diff: attempt 1 against attempt 2, and each against the base; the figures land on the runs', async () => {
    const h = await hooks();
    const [first, second] = await seedGroup('g-compare', 2);
    const headBefore = clientGit(clone, ['rev-parse', 'HEAD']).trim();
    const shown = await vscode.commands.executeCommand<string | undefined>('codegen.compareAttempts', 'g-compare');
    const tab = await waitFor(() => multiDiffTabs()[0], 'the multi-diff editor');
    assert.match(tab.label, /compare 2 attempts/);
    // Between the attempts: the run-specific files and each attempt's own approach and notes.
    assert.match(String(shown), /attempt 1 vs attempt 2: 5/);
    assert.match(String(shown), /base vs attempt 1: 6/);
    assert.match(String(shown), /base vs attempt 2: 6/);
    assert.strictEqual(tab.diffs.length, 17);
    const read = async (uri: vscode.Uri | undefined): Promise<string> => (uri ? (await vscode.workspace.openTextDocument(uri)).getText() : '');
    let approach: { original?: vscode.Uri; modified?: vscode.Uri } | undefined;
    for (const diff of tab.diffs) if (diff.modified?.path === '/attempt 1 vs attempt 2/src/approach.ts' && (await read(diff.original)).includes('APPROACH = 1')) approach = diff;
    assert.ok(approach, 'attempt 1 against attempt 2 shows src/approach.ts');
    assert.match(await read(approach.modified), /APPROACH = 2/);
    assert.strictEqual(h.runs.figures.get(first!)?.files, 6);
    assert.strictEqual(h.runs.figures.get(second!)?.files, 6);
    assert.ok((h.runs.figures.get(first!)?.added ?? 0) > 0);
    assert.strictEqual(clientGit(clone, ['rev-parse', 'HEAD']).trim(), headBefore, 'the working tree is untouched');
    assert.strictEqual(clientGit(clone, ['status', '--porcelain']).trim(), '');
  });

  it('Choose this attempt closes exactly the other attempts\' PRs after asking once (one PATCH each); dismissing closes none', async () => {
    const [first, second, third] = await seedGroup('g-choose', 3);
    const patches = (): string[] => sim.requests.filter((r) => r.method === 'PATCH').map((r) => r.path);
    // Dismissed: nothing is closed.
    ui.pickAnswers.push((labels) => labels.indexOf('Only close the others'));
    await vscode.commands.executeCommand('codegen.chooseAttempt', first);
    assert.strictEqual(patches().length, 0);
    const asked = ui.messages.filter((m) => m.modal && /Close the pull requests of the other attempts/.test(m.message));
    assert.strictEqual(asked.length, 1, 'asked once');
    assert.match(String(asked[0]!.detail), /Attempt 2/);
    assert.match(String(asked[0]!.detail), /Attempt 3/);
    assert.doesNotMatch(String(asked[0]!.detail), /Attempt 1/);
    // Confirmed, with Review: the multi-diff of the chosen attempt, then the two others closed.
    ui.pickAnswers.push((labels) => labels.indexOf('Review changes'));
    ui.messageAnswer = (m) => (m.modal && /Close the pull requests/.test(m.message) ? m.actions?.[0] : undefined);
    const closed = await vscode.commands.executeCommand<number[] | undefined>('codegen.chooseAttempt', first);
    await waitFor(() => multiDiffTabs().find((tab) => tab.label.includes(`#${first}`)), 'the review of the chosen attempt');
    assert.deepStrictEqual(patches().sort(), [`/v1/organizations/${SIM.orgId}/prs/${5000 + second!}`, `/v1/organizations/${SIM.orgId}/prs/${5000 + third!}`].sort());
    assert.deepStrictEqual(closed?.sort(), [5000 + second!, 5000 + third!].sort());
    assert.ok(sim.requests.filter((r) => r.method === 'PATCH').every((r) => (r.body as { state?: string }).state === 'closed'));
  });
});
