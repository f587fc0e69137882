// What a user sees, timed from outside: the packaged .vsix in code-server, driven in Chromium, against the
// simulator. Two figures, each the median of N samples, from the moment the simulator wrote its answer
// (its wall clock) to the moment the run's row is in the Runs view's DOM (the page's wall clock; both
// clocks are this machine's):
//   create:  "Codegen: New run" -> the create's answer -> the new run's row;
//   refresh: a run created elsewhere (seeded in the simulator) -> "Codegen: Refresh runs" -> the list's
//            answer -> the row.
// Usage: node test/e2e/rowLatency.mjs path/to/extension.vsix [--samples N] [--out file.json]
// Prints one JSON line (and writes it to --out): { create: {samples, medianMs}, refresh: {...} }.
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser } from '../../scripts/harness/browser.mjs';
import { startCodeServer, startSimulator, stopAll } from '../../scripts/harness/processes.mjs';
import { REPO } from '../../scripts/harness/paths.mjs';
import { workbenchHelpers } from './helpers.mjs';

const args = process.argv.slice(2);
const vsix = path.resolve(args[0] || '');
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 && args[index + 1] !== undefined ? args[index + 1] : fallback;
};
const SAMPLES = Number(option('--samples', '10'));
const out = option('--out', undefined);
if (!fs.existsSync(vsix)) {
  console.error(`no .vsix at ${vsix}: run npm run package first`);
  process.exit(2);
}
const scratch = path.join(REPO, '.tmp', `rows-${process.pid}`);
fs.rmSync(scratch, { recursive: true, force: true });
const t0 = Date.now();
const lap = (m) => process.env.BENCH_VERBOSE && console.error(`[rows ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const LIST_PATH = /^\/v1\/organizations\/1\/agent\/runs$/;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Watches the sidebar's rows from inside the page: the first time a row's label holds a watched title. */
async function installRowWatch(page) {
  await page.evaluate(() => {
    const seen = new Map();
    const watched = new Set();
    const check = () => {
      if (watched.size === 0) return;
      const now = performance.timeOrigin + performance.now();
      for (const row of document.querySelectorAll('.part.sidebar .monaco-list-row')) {
        const label = `${row.getAttribute('aria-label') ?? ''} ${row.textContent ?? ''}`;
        for (const title of watched) {
          if (label.includes(title)) {
            seen.set(title, now);
            watched.delete(title);
          }
        }
      }
    };
    new MutationObserver(check).observe(document.querySelector('.part.sidebar'), { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['aria-label'] });
    window.__codegenRows = { watch: (title) => watched.add(title), seenAt: (title) => seen.get(title) };
  });
}

async function rowSeenAt(page, title, timeoutMs = 30000) {
  const handle = await page.waitForFunction((t) => window.__codegenRows.seenAt(t), title, { timeout: timeoutMs, polling: 50 });
  return handle.jsonValue();
}

let sim;
let browser;
const result = { create: { samples: [] }, refresh: { samples: [] } };
let exitCode = 0;
try {
  sim = await startSimulator(['--historical-runs', '6', '--no-rate-limits', '--run-duration-ms', '600000']);
  const server = await startCodeServer(path.join(scratch, 'cs'), { installVsix: vsix, settings: { 'codegen.apiBaseUrl': sim.url } });
  fs.cpSync(path.join(REPO, 'test/fixtures/workspace'), server.workspace, { recursive: true });
  browser = await launchBrowser();
  const { page } = browser;
  const helpers = workbenchHelpers({ page, server, sim, shots: scratch, lap, blocked: browser.blocked });
  await helpers.openWorkbench();
  await helpers.ensureSignedIn();
  await page.locator('.part.sidebar .monaco-list-row').first().waitFor({ timeout: 30000 });
  await installRowWatch(page);
  lap('signed in, Runs view shown');

  // The extension keeps to the API's 10 creates a minute (its own governor): one create every 6.5 s never waits.
  const CREATE_PACE_MS = 6500;
  let lastCreateAt = 0;
  for (let index = 0; index < SAMPLES; index++) {
    await page.waitForTimeout(Math.max(0, lastCreateAt + CREATE_PACE_MS - Date.now()));
    lastCreateAt = Date.now();
    const title = `Latency probe ${index} ${Date.now().toString(36)}`;
    await page.evaluate((t) => window.__codegenRows.watch(t), title);
    await helpers.runCommand('Codegen: New run');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 20000 });
    await input.fill(title);
    // Typing offers "Send this request" first; Enter before it is listed would pick a template.
    await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: 'Send this request' }).first().waitFor({ timeout: 10000 });
    await page.keyboard.press('Enter');
    const rowAt = await rowSeenAt(page, title);
    const creates = (await sim.control('GET', '/requests?method=POST&path=/agent/run$&status=200')).requests;
    const create = creates.find((request) => JSON.stringify(request.body ?? '').includes(title));
    if (!create) throw new Error(`no create carried "${title}"`);
    result.create.samples.push(Math.round(rowAt - create.wallAt));
    lap(`create ${index}: ${Math.round(rowAt - create.wallAt)} ms (answer ${create.wallAt}, row ${Math.round(rowAt)})`);
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
  }

  for (let index = 0; index < SAMPLES; index++) {
    const title = `Refresh probe ${index} ${Date.now().toString(36)}`;
    await page.evaluate((t) => window.__codegenRows.watch(t), title);
    const seededAt = Date.now();
    await sim.control('POST', '/runs', { organizationId: 1, userId: 7, prompt: title, metadata: { title }, status: 'COMPLETE', sourceType: 'API' });
    await helpers.runCommand('Codegen: Refresh runs');
    const rowAt = await rowSeenAt(page, title);
    const lists = (await sim.control('GET', '/requests?method=GET&status=200')).requests.filter((request) => LIST_PATH.test(request.path) && request.wallAt >= seededAt);
    const list = lists[0];
    if (!list) throw new Error(`no list answered after "${title}" was seeded`);
    result.refresh.samples.push(Math.round(rowAt - list.wallAt));
    lap(`refresh ${index}: ${Math.round(rowAt - list.wallAt)} ms (answer ${list.wallAt}, row ${Math.round(rowAt)})`);
    await page.waitForTimeout(500);
  }
  result.create.medianMs = median(result.create.samples);
  result.refresh.medianMs = median(result.refresh.samples);
} catch (error) {
  console.error('row latency bench failed:', error);
  await browser?.page.screenshot({ path: path.join(REPO, 'test-results', 'rows-failure.png') }).catch(() => {});
  result.error = String(error?.stack || error);
  exitCode = 1;
} finally {
  await browser?.close();
  await stopAll();
  if (!process.env.KEEP_SCRATCH) fs.rmSync(scratch, { recursive: true, force: true });
}
const line = JSON.stringify(result);
if (out) {
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, line);
}
console.log(line);
process.exit(exitCode);
