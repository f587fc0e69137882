// From the tree, a finished run's "Review changes" opens VS Code's multi-diff editor on the agent's
// branch: the pull request's changed files with the agent's change visible. The workspace holds a clone
// of the simulator's bare repository whose remote still names github.com (git's traffic is rewritten to
// the bare repository in the clone's own config): nothing leaves the machine.
import path from 'node:path';
import { createRequire } from 'node:module';
import { REPO } from '../../../scripts/harness/paths.mjs';

export const name = 'review changes: a finished run\u2019s pull request in the multi-diff editor';

const TITLE = 'Add a feature flag for widgets';

export async function run({ page, runCommand, shot, lap, sim, ensureSignedIn, workspace, runMenuItem }) {
  await ensureSignedIn();
  const seeded = await sim.control('POST', '/runs', { prompt: TITLE, metadata: { title: TITLE }, status: 'COMPLETE', pullRequest: true, repoId: 101 });
  const require = createRequire(import.meta.url);
  const { cloneClientWorkspace } = require(path.join(REPO, 'out/test/simulator/gitWorkspace.js'));
  cloneClientWorkspace({ gitRoot: sim.gitRoot, dir: path.join(workspace, 'widgets') });
  lap(`run ${seeded.id} finished with a pull request; its repository is cloned into the workspace`);
  await runCommand('Codegen: Refresh runs');
  await runMenuItem(TITLE, 'Review changes');
  const editor = page.locator('.multiDiffEditor, .multi-diff-editor, [class*="multiDiff"]').first();
  await editor.waitFor({ timeout: 30000 });
  // The agent's change to src/widget.ts is visible: its new line shows in the editor.
  await page.locator('.part.editor', { hasText: `(run ${seeded.id})` }).first().waitFor({ timeout: 20000 });
  for (const file of ['feature.ts', 'widget.ts']) await page.locator('.part.editor', { hasText: file }).first().waitFor({ timeout: 10000 });
  const tab = page.locator('.tabs-container .tab', { hasText: `#${seeded.id}` }).first();
  await tab.waitFor({ timeout: 10000 });
  await shot('07-review-changes');
  lap('the multi-diff editor shows the pull request branch with the agent\u2019s change');

  // A window reload restores the review tab; its files are read from git objects again (the extension
  // activates for their scheme), so the tab is not left empty.
  // Reload Window (not a page load) so the workbench saves its editors first, as a user's reload does.
  await Promise.all([page.waitForEvent('load', { timeout: 60000 }), runCommand('Developer: Reload Window')]);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  await page.locator('.tabs-container .tab', { hasText: `#${seeded.id}` }).first().waitFor({ timeout: 60000 });
  for (const file of ['feature.ts', 'widget.ts']) await page.locator('.part.editor', { hasText: file }).first().waitFor({ timeout: 30000 });
  if (await page.locator('.part.editor', { hasText: 'No Changed Files' }).isVisible()) throw new Error('the restored review says "No Changed Files"');
  lap('after a window reload the review tab still shows the changed files');
}
