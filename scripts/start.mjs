// npm start: the packaged extension in a code-server on 127.0.0.1, pointed at the simulator (default)
// or at the real service (--real [--api-url URL]). The profile in .tmp/start persists between runs.
import fs from 'node:fs';
import path from 'node:path';
import { startCodeServer, startSimulator, stopAll } from './harness/processes.mjs';
import { REPO } from './harness/paths.mjs';

const args = process.argv.slice(2);
const real = args.includes('--real');
const apiUrlIndex = args.indexOf('--api-url');
const { name, version } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
const vsix = path.join(REPO, `${name}-${version}.vsix`);

let apiBaseUrl = apiUrlIndex >= 0 ? args[apiUrlIndex + 1] : 'https://api.codegen.com';
if (!real) {
  const sim = await startSimulator(['--historical-runs', '12', '--run-duration-ms', '90000']);
  apiBaseUrl = sim.url;
  console.log(`Codegen API simulator: ${sim.url} (API token: test-token)`);
}
const server = await startCodeServer(path.join(REPO, '.tmp', 'start'), {
  installVsix: vsix,
  settings: { 'codegen.apiBaseUrl': apiBaseUrl },
});
const sample = path.join(server.workspace, 'src');
if (!fs.existsSync(sample)) fs.cpSync(path.join(REPO, 'test/fixtures/workspace'), server.workspace, { recursive: true });
console.log(`\nOpen ${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
console.log(real
  ? `Using the real Codegen API at ${apiBaseUrl}: run "Codegen: Set API token" with a token from https://codegen.com/token.`
  : 'Run "Codegen: Set API token" and paste test-token.');
console.log('Press Ctrl+C to stop.');
await new Promise((resolve) => process.once('SIGINT', resolve));
await stopAll();
