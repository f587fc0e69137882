// Child processes for the harness: code-server instances and the API simulator, each in its own
// process group so that stopping it kills every descendant (file watchers, extension hosts).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CS_ENTRY, NODE24, REPO } from './paths.mjs';

const started = new Set();

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function spawnGroup(command, args, options) {
  const child = spawn(command, args, { ...options, detached: true });
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

async function killGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
  const timer = new Promise((resolve) => setTimeout(resolve, 5000, 'timeout'));
  if ((await Promise.race([exited, timer])) === 'timeout') {
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    await exited;
  }
}

export async function stopAll() {
  await Promise.all([...started].map(killGroup));
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => { void stopAll().finally(() => process.exit(130)); });
}

async function waitHttp(url, timeoutMs, describe) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${describe} did not answer at ${url} within ${timeoutMs} ms`);
}

const baseSettings = {
  'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false, 'extensions.ignoreRecommendations': true, 'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true, 'git.openRepositoryInParentFolders': 'never', 'window.restoreWindows': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false, 'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/**
 * Starts code-server on 127.0.0.1 with a fresh profile in dir. Options: settings (merged into user
 * settings), installVsix (path), smokeTestDriver (for in-host tests: makes the workbench honour the
 * extensionTestsPath payload, and hides toasts), env (extra environment), workspaceTrust (true: VS Code asks
 * nothing and opens folders in Restricted Mode until the user trusts them; default: trust is off).
 */
export async function startCodeServer(dir, { settings = {}, installVsix, smokeTestDriver = false, env = {}, workspaceTrust = false } = {}) {
  for (const sub of ['data/User', 'exts', 'config', 'xdg', 'tmp', 'ws']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  fs.writeFileSync(path.join(dir, 'config/config.yaml'), '');
  const trustSettings = workspaceTrust ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.untrustedFiles': 'open' } : {};
  fs.writeFileSync(path.join(dir, 'data/User/settings.json'), JSON.stringify({ ...baseSettings, ...trustSettings, ...settings }, null, 2));
  const childEnv = {
    ...process.env, ...env,
    XDG_CONFIG_HOME: path.join(dir, 'config'), XDG_DATA_HOME: path.join(dir, 'xdg'), TMPDIR: path.join(dir, 'tmp'),
    EXTENSIONS_GALLERY: '{}',
  };
  const common = ['--config', path.join(dir, 'config/config.yaml'), '--user-data-dir', path.join(dir, 'data'), '--extensions-dir', path.join(dir, 'exts')];
  if (installVsix) {
    const install = spawnGroup(NODE24, [CS_ENTRY, ...common, '--install-extension', installVsix], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    install.stdout.on('data', (d) => { output += d; });
    install.stderr.on('data', (d) => { output += d; });
    const code = await new Promise((resolve) => install.once('exit', resolve));
    if (code !== 0) throw new Error(`installing ${installVsix} into code-server failed (${code}):\n${output}`);
  }
  const port = await freePort();
  const log = fs.openSync(path.join(dir, 'code-server.log'), 'w');
  const args = [CS_ENTRY, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', ...common,
    '--disable-telemetry', '--disable-update-check', ...(workspaceTrust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override',
    '--ignore-last-opened', '--reconnection-grace-time', '5'];
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  const child = spawnGroup(NODE24, args, { env: childEnv, stdio: ['ignore', log, log], cwd: REPO });
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(`${url}/healthz`, 30000, 'code-server');
  return { url, port, dir, workspace: path.join(dir, 'ws'), stop: () => killGroup(child) };
}

/** Starts the Codegen API simulator CLI (compiled to out/test/simulator/cli.js) on a free port. */
export async function startSimulator(extraArgs = []) {
  const port = await freePort();
  const child = spawnGroup(process.execPath, [path.join(REPO, 'out/test/simulator/cli.js'), '--port', String(port), ...extraArgs], { stdio: ['ignore', 'pipe', 'inherit'], cwd: REPO });
  const url = await new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('simulator did not start within 15 s')), 15000);
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(buffered);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`simulator exited early (${code})`)); });
  });
  child.stdout.resume();
  const control = async (method, route, body) => {
    const res = await fetch(`${url}/_sim${route}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`simulator control ${method} ${route} -> ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return { url, control, stop: () => killGroup(child) };
}
