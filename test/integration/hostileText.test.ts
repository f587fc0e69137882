// Service text outside the webview is untrusted too: a run whose title, status and pull request carry
// control and bidi characters (and are very long) is shown cleaned and clamped in the tree (label,
// description, tooltip, PR row), notifications, quick picks and the panel title.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { CodegenSimulator } from '../simulator/simulator';
import { hooks, script, setSetting, startSimulatorFor, waitFor, type ScriptedInteraction } from './helpers';

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const HOSTILE_TITLE = `Fix\u202etxt.exe\u202c login\u0007\u001b[2J\u2066${'!'.repeat(300)}`;
const HOSTILE_PR = `PR\u202e title\u0000${'#'.repeat(500)}`;

function text(value: string | vscode.TreeItemLabel | vscode.MarkdownString | undefined | boolean): string {
  if (value === undefined || typeof value === 'boolean') return '';
  if (typeof value === 'string') return value;
  return 'label' in value ? value.label : value.value;
}

describe('Hostile service text outside the webview (against the simulator)', () => {
  let sim: CodegenSimulator;
  let ui: ScriptedInteraction;
  let restore: () => void;

  beforeEach(async () => {
    sim = await startSimulatorFor({ runDurationMs: 3000 });
    ({ ui, restore } = await script());
  });

  afterEach(async () => {
    restore();
    await setSetting('notifications', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await sim.stop();
  });

  it('tree label, description, tooltip and PR row, the quick pick, the notification and the panel title are cleaned and clamped', async function () {
    this.timeout(40_000);
    const h = await hooks();
    await setSetting('notifications', 'all');
    const seeded = sim.addRun({ prompt: 'hostile', metadata: { title: HOSTILE_TITLE }, pullRequest: { title: HOSTILE_PR }, finalStatus: 'DONE\u202eENOD\u0007' });
    await vscode.commands.executeCommand('codegen.refreshRuns');
    await waitFor(() => h.runs.store.get(seeded.id), 'the run in the store');

    const tree = h.runs.tree;
    const runNode = tree.getChildren().flatMap((group) => tree.getChildren(group)).find((node) => node.kind === 'run' && node.run.id === seeded.id)!;
    const item = tree.getTreeItem(runNode);
    for (const surface of [text(item.label), text(item.description), text(item.accessibilityInformation?.label)]) {
      assert.doesNotMatch(surface, UNSAFE, JSON.stringify(surface));
    }
    // The tooltip is markdown with line breaks of its own; the service's text in it is cleaned the same way.
    assert.doesNotMatch(text(tree.resolveTreeItem(item, runNode).tooltip), UNSAFE_IN_TEXT);
    // Markdown in service text stays text: no bare-URL link, no heading, no code block (escapeMarkdown).
    const linky = sim.addRun({ prompt: 'linky', metadata: { title: 'Visit https://3232235777/login now' }, summary: 'See www.evil.example/x\n===\n\n    indented code', status: 'COMPLETE' });
    await vscode.commands.executeCommand('codegen.refreshRuns');
    await waitFor(() => h.runs.store.get(linky.id), 'the linky run in the store');
    const linkyNode = tree.getChildren().flatMap((group) => tree.getChildren(group)).find((node) => node.kind === 'run' && node.run.id === linky.id)!;
    const linkyTip = text(tree.resolveTreeItem(tree.getTreeItem(linkyNode), linkyNode).tooltip);
    assert.doesNotMatch(linkyTip, /https?:\/\/|www\.evil/, 'no autolink: ' + linkyTip);
    assert.doesNotMatch(linkyTip, /^(===| {4}\S)/m, 'no heading underline or indented code: ' + linkyTip);
    assert.match(linkyTip, /3232235777/, 'the text is still there');
    assert.ok(text(item.label).length <= 80, 'the label is clamped');
    assert.match(text(item.label), /^Fix txt\.exe login/);
    const pr = tree.getChildren(runNode)[0]!;
    const prItem = tree.getTreeItem(pr);
    assert.doesNotMatch(text(prItem.label), UNSAFE);
    assert.ok(text(prItem.label).length <= 120);

    // The run ends with an unknown, hostile status: shown as sent (cleaned), under Other, and notified
    // only when a known status comes; here it stays unknown, so no notification, then a known one.
    await waitFor(async () => {
      await new Promise((r) => setTimeout(r, 700));
      await vscode.commands.executeCommand('codegen.refreshRuns');
      return /DONE/.test(String(h.runs.store.get(seeded.id)?.status));
    }, 'the unknown final status', 20_000);
    const groups = tree.getChildren().map((node) => text(tree.getTreeItem(node).label));
    assert.ok(groups.includes('Other'), groups.join(', '));
    const unknownItem = tree.getTreeItem(tree.getChildren().flatMap((group) => tree.getChildren(group)).find((node) => node.kind === 'run' && node.run.id === seeded.id)!);
    assert.doesNotMatch(text(unknownItem.description), UNSAFE);
    assert.match(text(unknownItem.description), /DONE ENOD/);
    sim.setRunStatus(seeded.id, 'FAILED');
    await vscode.commands.executeCommand('codegen.refreshRuns');
    await waitFor(() => ui.messagesMatching(/ended/).length > 0, 'the notification');
    for (const message of ui.messages) assert.doesNotMatch(message.message, UNSAFE, message.message);

    ui.pickAnswers.push(() => undefined);
    await vscode.commands.executeCommand('codegen.openRun');
    const pick = ui.picks.at(-1)!;
    for (const label of pick.labels) assert.doesNotMatch(label, UNSAFE, label);

    const panel = h.runDetails.show(seeded.id);
    await waitFor(() => panel.panel.title.startsWith('Fix'), 'the panel title');
    assert.doesNotMatch(panel.panel.title, UNSAFE);
    assert.ok(panel.panel.title.length <= 80);
  });
});
