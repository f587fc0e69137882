// Runs the in-host mocha suite inside a real VS Code (code-server's Node extension host), the way
// @vscode/test-electron does on desktop: extensionDevelopmentPath + extensionTestsPath reach the
// workbench through the `payload` URL parameter (honoured only with the smoke-test driver enabled),
// and the workbench calls window.codeAutomationExit(code) when the runner's run() settles.
// Writes test-results/inhost.json (counts) and exits 0 (all passed), 1 (failures) or 2 (harness failure).
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { launchBrowser } from './browser.mjs';
import { startCodeServer, stopAll } from './processes.mjs';
import { REPO } from './paths.mjs';

// Workbench chatter forwarded with the extension host's console; INHOST_VERBOSE=1 shows it.
const WORKBENCH_NOISE = /^(Creating a socket|Creation of workbench contribution|Ignoring fetching additional builtin|\[reconnection-grace-time\]|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\]|Timed out waiting for authentication provider|Updating additional builtin extensions cache|Canceled: Canceled|No search provider registered|\s+at )/;
const timeoutMs = Number(process.env.INHOST_TIMEOUT_MS || 900000);
// One scratch folder per run, so two runs (a developer's and a helper's) never share a profile.
const scratch = path.join(REPO, '.tmp', `inhost-${process.pid}`);
fs.rmSync(scratch, { recursive: true, force: true });
const resultFile = path.join(process.env.RESULTS_DIR ? path.resolve(process.env.RESULTS_DIR) : path.join(REPO, 'test-results'), 'inhost.json');
fs.rmSync(resultFile, { force: true });
const t0 = Date.now();
const lap = (m) => console.log(`[inhost ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

let exitCode = 2;
let browser;
try {
  // A workspace with a git-less folder and a couple of files the tests open.
  const server = await startCodeServer(scratch, { smokeTestDriver: true });
  const workspace = server.workspace;
  fs.cpSync(path.join(REPO, 'test/fixtures/workspace'), workspace, { recursive: true });
  const authority = new URL(server.url).host;
  const remote = (p) => `vscode-remote://${authority}${p}`;
  // INHOST_WITHOUT (e.g. "chat,lm:throw") starts the extension as in an editor without those APIs: the forks/ suite.
  const extensionEnv = JSON.stringify({ TEST_RESULT_FILE: resultFile, CODEGEN_TEST_MODE: '1', INHOST_GREP: process.env.INHOST_GREP || '', CODEGEN_TEST_WITHOUT: process.env.INHOST_WITHOUT || '' });
  const payload = [
    ['extensionDevelopmentPath', remote(REPO)],
    // INHOST_TESTS_PATH runs another runner module (the activation benchmark uses this).
    ['extensionTestsPath', remote(path.join(REPO, process.env.INHOST_TESTS_PATH || 'out/test/integration/index'))],
    ['extensionEnvironment', extensionEnv],
  ];
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  browser = await launchBrowser();
  const done = new Promise((resolve) => {
    void browser.page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = util.format(...(Array.isArray(args) ? args : [args]));
      if (!process.env.INHOST_VERBOSE && WORKBENCH_NOISE.test(line)) return;
      console.log(`  ${line}`);
    });
    void browser.page.exposeFunction('codeAutomationExit', (code) => resolve(code));
  });
  lap('opening the workbench with the test payload');
  await browser.page.goto(url);
  exitCode = await Promise.race([done, new Promise((r) => setTimeout(() => r(2), timeoutMs))]);
  lap(`extension host finished with code ${exitCode}`);
  if (browser.blocked.length) lap(`blocked non-loopback requests: ${browser.blocked.length}`);
} catch (error) {
  console.error('in-host harness failed:', error);
  exitCode = 2;
} finally {
  await browser?.close();
  await stopAll();
  if (!process.env.KEEP_SCRATCH) fs.rmSync(scratch, { recursive: true, force: true });
}
if (!fs.existsSync(resultFile)) {
  fs.mkdirSync(path.dirname(resultFile), { recursive: true });
  fs.writeFileSync(resultFile, JSON.stringify({ passes: 0, failures: 1, error: `harness exit ${exitCode}, no result written` }));
}
process.exit(exitCode);
