// Several agents on one request: two attempts of one group show in the tree as one row ("2 agents: …") with
// the attempts under it, and "Compare attempts" opens VS Code's multi-diff editor on attempt 1's branch
// against attempt 2's and each against the base. The workspace holds a clone of the simulator's bare
// repository (its remote names github.com; git's traffic is rewritten to the bare repository): nothing leaves the machine.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { REPO } from '../../../scripts/harness/paths.mjs';

export const name = 'several agents: attempts in the tree, Compare attempts in the multi-diff editor';

const TITLE = 'Add a cache to widget lookups';

export async function run({ page, runCommand, shot, lap, sim, ensureSignedIn, workspace }) {
  await ensureSignedIn();
  const group = 'e2e-attempts-group';
  const seeded = [];
  for (const attempt of [1, 2]) {
    seeded.push(await sim.control('POST', '/runs', { prompt: TITLE, metadata: { title: TITLE, attempt_group: group, attempt }, status: 'COMPLETE', pullRequest: true, repoId: 101 }));
  }
  const require = createRequire(import.meta.url);
  const { cloneClientWorkspace } = require(path.join(REPO, 'out/test/simulator/gitWorkspace.js'));
  // A fresh clone (an earlier scenario may have left its own, on another branch).
  fs.rmSync(path.join(workspace, 'widgets'), { recursive: true, force: true });
  cloneClientWorkspace({ gitRoot: sim.gitRoot, dir: path.join(workspace, 'widgets') });
  lap(`runs ${seeded.map((r) => r.id).join(' and ')} are attempts 1 and 2 of one group, each with a pull request`);
  await runCommand('Codegen: Refresh runs');
  const row = page.locator('.part.sidebar .monaco-list-row', { hasText: `2 agents: ${TITLE}` }).first();
  await row.waitFor({ timeout: 20000 });
  for (const attempt of [1, 2]) await page.locator('.part.sidebar .monaco-list-row', { hasText: `Attempt ${attempt}` }).first().waitFor({ timeout: 10000 });
  lap('the tree shows the group as one row with its two attempts');
  await row.click({ button: 'right' });
  const item = page.locator('.monaco-menu .action-item', { hasText: 'Compare attempts' }).first();
  await item.waitFor({ timeout: 10000 });
  await item.hover();
  await item.locator('.action-menu-item, .action-label').first().click();
  const editor = page.locator('.multiDiffEditor, .multi-diff-editor, [class*="multiDiff"]').first();
  await editor.waitFor({ timeout: 60000 });
  await page.locator('.tabs-container .tab', { hasText: 'compare 2 attempts' }).first().waitFor({ timeout: 30000 });
  // Attempt 1 against attempt 2: their approaches differ.
  await page.locator('.part.editor', { hasText: 'approach.ts' }).first().waitFor({ timeout: 20000 });
  await page.locator('.part.editor', { hasText: 'attempt 1 vs attempt 2' }).first().waitFor({ timeout: 20000 });
  // The diffs are computed: attempt 1's and attempt 2's approach differ by one character each.
  await page.locator('.part.editor .char-delete').first().waitFor({ timeout: 20000 });
  await page.locator('.part.editor .char-insert').first().waitFor({ timeout: 20000 });
  await page.mouse.move(900, 450);
  await shot('12-compare-attempts');
  lap('Compare attempts shows attempt 1 against attempt 2 and each against the base in the multi-diff editor');
}
