// End-to-end scenarios: the packaged .vsix installed in a normal code-server (toasts and dialogs on),
// pointed at the Codegen API simulator, driven in Debian's Chromium. Screenshots go to
// test-results/screenshots/. Writes test-results/e2e.json with the counts.
// Usage: node test/e2e/run.mjs path/to/extension.vsix [scenario-name-filter, parts separated by |]
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser } from '../../scripts/harness/browser.mjs';
import { workbenchHelpers } from './helpers.mjs';
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
  if (!filter || filter.split('|').some((part) => mod.name.includes(part))) scenarios.push(mod);
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
  const helpers = workbenchHelpers({ page, server, sim, shots, lap, blocked: browser.blocked, context: browser.context, vsix, scratch });
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
