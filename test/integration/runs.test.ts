import * as assert from 'assert';
import * as vscode from 'vscode';
import type { CodegenSimulator } from '../simulator/simulator';
import { hooks, script, setSetting, startSimulatorFor, waitFor, type ScriptedInteraction } from './helpers';

describe('Runs view (against the simulator)', () => {
  let sim: CodegenSimulator;
  let ui: ScriptedInteraction;
  let restore: () => void;

  beforeEach(async () => {
    sim = await startSimulatorFor({ historicalRuns: 30, runDurationMs: 4000 });
    ({ ui, restore } = await script());
    const h = await hooks();
    h.runs.poller()?.setFilter({ scope: 'organization' });
    await vscode.commands.executeCommand('workbench.view.extension.codegen');
    await waitFor(() => h.runs.view.visible, 'the Runs view to be visible');
    await vscode.commands.executeCommand('codegen.refreshRuns');
    await waitFor(() => h.runs.store.loaded, 'the first page');
  });

  afterEach(async () => {
    restore();
    await setSetting('notifications', undefined);
    await sim.stop();
  });

  it('lists runs in groups with status, context values and PR children', async () => {
    const h = await hooks();
    const tree = h.runs.tree;
    const roots = tree.getChildren();
    const labels = roots.map((n) => labelOf(tree.getTreeItem(n)));
    assert.ok(labels.includes('Finished'), `groups: ${labels.join(', ')}`);
    assert.strictEqual(labels[labels.length - 1], 'Load more…', '30 runs with pages of 25 leave more to load');
    // Groups are in the order needs you, running, finished.
    const order = ['Needs you', 'Running', 'Finished'].filter((l) => labels.includes(l));
    assert.deepStrictEqual(labels.filter((l) => order.includes(l)), order);
    const finished = roots.find((n) => n.kind === 'group' && n.group === 'finished')!;
    const runNodes = tree.getChildren(finished);
    assert.ok(runNodes.length > 0);
    const withPr = runNodes.find((n) => n.kind === 'run' && n.run.pullRequests.length > 0);
    assert.ok(withPr && withPr.kind === 'run', 'some historical run has a pull request');
    const runItem = tree.getTreeItem(withPr);
    assert.match(String(runItem.contextValue), /;codegenRun;/);
    assert.match(String(runItem.contextValue), /;hasPr;/);
    assert.strictEqual(runItem.command?.command, 'codegen.showRunDetails');
    assert.deepStrictEqual(runItem.command?.arguments, [withPr.run.id]);
    assert.ok(runItem.iconPath instanceof vscode.ThemeIcon);
    // The tooltip is built on hover (resolveTreeItem), as VS Code asks for it, not for every row drawn.
    assert.strictEqual(runItem.tooltip, undefined);
    const resolved = tree.resolveTreeItem(runItem, withPr);
    assert.ok(resolved.tooltip instanceof vscode.MarkdownString && resolved.tooltip.isTrusted !== true);
    const prs = tree.getChildren(withPr);
    assert.strictEqual(prs.length, withPr.run.pullRequests.length);
    const prItem = tree.getTreeItem(prs[0]!);
    assert.strictEqual(prItem.command?.command, 'codegen.openPullRequest');
    assert.match(String(prItem.command?.arguments?.[0]), /^https:\/\/github\.com\//);
    const withoutPr = runNodes.find((n) => n.kind === 'run' && n.run.pullRequests.length === 0);
    if (withoutPr) assert.doesNotMatch(String(tree.getTreeItem(withoutPr).contextValue), /;hasPr;/);
  });

  it('one list call covers every loaded run; load more pages further back', async () => {
    const h = await hooks();
    const before = h.runs.store.size;
    assert.strictEqual(before, 25);
    sim.clearRequests();
    await vscode.commands.executeCommand('codegen.loadMoreRuns');
    await waitFor(() => h.runs.store.size > before, 'the next page');
    assert.strictEqual(h.runs.store.size, 30);
    assert.strictEqual(h.runs.store.hasMore, false);
    const list = sim.requests.filter((r) => r.path === '/v1/organizations/1/agent/runs');
    assert.strictEqual(list.length, 1);
    assert.strictEqual(list[0]!.query.skip, '25');
    assert.strictEqual(sim.countRequests({ path: /\/agent\/run\/\d+$/ }), 0, 'no per-run GET calls');
  });

  it('opening a pull request from the tree goes through the extension, https only', async () => {
    await vscode.commands.executeCommand('codegen.openPullRequest', 'https://github.com/acme/widgets/pull/7');
    await vscode.commands.executeCommand('codegen.openPullRequest', 'javascript:alert(1)');
    await vscode.commands.executeCommand('codegen.openPullRequest', 'file:///etc/passwd');
    assert.deepStrictEqual(ui.opened, ['https://github.com/acme/widgets/pull/7']);
  });

  it('a run progressing to COMPLETE raises exactly one notification and shows in the status bar', async function () {
    this.timeout(45000);
    const h = await hooks();
    await setSetting('notifications', 'all');
    const seeded = sim.addRun({ prompt: 'Add a greeting endpoint', metadata: { title: 'Add a greeting endpoint' } });
    await vscode.commands.executeCommand('codegen.refreshRuns');
    await waitFor(() => h.runs.store.get(seeded.id), 'the new run in the store');
    assert.match(String(h.runs.statusBarText()), /1 running/);
    const raisedBefore = h.runs.notificationsRaised();
    // Let the simulator finish the run (4 s), then refresh a few times: one transition, one notification.
    await waitFor(async () => {
      await new Promise((r) => setTimeout(r, 1000)); // a refresh a second stays well inside the rate budget
      await vscode.commands.executeCommand('codegen.refreshRuns');
      return h.runs.store.get(seeded.id)?.status === 'COMPLETE';
    }, 'the run to complete', 15000);
    await vscode.commands.executeCommand('codegen.refreshRuns');
    await vscode.commands.executeCommand('codegen.refreshRuns');
    assert.strictEqual(h.runs.notificationsRaised() - raisedBefore, 1);
    assert.strictEqual(ui.messagesMatching(/Codegen finished "Add a greeting endpoint"/).length, 1, JSON.stringify(ui.messages.map((m) => m.message)));
    const finishedMessage = ui.messagesMatching(/Codegen finished/)[0]!;
    assert.deepStrictEqual(finishedMessage.actions, ['Review changes', 'Open pull request', 'Show details']);
    assert.doesNotMatch(String(h.runs.statusBarText()), /running/, 'nothing runs any more');
  });

  it('an outage keeps the last runs and says since when; a long rate-limit wait says when it retries', async function () {
    this.timeout(60000);
    const h = await hooks();
    const shown = h.runs.store.size;
    assert.ok(shown > 0);
    sim.injectFault({ kind: 'drop', path: '/agent/runs$', times: -1 });
    await vscode.commands.executeCommand('codegen.refreshRuns');
    await waitFor(() => /^Offline: showing runs from \d\d:\d\d\.$/.test(h.runs.view.message ?? ''), `the offline message (now: ${h.runs.view.message})`, 30000);
    assert.strictEqual(h.runs.store.size, shown, 'the last-known runs stay in the view');
    sim.clearFaults();
    sim.injectFault({ kind: 'rateLimit', path: '/agent/runs$', times: -1, retryAfterSeconds: 90 });
    await vscode.commands.executeCommand('codegen.refreshRuns');
    await waitFor(() => /^Rate limited, retrying in (\d+ s|2 min)\.$/.test(h.runs.view.message ?? ''), `the rate-limit message (now: ${h.runs.view.message})`, 15000);
    sim.clearFaults();
  });

  // The one long in-host test: 60 s of real time, counted at the simulator (issue 19).
  it('an old run with an unknown status and one with a null status cost nothing: no list call in 60 s with the view hidden', async function () {
    this.timeout(120000);
    const h = await hooks();
    const hoursAgo = (hours: number): number => Date.now() - hours * 60 * 60_000;
    const unknown = sim.addRun({ status: 'weird_new_status', createdAt: hoursAgo(2), metadata: { title: 'Old unknown status' } });
    const nullStatus = sim.addRun({ nullStatus: true, createdAt: hoursAgo(2.5), metadata: { title: 'Old null status' } });
    sim.addRun({ status: 'COMPLETE', createdAt: hoursAgo(3) });
    await vscode.commands.executeCommand('codegen.refreshRuns');
    await waitFor(() => h.runs.store.get(unknown.id) && h.runs.store.get(nullStatus.id), 'both runs in the list');
    assert.strictEqual(h.runs.store.get(unknown.id)?.status, 'weird_new_status');
    assert.strictEqual(h.runs.store.get(nullStatus.id)?.status, undefined);
    const other = h.runs.tree.getChildren().find((n) => n.kind === 'group' && n.group === 'other');
    assert.ok(other, 'both are shown under Other');
    assert.deepStrictEqual(h.runs.tree.getChildren(other).map((n) => labelOf(h.runs.tree.getTreeItem(n))).sort(), ['Old null status', 'Old unknown status']);
    assert.strictEqual(h.runs.store.counts().running, 0, 'nothing in progress');
    try {
      await vscode.commands.executeCommand('workbench.view.explorer');
      await waitFor(() => !h.runs.view.visible, 'the Runs view to be hidden');
      sim.clearRequests();
      await new Promise((r) => setTimeout(r, 60_000));
      const lists = sim.countRequests({ path: '/v1/organizations/1/agent/runs' });
      assert.strictEqual(lists, 0, `${lists} list requests in 60 s with the view hidden and nothing in progress`);
      assert.strictEqual(h.runs.poller()?.nextPollAt, undefined, 'no poll timer');
    } finally {
      await vscode.commands.executeCommand('workbench.view.extension.codegen');
    }
  });

  it('another token is another account: "My runs" then lists the new user\'s runs', async () => {
    const h = await hooks();
    h.runs.poller()?.setFilter({ scope: 'mine' });
    await vscode.commands.executeCommand('codegen.refreshRuns');
    const before = h.runs.poller();
    await h.session.storeToken('other-token');
    await waitFor(() => h.runs.poller() !== before, 'a poller for the new account');
    sim.clearRequests();
    await vscode.commands.executeCommand('codegen.refreshRuns');
    // The simulator records a request when it answers: the old poller's list, already out when the token changed,
    // may be recorded after this refresh's (its answer is dropped: another generation). The new one asks for user 8.
    const lists = sim.requests.filter((r) => r.path === '/v1/organizations/1/agent/runs');
    assert.ok(lists.length >= 1);
    assert.ok(lists.some((r) => r.query.user_id === '8'), `the list is asked for user 8 (other-token): ${JSON.stringify(lists.map((r) => r.query.user_id))}`);
    assert.ok(lists.filter((r) => r.query.user_id === '7').length <= 1, 'at most the one list already out asks for user 7');
  });

  it('ban checks asks first, says it stops every agent, and reaches the simulator only when confirmed', async () => {
    const h = await hooks();
    const run = h.runs.store.runs.find((r) => r.pullRequests.length > 0)!;
    ui.messageAnswer = () => undefined; // Cancel
    assert.strictEqual(await vscode.commands.executeCommand('codegen.banChecks', run.id), false);
    assert.strictEqual(sim.countRequests({ path: '/v1/organizations/1/agent/run/ban' }), 0);
    const confirm = ui.messages.find((m) => m.modal)!;
    assert.match(String(confirm.detail), /stops every Codegen agent/);
    ui.messageAnswer = (m) => (m.modal ? m.actions?.[0] : undefined);
    assert.strictEqual(await vscode.commands.executeCommand('codegen.banChecks', run.id), true);
    assert.strictEqual(sim.countRequests({ path: '/v1/organizations/1/agent/run/ban' }), 1);
    assert.strictEqual(sim.getRun(run.id)?.checksBanned, true);
  });
});

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}
