// Budgets of what a user installs: the bundles, the .vsix, and activation time measured in a real
// extension host (code-server, through the in-host harness). `npm run bench` builds for production first.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchRow } from './index';

const ROOT = path.resolve(__dirname, '../../..');
const ACTIVATION_RUNS = 10;

function kb(bytes: number): number {
  return Math.round((bytes / 1024) * 10) / 10;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs a runner module in a real extension host (the in-host harness) and reads the JSON it wrote. */
function inHost(runner: string, folder: string): Record<string, unknown> {
  const resultFile = path.join(ROOT, 'test-results', folder, 'inhost.json');
  fs.rmSync(resultFile, { force: true });
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/harness/run-inhost.mjs')], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, INHOST_TESTS_PATH: runner, RESULTS_DIR: path.dirname(resultFile) },
  });
  return JSON.parse(fs.readFileSync(resultFile, 'utf8')) as Record<string, unknown>;
}

interface ActivationFigures {
  activationMs: number;
  /** Only when the bench was first to ask for the extension (it activates at onStartupFinished). */
  wallMs?: number;
  reads: string[];
  pendingTimers: number;
}

function measureActivation(): ActivationFigures {
  const result = inHost('out/test/benchHost/index', 'bench-activation');
  if (typeof result['activationMs'] !== 'number' || !Array.isArray(result['reads']) || typeof result['pendingTimers'] !== 'number') throw new Error('no activation figures from the extension host');
  return {
    activationMs: result['activationMs'],
    wallMs: typeof result['wallMs'] === 'number' ? result['wallMs'] : undefined,
    reads: result['reads'] as string[],
    pendingTimers: result['pendingTimers'],
  };
}

function measureCreateToRow(): { medianMs: number; samples: number[]; listCallsBetween: number[] } {
  return inHost('out/test/benchHost/createToRow', 'bench-create') as unknown as { medianMs: number; samples: number[]; listCallsBetween: number[] };
}

export async function run(): Promise<BenchRow[]> {
  await Promise.resolve();
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/package.js')], { cwd: ROOT, stdio: 'ignore' });
  const { name, version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const size = (file: string): number => fs.statSync(path.join(ROOT, file)).size;
  const rows: BenchRow[] = [
    { group: 'budgets', name: 'extension bundle dist/extension.js (all of our extension-host code)', value: kb(size('dist/extension.js')), unit: 'KB' },
    { group: 'budgets', name: 'secret scanner dist/secretScan.js (secretlint; loaded at the first scan)', value: kb(size('dist/secretScan.js')), unit: 'KB' },
    { group: 'budgets', name: 'HTTP dist/nodeFetch.js (node-fetch; loaded at the first request)', value: kb(size('dist/nodeFetch.js')), unit: 'KB' },
    { group: 'budgets', name: 'webview bundle dist/webview.js (loaded by the panel)', value: kb(size('dist/webview.js')), unit: 'KB' },
    { group: 'budgets', name: `.vsix (${name}-${version}.vsix)`, value: kb(size(`${name}-${version}.vsix`)), unit: 'KB', target: '< 400' },
  ];
  const samples = Array.from({ length: ACTIVATION_RUNS }, () => measureActivation());
  rows.push(
    { group: 'budgets', name: `activation, in activate() (median of ${ACTIVATION_RUNS} hosts)`, value: median(samples.map((s) => s.activationMs)), unit: 'ms', target: '< 20' },
    { group: 'budgets', name: 'activation, in activate() (each run)', value: samples.map((s) => s.activationMs.toFixed(1)).join(' / '), unit: 'ms' },
    { group: 'budgets', name: 'activation: what it reads (secret storage and global state keys; no file, no request)', value: [...new Set(samples.flatMap((s) => s.reads))].join(', ') || 'nothing' },
    { group: 'budgets', name: 'activation: timers waiting once settled, signed out (most of all runs)', value: Math.max(...samples.map((s) => s.pendingTimers)), unit: 'timers', target: '0' },
  );
  const walls = samples.flatMap((s) => (s.wallMs === undefined ? [] : [s.wallMs]));
  if (walls.length > 0) rows.push({ group: 'budgets', name: `activation, extension.activate() wall time incl. loading (median of the ${walls.length} runs it was asked for)`, value: median(walls), unit: 'ms' });
  const create = measureCreateToRow();
  rows.push(
    { group: 'create', name: 'create -> run row in the tree, from the create reaching the service (median of 8, peer 68-90)', value: create.medianMs, unit: 'ms', target: '< 100' },
    { group: 'create', name: 'create -> run row: each create', value: create.samples.join(' / '), unit: 'ms' },
    { group: 'create', name: 'create -> run row: list calls before the row showed', value: Math.max(...create.listCallsBetween), unit: 'calls', target: '0' },
  );
  return rows;
}
