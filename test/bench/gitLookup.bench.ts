// Sending's git lookup through the one git layer, as every send runs it (GitAdapter.contextFor): the repository
// of the sent file (rev-parse --show-toplevel), then branch, commit and remotes (rev-parse and config, together),
// in a scratch repository with two remotes; once in a small one and once in one with 5,000 tracked files (no
// status scan, so the size should not matter). Also the workspace's repository (a request without a file) with
// 20 clones inside the folder. Figures only; nothing here asserts a timing.

import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CliGitRunner } from '../../src/changes/gitRunner';
import { readRepositoryInfo, repositoryOfFile, repositoryOfWorkspace } from '../../src/changes/repositories';
import { sendingGitContext } from '../../src/send/repositoryDecision';
import { clientGit, initRepository } from '../simulator/gitWorkspace';
import type { BenchRow } from './index';

const GROUP = 'git lookup (send)';
const ROUNDS = 40;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0;
}

async function timed(rounds: number, task: () => Promise<unknown>): Promise<number[]> {
  await task(); // warm the file system cache
  const figures: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    await task();
    figures.push(performance.now() - started);
  }
  return figures;
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const row = (name: string, value: number, unit: string): void => void rows.push({ group: GROUP, name, value, unit });
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'codegen-bench-git-'));
  try {
    const runner = new CliGitRunner({ isTrusted: () => true });
    const workspace = path.join(scratch, 'workspace');
    const small = initRepository(path.join(workspace, 'small'), { 'src/a.ts': 'export const a = 1;\n' });
    const bigFiles: Record<string, string> = {};
    for (let file = 0; file < 5_000; file++) bigFiles[`src/dir${file % 50}/file${file}.ts`] = `export const v${file} = ${file};\n`;
    const big = initRepository(path.join(workspace, 'big'), bigFiles);
    for (const repo of [small, big]) {
      clientGit(repo, ['remote', 'add', 'origin', 'https://github.com/me/widgets.git']);
      clientGit(repo, ['remote', 'add', 'upstream', 'https://github.com/acme/widgets.git']);
      clientGit(repo, ['config', 'branch.main.remote', 'origin']);
    }
    const lookup = async (file: string): Promise<void> => {
      const root = await repositoryOfFile(runner, [workspace], file);
      if (root === undefined) throw new Error(`no repository for ${file}`);
      sendingGitContext(await readRepositoryInfo(runner, root), root);
    };
    for (const [label, file] of [['small repository', path.join(small, 'src/a.ts')], ['5,000-file repository', path.join(big, 'src/dir7/file7.ts')]] as const) {
      const figures = await timed(ROUNDS, () => lookup(file));
      row(`file in a ${label}: median`, median(figures), 'ms');
      row(`file in a ${label}: p95`, p95(figures), 'ms');
    }
    for (let clone = 0; clone < 18; clone++) initRepository(path.join(workspace, `clone${clone}`), { 'x.txt': `${clone}\n` });
    const bare = await timed(ROUNDS, async () => {
      if ((await repositoryOfWorkspace(runner, [workspace])) !== undefined) throw new Error('20 clones: none should be guessed');
    });
    row('no file, a folder holding 20 clones: median', median(bare), 'ms');
    row('no file, a folder holding 20 clones: p95', p95(bare), 'ms');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}
