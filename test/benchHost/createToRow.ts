// Runner module for the extension host (INHOST_TESTS_PATH=out/test/benchHost/createToRow): how long a run
// created with "Codegen: New run" takes to appear in the Runs tree, counted from the moment the create
// reached the simulator to the moment the tree reports the new row, and how many list calls came between
// (none: the row must not wait for a list call, a reveal or the progress toast). Median of 8 creates.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { hooks, script, startSimulatorFor } from '../integration/helpers';

const CREATES = 8;
const CREATE_PATH = '/v1/organizations/1/agent/run';
const LIST_PATH = '/v1/organizations/1/agent/runs';

export async function run(): Promise<void> {
  const resultFile = process.env.TEST_RESULT_FILE ?? path.resolve(__dirname, '../../../test-results/create-to-row.json');
  const h = await hooks();
  const sim = await startSimulatorFor({ historicalRuns: 5 });
  const { ui, restore } = await script();
  await vscode.commands.executeCommand('workbench.view.extension.codegen');
  await h.runs.whenSettled();
  const samples: number[] = [];
  const listCallsBetween: number[] = [];
  try {
    for (let index = 0; index < CREATES; index++) {
      ui.promptAnswers.push({ kind: 'send', text: `Benchmark task ${index}` });
      const rowShown = new Promise<number>((resolve) => {
        const subscription = h.runs.tree.onDidChangeTreeData(() => {
          const roots = h.runs.tree.getChildren();
          const rows = roots.flatMap((node) => h.runs.tree.getChildren(node));
          if (rows.some((node) => node.kind === 'run' && node.run.metadata?.['title'] === `Benchmark task ${index}`)) {
            subscription.dispose();
            resolve(Date.now());
          }
        });
      });
      const createdBefore = sim.countRequests({ method: 'POST', path: CREATE_PATH });
      const listsBefore = sim.countRequests({ path: LIST_PATH });
      await vscode.commands.executeCommand('codegen.newRun');
      const shownAt = await rowShown;
      const create = sim.requests.filter((r) => r.method === 'POST' && r.path === CREATE_PATH)[createdBefore];
      if (!create || create.status !== 200) throw new Error(`create ${index} did not succeed`);
      const listsAfterCreate = sim.requests.filter((r) => r.path === LIST_PATH && r.seq > create.seq && r.at <= shownAt).length;
      samples.push(shownAt - create.at);
      listCallsBetween.push(listsAfterCreate);
      void listsBefore;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    restore();
    await sim.stop();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  fs.mkdirSync(path.dirname(resultFile), { recursive: true });
  fs.writeFileSync(resultFile, JSON.stringify({ passes: 1, failures: 0, samples, medianMs: median, listCallsBetween }));
}
