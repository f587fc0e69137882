// What a user sees of the Runs view, measured from outside and in a real extension host:
// - from the service's answer to the run's row in the view's DOM, in Chromium (test/e2e/rowLatency.mjs,
//   the packaged .vsix in code-server), for a create and for a refresh, median of 10 each;
// - the extension host's heap growth (after a full GC) when 100, then 1,000 more runs are shown
//   (test/benchHost/memory.ts).
// `npm run bench` builds for production and packages first (budgets.bench.ts packages the .vsix too).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchRow } from './index';

const ROOT = path.resolve(__dirname, '../../..');
const SAMPLES = 10;

interface LatencyFigures {
  create: { samples: number[]; medianMs?: number };
  refresh: { samples: number[]; medianMs?: number };
  error?: string;
}

function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(2);
}

function rowLatency(vsix: string): LatencyFigures {
  const out = path.join(ROOT, 'test-results', 'bench-rows', 'latency.json');
  fs.rmSync(out, { force: true });
  execFileSync(process.execPath, [path.join(ROOT, 'test/e2e/rowLatency.mjs'), vsix, '--samples', String(SAMPLES), '--out', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return JSON.parse(fs.readFileSync(out, 'utf8')) as LatencyFigures;
}

function memory(): Record<string, number> {
  const resultFile = path.join(ROOT, 'test-results', 'bench-memory', 'inhost.json');
  fs.rmSync(resultFile, { force: true });
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/harness/run-inhost.mjs')], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, INHOST_TESTS_PATH: 'out/test/benchHost/memory', RESULTS_DIR: path.dirname(resultFile) },
  });
  return JSON.parse(fs.readFileSync(resultFile, 'utf8')) as Record<string, number>;
}

export async function run(): Promise<BenchRow[]> {
  await Promise.resolve();
  const { name, version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = path.join(ROOT, `${name}-${version}.vsix`);
  if (!fs.existsSync(vsix)) execFileSync(process.execPath, [path.join(ROOT, 'scripts/package.js')], { cwd: ROOT, stdio: 'ignore' });
  const latency = rowLatency(vsix);
  if (latency.error) throw new Error(`row latency: ${latency.error}`);
  const heap = memory();
  const group = 'runs view (what a user sees)';
  return [
    { group, name: `create -> the new run's row in the DOM, from the create's answer (median of ${SAMPLES}; peer 44)`, value: latency.create.medianMs ?? NaN, unit: 'ms', target: '< 50' },
    { group, name: 'create -> row: each sample', value: latency.create.samples.join(' / '), unit: 'ms' },
    { group, name: `refresh -> a new run's row in the DOM, from the list's answer (median of ${SAMPLES}; peer 24)`, value: latency.refresh.medianMs ?? NaN, unit: 'ms', target: '< 30' },
    { group, name: 'refresh -> row: each sample', value: latency.refresh.samples.join(' / '), unit: 'ms' },
    { group, name: 'extension host heap growth, 100 more runs shown (after GC; peer 3.5)', value: mb(heap['growth100'] ?? NaN), unit: 'MB', target: '< 4' },
    { group, name: 'extension host heap growth, 1,000 more runs shown (after GC)', value: mb(heap['growth1000'] ?? NaN), unit: 'MB' },
  ];
}
