// Runner module for the extension host (INHOST_TESTS_PATH=out/test/benchHost/memory): how much the
// extension host's heap grows when 100, then 1,000 more runs are shown in the Runs view. The runs are
// seeded into the simulator (which lives in this same process) before each baseline, so what grows is
// what the extension keeps: the held runs, their view models and the tree's items. Heap after a full GC.
import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import * as vscode from 'vscode';
import { hooks, startSimulatorFor, waitFor } from '../integration/helpers';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function run(): Promise<void> {
  const resultFile = process.env.TEST_RESULT_FILE ?? path.resolve(__dirname, '../../../test-results/memory.json');
  const h = await hooks();
  const sim = await startSimulatorFor({ historicalRuns: 0 });
  await vscode.commands.executeCommand('workbench.view.extension.codegen');
  await h.runs.whenSettled();
  const figures: Record<string, number> = {};
  let rendered = 0;
  const subscription = h.runs.tree.onDidChangeTreeData(() => {
    rendered++;
  });
  try {
    let shown = 0;
    for (const count of [100, 1000]) {
      for (let index = 0; index < count; index++) {
        const id = shown + index;
        sim.addRun({
          organizationId: 1,
          userId: 7,
          prompt: `Memory bench task ${id}: tidy the module and add tests`,
          metadata: { title: `Memory bench task ${id}` },
          status: id % 3 === 0 ? 'ACTIVE' : 'COMPLETE',
          pullRequest: id % 3 !== 0,
          sourceType: 'API',
          createdAt: Date.now() - id * 60_000,
        });
      }
      await settle(200);
      const before = heapAfterGc();
      const wanted = shown + count;
      await h.runs.poller()?.refreshNow();
      while ((h.runs.store.size ?? 0) < wanted && h.runs.store.hasMore) await h.runs.poller()?.loadMore();
      await waitFor(() => h.runs.store.size >= wanted, `${wanted} runs held`, 60000);
      // The view renders what it was told changed; give it time to ask for every row.
      await settle(1500);
      const after = heapAfterGc();
      figures[`growth${count}`] = after - before;
      shown = wanted;
    }
  } finally {
    subscription.dispose();
    await sim.stop();
  }
  fs.mkdirSync(path.dirname(resultFile), { recursive: true });
  fs.writeFileSync(resultFile, JSON.stringify({ passes: 1, failures: 0, ...figures, treeEvents: rendered }));
}
