// Nothing of the user's is lost (issue 20, as a user meets it): in a real clone with an edited file, an
// untracked file and an ignored .env, "Check out the pull request branch" from the tree asks, stashes and
// switches; the window is reloaded in between (the record of where the user was is in the workspace state);
// "Switch back" from the palette then returns to main with the edit, the untracked file and the stash
// restored, and the ignored .env never touched. Git's traffic goes to the simulator's bare repository.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { REPO } from '../../../scripts/harness/paths.mjs';

export const name = 'nothing lost: check out with local work, reload, switch back';

const TITLE = 'Add a feature flag for widgets (nothing lost)';

export async function run({ page, runCommand, shot, lap, sim, ensureSignedIn, workspace, runMenuItem }) {
  await ensureSignedIn();
  const seeded = await sim.control('POST', '/runs', { prompt: TITLE, metadata: { title: TITLE }, status: 'COMPLETE', pullRequest: true, repoId: 101 });
  const require = createRequire(import.meta.url);
  const { cloneClientWorkspace } = require(path.join(REPO, 'out/test/simulator/gitWorkspace.js'));
  const clone = path.join(workspace, 'widgets');
  fs.rmSync(clone, { recursive: true, force: true });
  cloneClientWorkspace({ gitRoot: sim.gitRoot, dir: clone });
  const git = (...args) => execFileSync('git', args, { cwd: clone, encoding: 'utf8' }).trim();
  const read = (file) => fs.readFileSync(path.join(clone, file), 'utf8');
  fs.appendFileSync(path.join(clone, '.git', 'info', 'exclude'), '.env\n');
  fs.writeFileSync(path.join(clone, '.env'), 'API_KEY=local-only\n');
  fs.writeFileSync(path.join(clone, 'README.md'), '# my local edit\n');
  fs.writeFileSync(path.join(clone, 'notes.txt'), 'untracked work\n');
  lap(`run ${seeded.id} has a pull request; the clone has an edit, an untracked file and an ignored .env`);

  await runCommand('Codegen: Refresh runs');
  await runMenuItem(TITLE, 'Check out the pull request branch');
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'uncommitted changes' });
  await dialog.waitFor({ timeout: 30000 });
  await shot('13-checkout-asks');
  await dialog.getByRole('button', { name: 'Stash and switch', exact: true }).click();
  const branch = `codegen/run-${seeded.id}`;
  await page.locator('.notifications-toasts', { hasText: `Switched to ${branch}` }).first().waitFor({ timeout: 30000 });
  if (git('rev-parse', '--abbrev-ref', 'HEAD') !== branch) throw new Error(`HEAD is not on ${branch}`);
  if (!/codegen: before checking out run/.test(git('stash', 'list'))) throw new Error(`no Codegen stash: ${git('stash', 'list')}`);
  if (read('.env') !== 'API_KEY=local-only\n') throw new Error('the ignored .env changed on check out');
  lap(`checked out ${branch}; the work is in a stash named after the run; .env untouched`);

  await Promise.all([page.waitForEvent('load', { timeout: 60000 }), runCommand('Developer: Reload Window')]);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  // Signed in all along: while the window starts (before the extension has read its token, too), the Codegen view
  // never invites to sign in. Watched until VS Code's git shows the branch, which also means the workspace's trust
  // is resolved (Switch back needs it).
  const invite = page.locator('.part.sidebar', { hasText: 'Sign in with an API token' });
  const ready = page.locator('.part.statusbar', { hasText: branch }).first();
  for (const deadline = Date.now() + 60000; !(await ready.isVisible()); ) {
    if (await invite.isVisible()) throw new Error('after the reload the Codegen view invites a signed-in user to sign in');
    if (Date.now() > deadline) throw new Error('VS Code\u2019s git never showed the branch after the reload');
    await page.waitForTimeout(50);
  }
  for (let i = 0; i < 20; i++, await page.waitForTimeout(50)) if (await invite.isVisible()) throw new Error('after the reload the Codegen view invites a signed-in user to sign in');
  lap('reloaded the window; VS Code\u2019s git shows the branch');

  await runCommand('Codegen: Switch back from the pull request branch');
  await page.locator('.notifications-toasts', { hasText: 'Your stashed changes are back' }).first().waitFor({ timeout: 30000 });
  if (git('rev-parse', '--abbrev-ref', 'HEAD') !== 'main') throw new Error('not back on main');
  if (read('README.md') !== '# my local edit\n') throw new Error('the edit is not back');
  if (read('notes.txt') !== 'untracked work\n') throw new Error('the untracked file is not back');
  if (read('.env') !== 'API_KEY=local-only\n') throw new Error('the ignored .env changed');
  if (git('stash', 'list') !== '') throw new Error(`the stash was not restored and dropped: ${git('stash', 'list')}`);
  await shot('13-switched-back');
  lap('after the reload, Switch back restored main, the edit, the untracked file and the stash; .env untouched');
}
