// End-to-end scenarios: the packaged .vsix installed in a normal code-server (toasts and dialogs on),
// pointed at the Codegen API simulator, driven in Debian's Chromium. Screenshots go to
// test-results/screenshots/. Writes test-results/e2e.json with the counts.
// Usage: node test/e2e/run.mjs path/to/extension.vsix [scenario-name-filter]
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, waitWorkbench, runCommand } from '../../scripts/harness/browser.mjs';
import { startCodeServer, startSimulator, stopAll } from '../../scripts/harness/processes.mjs';
import { REPO } from '../../scripts/harness/paths.mjs';

const vsix = path.resolve(process.argv[2] || '');
const filter = process.argv[3] || process.env.E2E_GREP || '';
if (!fs.existsSync(vsix)) { console.error(`no .vsix at ${vsix}: run npm run package first`); process.exit(2); }
const shots = path.join(REPO, 'test-results', 'screenshots');
fs.mkdirSync(shots, { recursive: true });
// Failure shots of an earlier run would read as this run's.
for (const file of fs.readdirSync(shots)) if (file.startsWith('failure-')) fs.rmSync(path.join(shots, file));
const resultFile = path.join(process.env.RESULTS_DIR ? path.resolve(process.env.RESULTS_DIR) : path.join(REPO, 'test-results'), 'e2e.json');
const scratch = path.join(REPO, '.tmp', `e2e-${process.pid}`);
fs.rmSync(scratch, { recursive: true, force: true });
const t0 = Date.now();
const lap = (m) => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

const scenarioDir = path.join(REPO, 'test/e2e/scenarios');
const scenarios = [];
for (const file of fs.readdirSync(scenarioDir).filter((f) => f.endsWith('.mjs')).sort()) {
  const mod = await import(path.join(scenarioDir, file));
  if (!filter || mod.name.includes(filter)) scenarios.push(mod);
}

const results = [];
let sim;
let browser;
try {
  // The simulator's git side: bare repositories under the scratch folder; scenarios clone from there.
  const gitRoot = path.join(scratch, 'git-root');
  fs.mkdirSync(gitRoot, { recursive: true });
  sim = await startSimulator(['--run-duration-ms', '20000', '--historical-runs', '6', '--git-root', gitRoot]);
  sim.gitRoot = gitRoot;
  lap(`simulator at ${sim.url}`);
  const server = await startCodeServer(path.join(scratch, 'cs'), {
    installVsix: vsix,
    settings: { 'codegen.apiBaseUrl': sim.url, 'codegen.polling.intervalSeconds': 5 },
  });
  fs.cpSync(path.join(REPO, 'test/fixtures/workspace'), server.workspace, { recursive: true });
  lap(`code-server at ${server.url} with ${path.basename(vsix)} installed`);
  browser = await launchBrowser();
  const { page } = browser;
  const helpers = {
    page, sim, shots, lap, runCommand: (title) => runCommand(page, title),
    openWorkbench: async () => {
      await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
      await waitWorkbench(page);
    },
    shot: (name) => page.screenshot({ path: path.join(shots, `${name}.png`) }),
    workspace: server.workspace,
    /** Non-loopback requests the browser attempted (and the guard aborted), e.g. a link opened externally. */
    blocked: browser.blocked,
  };
  /**
   * Opens a workspace file through Quick Open (F1, then its name: Ctrl+P could reach the browser's print
   * dialog). A file written a moment ago is found once the file watcher has told the search: ask again.
   */
  helpers.openFile = async (fileName) => {
    const input = page.locator('.quick-input-widget input');
    const found = page.locator('.quick-input-widget .monaco-list-row', { hasText: fileName }).first();
    for (let attempt = 0; attempt < 10 && !(await found.isVisible()); attempt++) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 20000 });
      await input.fill(fileName);
      await found.waitFor({ timeout: 3000 }).catch(() => {});
    }
    await found.waitFor({ timeout: 5000 });
    await page.keyboard.press('Enter');
  };
  /** The light bulb's menu (Ctrl+.) at the cursor, once it lists `title` (code actions take a moment); returns the entry. */
  helpers.codeAction = async (title) => {
    const item = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
    for (let attempt = 0; attempt < 5 && !(await item.isVisible()); attempt++) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+.');
      await item.waitFor({ timeout: 4000 }).catch(() => {});
    }
    await item.waitFor({ timeout: 5000 });
    return item;
  };
  /** Signs in through the UI (palette, password box, organization pick) unless already signed in. */
  helpers.ensureSignedIn = async () => {
    const icon = page.locator('.part.activitybar .action-item a[aria-label^="Codegen"], .part.activitybar .action-item[aria-label^="Codegen"]').first();
    await icon.waitFor({ timeout: 60000 });
    if (!(await page.locator('.part.sidebar .composite.title', { hasText: 'Codegen' }).isVisible())) await icon.click();
    const setToken = page.locator('.part.sidebar .welcome-view-content').getByRole('button', { name: 'Set API token' });
    const tree = page.locator('.part.sidebar .monaco-list-row').first();
    await Promise.race([setToken.waitFor({ timeout: 20000 }), tree.waitFor({ timeout: 20000 })]);
    if (!(await setToken.isVisible())) return;
    await helpers.runCommand('Codegen: Set API token');
    await page.locator('.quick-input-widget input[type="password"]').fill('test-token');
    await page.keyboard.press('Enter');
    const acme = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Acme' }).first();
    await acme.waitFor({ timeout: 15000 });
    await acme.click();
    await tree.waitFor({ timeout: 20000 });
  };
  await helpers.openWorkbench();
  for (const scenario of scenarios) {
    const started = Date.now();
    try {
      await scenario.run(helpers);
      results.push({ name: scenario.name, state: 'passed', ms: Date.now() - started });
      lap(`PASS ${scenario.name}`);
    } catch (error) {
      results.push({ name: scenario.name, state: 'failed', error: String(error?.stack || error), ms: Date.now() - started });
      lap(`FAIL ${scenario.name}: ${error?.message || error}`);
      await page.screenshot({ path: path.join(shots, `failure-${scenario.name.replace(/\W+/g, '-')}.png`) }).catch(() => {});
    }
  }
  if (browser.blocked.length) lap(`blocked non-loopback requests: ${browser.blocked.length} ${JSON.stringify(browser.blocked.slice(0, 5))}`);
} catch (error) {
  console.error('e2e harness failed:', error);
  results.push({ name: 'harness', state: 'failed', error: String(error?.stack || error) });
} finally {
  await browser?.close();
  await stopAll();
  if (!process.env.KEEP_SCRATCH) fs.rmSync(scratch, { recursive: true, force: true });
}
const passes = results.filter((r) => r.state === 'passed').length;
const failures = results.length - passes;
fs.writeFileSync(resultFile, JSON.stringify({ passes, failures, tests: results }, null, 2));
for (const r of results.filter((x) => x.state === 'failed')) console.log(`\nFAILED ${r.name}\n${r.error}`);
console.log(`e2e: ${passes} passing, ${failures} failing; screenshots in ${path.relative(REPO, shots)}/`);
process.exit(failures ? 1 : 0);
