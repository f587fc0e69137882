// In-host tests of the run details panels: real webview panels in a real VS Code, a simulator in the
// extension host, and the real API client. Uses only the vscode API and the exported classes, so it
// does not depend on how the extension wires them.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { CodegenClient } from '../../src/api/client';
import { runTitle } from '../../src/runs/runModel';
import { RunActions } from '../../src/runs/runActions';
import { RunStore } from '../../src/runs/runStore';
import { LOG_POLL_INTERVAL_MS, RUN_DETAILS_VIEW_TYPE, RunDetailsPanels, runDetailsDeps, type RunDetailsDeps } from '../../src/views/runDetails/runDetailsPanel';
import { CodegenSimulator, SIM } from '../simulator/simulator';
import { waitFor } from './helpers';

const EXTENSION_ID = 'codegen-sh.codegen-vscode';

function runDetailsTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(RUN_DETAILS_VIEW_TYPE));
}

describe('Run details panels (in-host, simulator)', function () {
  this.timeout(30_000);

  let sim: CodegenSimulator;
  let client: CodegenClient;
  let panels: RunDetailsPanels;
  let opened: string[];
  let logLines: string[];
  let reviewed: number[];
  let deps: RunDetailsDeps;
  const storeChanged = new vscode.EventEmitter<void>();

  before(() => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in the extension host`);
  });

  after(() => storeChanged.dispose());

  beforeEach(async () => {
    sim = await CodegenSimulator.start({ runDurationMs: 60_000 });
    client = new CodegenClient({ baseUrl: sim.url, getToken: () => SIM.token });
    opened = [];
    logLines = [];
    reviewed = [];
    const store = new RunStore();
    const actions = new RunActions({ api: client, store, fallbackOrganization: () => SIM.orgId, refreshSoon: () => undefined });
    deps = runDetailsDeps({
      actions,
      getRun: () => undefined,
      onDidChangeRuns: (listener) => storeChanged.event(listener),
      markReviewed: (runId) => reviewed.push(runId),
      log: {
        info: (message) => logLines.push(`info ${message}`),
        warn: (message) => logLines.push(`warn ${message}`),
        error: (message) => logLines.push(`error ${message}`),
      },
      extensionUri: vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri,
      ui: {
        openExternal: (uri) => {
          opened.push(uri.toString(true));
          return Promise.resolve(true);
        },
        confirm: () => Promise.resolve(false),
      },
    });
    panels = new RunDetailsPanels(deps);
  });

  afterEach(async () => {
    panels.dispose();
    client.dispose();
    await sim.stop();
    await waitFor(() => runDetailsTabs().length === 0, 'run details tabs to close');
  });

  it('serves an HTML shell with the nonce CSP, scripts and styles only from dist/ and media/', () => {
    const run = sim.addRun({ status: 'COMPLETE', logCount: 12 });
    const details = panels.show(run.id);
    const webview = details.panel.webview;
    const html = details.html;
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.ok(csp, 'CSP meta tag');
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 16, 'a nonce of at least 128 bits');
    assert.strictEqual(
      csp,
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${webview.cspSource} 'nonce-${nonce}'; img-src ${webview.cspSource} data:; font-src ${webview.cspSource}`,
    );
    const extensionUri = vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri;
    const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString();
    assert.ok(html.includes(`<script nonce="${nonce}" src="${script}"></script>`), 'the bundled script, with the nonce');
    assert.strictEqual((html.match(/<script/g) ?? []).length, 1, 'no other (inline) script');
    assert.ok(html.includes(webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css')).toString()));
    const roots = (webview.options.localResourceRoots ?? []).map((uri) => uri.path).sort();
    assert.deepStrictEqual(roots, [vscode.Uri.joinPath(extensionUri, 'dist').path, vscode.Uri.joinPath(extensionUri, 'media').path]);
    assert.strictEqual(webview.options.enableScripts, true);
    assert.notStrictEqual(webview.options.enableCommandUris, true);
    assert.notStrictEqual(details.panel.options.retainContextWhenHidden, true);
  });

  it('opens one panel per run: showing it again reveals the same panel; showing a run clears its "changes to review" marker', async () => {
    const run = sim.addRun({ status: 'COMPLETE', logCount: 12 });
    const first = panels.show(run.id);
    const second = panels.show(run.id);
    assert.strictEqual(first, second);
    assert.deepStrictEqual(panels.openRunIds, [run.id]);
    // Tabs update asynchronously: identify this panel's tab by its (current) title.
    const tabsOf = (panel: vscode.WebviewPanel): vscode.Tab[] => runDetailsTabs().filter((tab) => tab.label === panel.title);
    await waitFor(() => tabsOf(first.panel).length > 0, 'the run details tab');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.strictEqual(tabsOf(first.panel).length, 1);
    const other = sim.addRun({ status: 'COMPLETE', logCount: 3, prompt: 'Another task entirely' });
    const third = panels.show(other.id);
    assert.notStrictEqual(third, first);
    assert.deepStrictEqual(panels.openRunIds.sort(), [run.id, other.id].sort());
    assert.deepStrictEqual(reviewed, [run.id, run.id, other.id], 'each show marks its run reviewed');
    await waitFor(() => tabsOf(third.panel).length === 1 && tabsOf(first.panel).length === 1, 'a second tab for another run');
  });

  it('titles the panel with the run title once the run is loaded', async () => {
    const run = sim.addRun({ status: 'COMPLETE', logCount: 5 });
    const details = panels.show(run.id);
    await waitFor(() => details.panel.title !== `Run #${run.id}`, 'the run title');
    const api = await client.getRun(SIM.orgId, run.id);
    assert.strictEqual(details.panel.title, runTitle(api), 'the same title as the Runs view');
    assert.notStrictEqual(details.panel.title, '');
  });

  it('refuses to open file:, command: and vscode: links asked for by the webview; opens https', async () => {
    const run = sim.addRun({ status: 'COMPLETE', logCount: 5 });
    const details = panels.show(run.id);
    for (const url of ['file:///etc/passwd', 'command:workbench.action.terminal.new', 'vscode://codegen-sh.codegen-vscode/x', 'javascript:alert(1)', 'http://example.com/']) {
      await details.handleMessage({ type: 'openExternal', url });
    }
    assert.deepStrictEqual(opened, []);
    assert.strictEqual(logLines.filter((line) => line.includes('refused to open')).length, 5);
    await details.handleMessage({ type: 'openExternal', url: 'https://github.com/acme/widgets/pull/1' });
    assert.deepStrictEqual(opened, ['https://github.com/acme/widgets/pull/1']);
  });

  it('drops malformed messages and logs them', async () => {
    const run = sim.addRun({ status: 'COMPLETE', logCount: 5 });
    const details = panels.show(run.id);
    await details.handleMessage({ type: 'openExternal', url: 42 });
    await details.handleMessage({ type: 'nope' });
    assert.strictEqual(logLines.filter((line) => line.includes('dropped')).length, 2);
    assert.deepStrictEqual(opened, []);
  });

  it('declined confirmation: ban is not sent', async () => {
    const run = sim.addRun({ status: 'COMPLETE', logCount: 5, pullRequest: true });
    const details = panels.show(run.id);
    await details.handleMessage({ type: 'action', kind: 'ban' });
    assert.strictEqual(sim.countRequests({ method: 'POST', path: /\/agent\/run\/ban$/ }), 0);
    assert.strictEqual(sim.getRun(run.id)?.checksBanned, false);
  });

  it('the webview loads under its CSP and says ready; the panel answers with the run and its logs', async () => {
    const run = sim.addRun({ status: 'COMPLETE', logCount: 12 });
    const details = panels.show(run.id);
    const received: unknown[] = [];
    const subscription = details.panel.webview.onDidReceiveMessage((message: unknown) => received.push(message));
    try {
      await waitFor(() => received.some((m) => (m as { type?: unknown }).type === 'ready'), 'the webview to post ready', 20_000);
    } finally {
      subscription.dispose();
    }
    await waitFor(() => details.session.loadedLogCount === 12, 'the logs');
  });

  it('restores a panel from {runId} through the serializer, and closes one without a valid run id', async () => {
    const run = sim.addRun({ status: 'COMPLETE', logCount: 7 });
    const restored = vscode.window.createWebviewPanel(RUN_DETAILS_VIEW_TYPE, 'restoring', vscode.ViewColumn.Active, { enableScripts: true });
    await panels.serializer.deserializeWebviewPanel(restored, { runId: run.id, log: { filter: { messageType: '', search: '' }, open: [] }, draft: '' });
    const details = panels.get(run.id);
    assert.ok(details, 'the manager adopted the restored panel');
    assert.strictEqual(details.panel, restored);
    assert.match(details.html, /data-run-id="\d+"/);
    await waitFor(() => details.session.loadedLogCount === 7, 'the restored panel to load its logs');
    assert.deepStrictEqual(reviewed, [], 'a panel restored after a reload does not count as opening the run');
    assert.strictEqual(panels.show(run.id), details, 'show() reveals the restored panel');
    assert.deepStrictEqual(reviewed, [run.id]);

    let disposed = false;
    const broken = vscode.window.createWebviewPanel(RUN_DETAILS_VIEW_TYPE, 'broken', vscode.ViewColumn.Active, {});
    broken.onDidDispose(() => (disposed = true));
    // Let the workbench finish opening it, as it has when it restores a panel.
    await waitFor(() => runDetailsTabs().some((tab) => tab.label === 'broken'), 'the broken panel to open');
    await panels.serializer.deserializeWebviewPanel(broken, { runId: 'nope' });
    assert.strictEqual(disposed, true);
    assert.deepStrictEqual(panels.openRunIds, [run.id]);
  });

  it('closing the panel forgets it and stops its polling', async () => {
    const run = sim.addRun({ logCount: 200, runDurationMs: 120_000 });
    const details = panels.show(run.id);
    await waitFor(() => details.session.loadedLogCount > 0 || sim.countRequests({ path: /\/logs$/ }) > 0, 'the first logs request');
    details.panel.dispose();
    assert.deepStrictEqual(panels.openRunIds, []);
    const calls = sim.countRequests({ path: /\/logs$/ });
    await new Promise((resolve) => setTimeout(resolve, LOG_POLL_INTERVAL_MS + 500));
    assert.ok(sim.countRequests({ path: /\/logs$/ }) <= calls + 1, 'no polling after close (at most one request already in flight)');
  });
});
