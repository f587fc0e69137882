// Right branch, nothing lost (issue 20, as a user meets it), in a real clone whose remote names github.com:
// a pull request from a fork whose branch is named `main` is checked out as codegen/pr-<n> (the user's own
// main never moves, and no upstream would push to the base repository's main); then the agent force-pushes a
// branch this extension checked out: Check out follows it by itself; after the user committed on it and the
// agent force-pushed again, Check out asks, and the reset keeps the user's commit on a backup branch.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { REPO } from '../../../scripts/harness/paths.mjs';

export const name = 'fork and force-push: a fork\u2019s PR named main, then a rewritten branch, checked out safely';

const FORK_TITLE = 'Fix the widget padding (from a fork)';
const REWRITE_TITLE = 'Rename the widget helper (rewritten later)';

export async function run({ page, runCommand, shot, lap, sim, ensureSignedIn, workspace, notification, runMenuItem }) {
  await ensureSignedIn();
  const fork = await sim.control('POST', '/runs', { prompt: FORK_TITLE, metadata: { title: FORK_TITLE }, status: 'COMPLETE', pullRequest: { headBranch: 'main' }, repoId: 101 });
  const rewritten = await sim.control('POST', '/runs', { prompt: REWRITE_TITLE, metadata: { title: REWRITE_TITLE }, status: 'COMPLETE', pullRequest: true, repoId: 101 });
  const require = createRequire(import.meta.url);
  const { cloneClientWorkspace } = require(path.join(REPO, 'out/test/simulator/gitWorkspace.js'));
  const clone = path.join(workspace, 'widgets');
  fs.rmSync(clone, { recursive: true, force: true });
  cloneClientWorkspace({ gitRoot: sim.gitRoot, dir: clone });
  const git = (...args) => execFileSync('git', args, { cwd: clone, encoding: 'utf8' }).trim();
  const bare = (await sim.control('GET', `/runs/${fork.id}/git`)).barePath;
  const forkTip = execFileSync('git', ['rev-parse', `refs/pull/${100 + fork.id}/head`], { cwd: bare, encoding: 'utf8' }).trim();
  const mainBefore = git('rev-parse', 'main');
  lap(`run ${fork.id}'s pull request comes from a fork whose branch is named main; run ${rewritten.id}'s is codegen/run-${rewritten.id}`);

  const toast = (text) => notification(text);
  /** Git's state is the truth: wait for it (the message comes once the command has finished). */
  const until = async (what, check) => {
    for (const deadline = Date.now() + 30000; !check(); await page.waitForTimeout(200)) if (Date.now() > deadline) throw new Error(`never: ${what}`);
  };
  const headIs = (ref) => { try { return git('rev-parse', '--abbrev-ref', 'HEAD') === ref; } catch { return false; } };
  // Earlier toasts say the same words: each step starts with none.
  const clearToasts = () => runCommand('Notifications: Clear All Notifications');
  const checkOut = async (title) => {
    await clearToasts();
    await runMenuItem(title, 'Check out the pull request branch');
  };
  const switchBack = async () => {
    await clearToasts();
    await runCommand('Codegen: Switch back from the pull request branch');
    await until('Switch back returned to main', () => headIs('main'));
    await toast('Back on main');
  };

  await runCommand('Codegen: Refresh runs');
  const forkBranch = `codegen/pr-${100 + fork.id}`;
  await checkOut(FORK_TITLE);
  await until(`HEAD on ${forkBranch}`, () => headIs(forkBranch));
  await toast(`Switched to ${forkBranch}`);
  if (git('rev-parse', '--abbrev-ref', 'HEAD') !== forkBranch) throw new Error(`HEAD is not on ${forkBranch}`);
  if (git('rev-parse', 'HEAD') !== forkTip) throw new Error('the checked-out commit is not the fork\u2019s pull request');
  if (git('rev-parse', 'main') !== mainBefore) throw new Error('the user\u2019s main moved');
  // (VS Code's git may add branch.<name>.vscode-merge-base; only remote and merge make an upstream.)
  const branchConfig = (() => { try { return git('config', '--get-regexp', '^branch\\.'); } catch { return ''; } })();
  const upstream = branchConfig.split('\n').filter((line) => line.startsWith(`branch.${forkBranch}.remote `) || line.startsWith(`branch.${forkBranch}.merge `));
  if (upstream.length) throw new Error(`${forkBranch} has an upstream (${upstream.join('; ')}): a push would reach the base repository`);
  await shot('14-fork-checked-out');
  lap(`the fork's pull request is on ${forkBranch} at its tip; main did not move; no upstream`);
  await switchBack();

  const branch = `codegen/run-${rewritten.id}`;
  await checkOut(REWRITE_TITLE);
  await until(`HEAD on ${branch}`, () => headIs(branch));
  await toast(`Switched to ${branch}`);
  await switchBack();
  const first = await sim.control('POST', `/runs/${rewritten.id}/git/force-push`);
  await checkOut(REWRITE_TITLE);
  await until(`HEAD on ${branch} at the force-pushed tip`, () => headIs(branch) && git('rev-parse', 'HEAD') === first.tipSha);
  await toast('followed the force-pushed pull request branch');
  if (git('rev-parse', branch) !== first.tipSha) throw new Error(`${branch} did not follow the force-push`);
  lap(`the agent force-pushed ${branch}; Check out moved the branch this extension made, without asking`);

  fs.writeFileSync(path.join(clone, 'MINE.md'), 'my commit on the PR branch\n');
  git('add', 'MINE.md');
  git('-c', 'user.name=Me', '-c', 'user.email=me@example.com', 'commit', '-qm', 'my own commit');
  const mine = git('rev-parse', 'HEAD');
  await switchBack();
  const second = await sim.control('POST', `/runs/${rewritten.id}/git/force-push`);
  await checkOut(REWRITE_TITLE);
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'has commits the pull request branch does not have' });
  await dialog.waitFor({ timeout: 30000 });
  await shot('14-force-push-asks');
  await dialog.getByRole('button', { name: 'Reset, keeping a backup branch', exact: true }).click();
  const backup = `codegen/backup/${branch}-${mine.slice(0, 7)}`;
  await until(`HEAD on ${branch} at the second force-push`, () => headIs(branch) && git('rev-parse', 'HEAD') === second.tipSha);
  await toast(`its commits are on ${backup}`);
  if (git('rev-parse', 'HEAD') !== second.tipSha) throw new Error('HEAD is not at the force-pushed tip');
  if (git('rev-parse', backup) !== mine) throw new Error(`the backup branch ${backup} does not keep the user's commit`);
  lap(`after the user's own commit and a second force-push, Check out asked; the reset kept the commit on ${backup}`);
  await switchBack();
}
