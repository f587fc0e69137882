// Bringing the agent's work back, in a real VS Code against the git-backed simulator: a clone of the
// simulator's bare repository (its remote still says github.com; git's traffic goes to the bare repository
// through the clone's own url.<dir>.insteadOf) is opened in the workspace; each simulated PR is a real
// branch with an added, a modified, a deleted and a renamed file.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { accountKey, parsePersistedRuns } from '../../src/runs/persistence';
import { pullRequestRef } from '../../src/changes/fetchBranch';
import { clientGit } from '../simulator/gitWorkspace';
import { runBranchChanges, SIM, type CodegenSimulator } from '../simulator/simulator';
import { freshWidgetsClone, gitSuitePaths, hooks, script, setSetting, startSimulatorFor, waitFor, type ScriptedInteraction } from './helpers';

function multiDiffTabs(): Array<{ label: string; diffs: Array<{ original?: vscode.Uri; modified?: vscode.Uri }> }> {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input && typeof tab.input === 'object' && 'textDiffs' in (tab.input))
    .map((tab) => ({ label: tab.label, diffs: (tab.input as { textDiffs: Array<{ original?: vscode.Uri; modified?: vscode.Uri }> }).textDiffs }));
}

describe('Bring the work back (git-backed simulator)', function () {
  this.timeout(60_000);
  let sim: CodegenSimulator;
  let ui: ScriptedInteraction;
  let restore: () => void;
  let gitRoot: string;
  let clone: string;
  const git = (...args: string[]): string => clientGit(clone, args).trim();

  before(() => ({ gitRoot, clone } = gitSuitePaths()));

  beforeEach(async () => {
    sim = await startSimulatorFor({ gitRoot, runDurationMs: 60_000 });
    await freshWidgetsClone(sim, gitRoot, clone);
    ({ ui, restore } = await script());
  });

  afterEach(async () => {
    restore();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await setSetting('notifications', undefined);
    await sim.stop();
  });

  async function finishedRunWithPr(): Promise<number> {
    const h = await hooks();
    const seeded = sim.addRun({ prompt: 'Add a feature flag', metadata: { title: 'Add a feature flag' }, status: 'COMPLETE', pullRequest: true, repoId: 101 });
    await vscode.commands.executeCommand('codegen.refreshRuns');
    await waitFor(() => h.runs.store.get(seeded.id)?.pullRequests[0]?.headBranchName, 'the run and its PR in the store');
    return seeded.id;
  }

  it('Review changes opens one multi-diff with the added, modified, deleted and renamed files, read from git objects; the working tree is untouched', async () => {
    const id = await finishedRunWithPr();
    const headBefore = git('rev-parse', 'HEAD');
    await vscode.commands.executeCommand('codegen.reviewChanges', id);
    const tab = await waitFor(() => multiDiffTabs()[0], 'the multi-diff editor');
    assert.match(tab.label, new RegExp(`#${id}`));
    const expected = runBranchChanges(id);
    const byName = new Map(tab.diffs.map((diff) => [diff.modified!.path.replace(/^\//, ''), diff]));
    assert.deepStrictEqual([...byName.keys()].sort(), [expected.added.path, expected.deleted.path, expected.modified.path, expected.renamed.to].sort());
    const read = async (uri: vscode.Uri | undefined): Promise<string | undefined> => (uri ? (await vscode.workspace.openTextDocument(uri)).getText() : undefined);
    assert.strictEqual(await read(byName.get(expected.added.path)!.modified), expected.added.content);
    assert.strictEqual(await read(byName.get(expected.added.path)!.original), '', 'an added file is empty on the left');
    assert.strictEqual(await read(byName.get(expected.modified.path)!.original), expected.modified.before);
    assert.strictEqual(await read(byName.get(expected.modified.path)!.modified), expected.modified.after);
    assert.strictEqual(await read(byName.get(expected.deleted.path)!.modified), '', 'a deleted file is empty on the right');
    assert.strictEqual(await read(byName.get(expected.deleted.path)!.original), expected.deleted.content);
    const renamed = byName.get(expected.renamed.to)!;
    assert.strictEqual(renamed.original?.path, `/${expected.renamed.from}`);
    assert.strictEqual(await read(renamed.modified), expected.renamed.content);
    // Read-only: the sides are served by the extension from git objects, not files.
    assert.ok(tab.diffs.every((diff) => [diff.original, diff.modified].every((uri) => !uri || uri.scheme === 'codegen-changes')));
    assert.strictEqual(git('rev-parse', 'HEAD'), headBefore);
    assert.strictEqual(git('status', '--porcelain'), '', 'the working tree is untouched');
    assert.strictEqual(git('rev-parse', '--abbrev-ref', 'HEAD'), 'main');
  });

  it('Check out with uncommitted changes offers stash-and-switch, a worktree or cancel; cancel and stash lose nothing; switch back restores', async () => {
    const id = await finishedRunWithPr();
    fs.writeFileSync(path.join(clone, 'README.md'), '# my local edit\n');
    fs.writeFileSync(path.join(clone, 'notes.txt'), 'untracked work\n');
    ui.messageAnswer = () => undefined; // Cancel
    await vscode.commands.executeCommand('codegen.checkoutChanges', id);
    const offer = ui.messages.find((m) => m.modal && /uncommitted changes/.test(m.message))!;
    assert.deepStrictEqual(offer.actions, ['Stash and switch', 'Check out in a new worktree'], 'and Cancel, the modal\u2019s own button');
    assert.strictEqual(git('rev-parse', '--abbrev-ref', 'HEAD'), 'main', 'cancel: nothing changed');
    assert.strictEqual(fs.readFileSync(path.join(clone, 'README.md'), 'utf8'), '# my local edit\n');

    ui.messageAnswer = (m) => (m.modal ? 'Stash and switch' : undefined);
    await vscode.commands.executeCommand('codegen.checkoutChanges', id);
    assert.strictEqual(git('rev-parse', '--abbrev-ref', 'HEAD'), `codegen/run-${id}`);
    assert.strictEqual(fs.readFileSync(path.join(clone, 'src/feature.ts'), 'utf8'), runBranchChanges(id).added.content);
    assert.match(git('stash', 'list'), new RegExp(`codegen: before checking out run ${id}`));
    const switched = ui.messagesMatching(/Switched to codegen\/run-/)[0]!;
    assert.match(switched.message, /you were on main/);
    assert.deepStrictEqual(switched.actions, ['Switch back to main']);

    await vscode.commands.executeCommand('codegen.switchBack');
    assert.strictEqual(git('rev-parse', '--abbrev-ref', 'HEAD'), 'main');
    assert.strictEqual(fs.readFileSync(path.join(clone, 'README.md'), 'utf8'), '# my local edit\n', 'the edit is back');
    assert.strictEqual(fs.readFileSync(path.join(clone, 'notes.txt'), 'utf8'), 'untracked work\n', 'the untracked file is back');
    assert.strictEqual(git('stash', 'list'), '', 'the stash was restored and dropped');
  });

  it('Check out after the branch moved since the review says so, asks, and lands on the reviewed commit', async () => {
    const id = await finishedRunWithPr();
    await vscode.commands.executeCommand('codegen.reviewChanges', id);
    await waitFor(() => multiDiffTabs()[0], 'the multi-diff editor');
    const privateRef = pullRequestRef((await hooks()).runs.store.get(id)!.pullRequests[0]!.url!);
    const reviewed = git('rev-parse', privateRef);
    sim.pushRunCommit(id);
    ui.messageAnswer = (m) => (m.modal && /moved since you reviewed/.test(m.message) ? 'Check out what I reviewed' : undefined);
    await vscode.commands.executeCommand('codegen.checkoutChanges', id);
    assert.ok(ui.messagesMatching(/moved since you reviewed/)[0], 'the user is told the branch moved');
    assert.notStrictEqual(git('rev-parse', privateRef), reviewed, 'the checkout fetched the new tip');
    assert.strictEqual(git('rev-parse', '--abbrev-ref', 'HEAD'), `codegen/run-${id}`);
    assert.strictEqual(git('rev-parse', 'HEAD'), reviewed, 'the reviewed commit is checked out');
  });

  it('Check out twice with uncommitted changes: Switch back twice restores both stashes, each where it was made', async () => {
    const first = await finishedRunWithPr();
    const second = await finishedRunWithPr();
    // (A run reviewed by an earlier test of this window counts as reviewed at its old tip: take the new one.)
    ui.messageAnswer = (m) => (m.modal ? (/moved since you reviewed/.test(m.message) ? 'Check out the new tip' : 'Stash and switch') : undefined);
    fs.writeFileSync(path.join(clone, 'README.md'), '# my edit on main\n');
    await vscode.commands.executeCommand('codegen.checkoutChanges', first);
    assert.strictEqual(git('rev-parse', '--abbrev-ref', 'HEAD'), `codegen/run-${first}`, JSON.stringify(ui.messages.map((m) => m.message)));
    fs.writeFileSync(path.join(clone, 'src/feature.ts'), '// my edit on the first PR branch\n');
    await vscode.commands.executeCommand('codegen.checkoutChanges', second);
    assert.strictEqual(git('rev-parse', '--abbrev-ref', 'HEAD'), `codegen/run-${second}`);
    assert.strictEqual(git('stash', 'list').split('\n').length, 2);

    await vscode.commands.executeCommand('codegen.switchBack');
    assert.strictEqual(git('rev-parse', '--abbrev-ref', 'HEAD'), `codegen/run-${first}`, 'back where the second checkout came from');
    assert.strictEqual(fs.readFileSync(path.join(clone, 'src/feature.ts'), 'utf8'), '// my edit on the first PR branch\n');
    git('commit', '-qam', 'my edit on the first PR branch');
    await vscode.commands.executeCommand('codegen.switchBack');
    assert.strictEqual(git('rev-parse', '--abbrev-ref', 'HEAD'), 'main');
    assert.strictEqual(fs.readFileSync(path.join(clone, 'README.md'), 'utf8'), '# my edit on main\n');
    assert.strictEqual(git('stash', 'list'), '', 'both stashes restored and dropped');
  });

  it('Apply on a tree with a conflicting edit reports the conflict as a merge conflict, and applies the rest', async () => {
    const id = await finishedRunWithPr();
    fs.writeFileSync(path.join(clone, 'src/widget.ts'), 'export function widget(name: string): string {\n  return `my own ${name}`;\n}\n');
    git('commit', '-qam', 'my own change');
    ui.messageAnswer = (m) => (m.modal ? 'Apply' : undefined);
    await vscode.commands.executeCommand('codegen.applyChanges', id);
    const report = await waitFor(() => ui.messagesMatching(/conflicts in/)[0], 'the conflict report');
    assert.match(report.message, /src\/widget\.ts/);
    assert.strictEqual(git('rev-parse', '--abbrev-ref', 'HEAD'), 'main', 'no branch switch');
    const status = git('status', '--porcelain');
    assert.match(status, /^UU src\/widget\.ts$/m, status);
    assert.match(fs.readFileSync(path.join(clone, 'src/widget.ts'), 'utf8'), /^<<<<<<< /m);
    assert.strictEqual(fs.readFileSync(path.join(clone, 'src/feature.ts'), 'utf8'), runBranchChanges(id).added.content, 'the rest is applied');
    assert.ok(vscode.window.visibleTextEditors.some((editor) => editor.document.uri.fsPath === path.join(clone, 'src/widget.ts')), 'the conflicted file is shown');
    execFileSync('git', ['reset', '-q', '--hard'], { cwd: clone });
  });

  it('clear errors: a pull request the remote does not hold, and a PR of a repository this workspace has no clone of; a merged PR whose branch was deleted stays reviewable', async () => {
    const id = await finishedRunWithPr();
    assert.ok(sim.deleteRunBranch(id));
    await vscode.commands.executeCommand('codegen.reviewChanges', id);
    await waitFor(() => multiDiffTabs()[0], 'the review from refs/pull/<n>/head');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    clientGit(sim.gitInfo(id)!.barePath, ['update-ref', '-d', `refs/pull/${100 + id}/head`]);
    await vscode.commands.executeCommand('codegen.reviewChanges', id);
    await waitFor(() => ui.messagesMatching(/origin has no refs\/pull\/\d+\/head/)[0], 'the no-such-pull-request message');
    const h = await hooks();
    const other = sim.addRun({ prompt: 'API work', status: 'COMPLETE', pullRequest: true, repoId: 102 });
    await vscode.commands.executeCommand('codegen.refreshRuns');
    await waitFor(() => h.runs.store.get(other.id), 'the other run');
    await vscode.commands.executeCommand('codegen.reviewChanges', other.id);
    await waitFor(() => ui.messagesMatching(/acme\/api/)[0], 'the no-matching-remote message');
    assert.strictEqual(multiDiffTabs().length, 0);
  });

  it('an error on the details panel’s Review button reaches the user (no common history), and the palette says the same', async () => {
    const id = await finishedRunWithPr();
    git('checkout', '-q', '--orphan', 'lonely');
    git('commit', '-q', '-m', 'a history of its own');
    try {
      const h = await hooks();
      const details = h.runDetails.show(id);
      await details.handleMessage({ type: 'action', kind: 'reviewChanges' });
      const shown = await waitFor(() => ui.messages.find((m) => m.severity === 'error' && /share no history/.test(m.message)), 'the no-common-history message from the panel');
      assert.deepStrictEqual(shown.actions, ['Show log']);
      const before = ui.messages.length;
      assert.strictEqual(await vscode.commands.executeCommand('codegen.reviewChanges', id), undefined, 'the command resolves: no door drops an error');
      await waitFor(() => ui.messages.length > before, 'the message from the palette too');
      assert.strictEqual(multiDiffTabs().length, 0);
    } finally {
      git('checkout', '-q', '-f', 'main');
    }
  });

  it('Open with GitHub Pull Requests says when that extension is not installed, and opens nothing', async () => {
    const id = await finishedRunWithPr();
    assert.strictEqual(vscode.extensions.getExtension('GitHub.vscode-pull-request-github'), undefined, 'not installed in this host');
    assert.strictEqual(await vscode.commands.executeCommand('codegen.openWithGitHubPullRequests', id), false);
    assert.ok(ui.messagesMatching(/GitHub Pull Requests extension is not installed/)[0]);
  });

  it('PR state actions send exactly one PATCH each, only when confirmed', async () => {
    const id = await finishedRunWithPr();
    ui.messageAnswer = () => undefined;
    assert.strictEqual(await vscode.commands.executeCommand('codegen.convertToDraft', id), false);
    assert.strictEqual(sim.countRequests({ method: 'PATCH' }), 0);
    ui.messageAnswer = (m) => (m.modal ? m.actions?.[0] : undefined);
    for (const [command, state] of [['codegen.convertToDraft', 'draft'], ['codegen.markReadyForReview', 'ready_for_review'], ['codegen.closePullRequest', 'closed']] as const) {
      const before = sim.countRequests({ method: 'PATCH' });
      assert.strictEqual(await vscode.commands.executeCommand(command, id), true, command);
      const patches = sim.requests.filter((r) => r.method === 'PATCH');
      assert.strictEqual(patches.length, before + 1, command);
      assert.deepStrictEqual(patches.at(-1)!.body, { state });
    }
    const h = await hooks();
    assert.strictEqual(h.runs.store.get(id)?.pullRequests[0]?.state, 'closed');
  });

  it('a run that finishes with a PR is marked unreviewed (tree and badge); the marker survives a reload; opening its review clears it', async function () {
    this.timeout(60_000);
    const h = await hooks();
    await setSetting('notifications', 'all');
    const seeded = sim.addRun({ prompt: 'Quick fix', metadata: { title: 'Quick fix' }, runDurationMs: 3_000, repoId: 101 });
    await vscode.commands.executeCommand('codegen.refreshRuns');
    await waitFor(() => h.runs.store.get(seeded.id), 'the run');
    await waitFor(async () => {
      await new Promise((r) => setTimeout(r, 700));
      await vscode.commands.executeCommand('codegen.refreshRuns');
      return h.runs.store.get(seeded.id)?.status === 'COMPLETE';
    }, 'the run to finish', 20_000);
    assert.strictEqual(h.runs.store.isUnreviewed(seeded.id), true);
    const item = h.runs.tree.getTreeItem({ kind: 'run', run: h.runs.store.get(seeded.id)! });
    assert.match(String(item.description), /changes to review/);
    assert.match(String(item.contextValue), /;unreviewed;/);
    // The badge at the row's right edge, which a long title cannot push out of sight, and what is spoken.
    assert.strictEqual(item.resourceUri?.scheme, 'codegen-run');
    const badge = h.runs.decorations.provideFileDecoration(item.resourceUri);
    assert.strictEqual(badge?.badge, '●');
    assert.ok(badge?.color instanceof vscode.ThemeColor);
    assert.match(String(item.accessibilityInformation?.label), /changes to review/);
    assert.ok((h.runs.view.badge?.value ?? 0) >= 1);
    assert.ok(ui.messagesMatching(/Codegen finished "Quick fix"/)[0]?.actions?.includes('Review changes'));
    // What a reload restores: the account's saved entry keeps the marker.
    await h.runs.store.flush();
    const cache = h.globalState.get<{ accounts: Record<string, unknown> }>('codegen.runs.cache');
    const saved = parsePersistedRuns(cache?.accounts[accountKey(sim.url, SIM.orgId, SIM.userId)]);
    assert.ok(saved?.unreviewed?.includes(seeded.id), `the marker is saved for the next start (saved under ${JSON.stringify(Object.keys(cache?.accounts ?? {}))}, looked for ${accountKey(sim.url, SIM.orgId, SIM.userId)})`);
    await vscode.commands.executeCommand('codegen.reviewChanges', seeded.id);
    await waitFor(() => multiDiffTabs()[0], 'the review');
    assert.strictEqual(h.runs.store.isUnreviewed(seeded.id), false);
    assert.strictEqual(h.runs.decorations.provideFileDecoration(item.resourceUri), undefined, 'the badge goes with the marker');
  });
});
