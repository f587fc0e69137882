// Right repository in a workspace of two folders (issue 20, as a user meets it): a .code-workspace with a
// clone of acme/widgets and one of acme/api. "Run on file" from a file of the second folder creates the
// run for acme/api (not the first folder's repository); "Check out" of an acme/api run switches the api
// clone only, and "Switch back" returns it; the widgets clone is never touched. The token survives the
// switch of workspace (no second sign-in).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { REPO } from '../../../scripts/harness/paths.mjs';
import { waitWorkbench } from '../../../scripts/harness/browser.mjs';

export const name = 'two workspace folders: sending and checking out reach the second folder\u2019s repository';

const REQUEST = 'Add request logging to the API server';
const API_TITLE = 'Paginate the API listing (acme/api)';

export async function run({ page, runCommand, shot, lap, sim, ensureSignedIn, openWorkbench, scratch, notification, runMenuItem }) {
  await ensureSignedIn();
  const apiRun = await sim.control('POST', '/runs', { prompt: API_TITLE, metadata: { title: API_TITLE }, status: 'COMPLETE', pullRequest: true, repoId: 102 });
  await sim.control('GET', `/runs/${apiRun.id}/git`);
  const require = createRequire(import.meta.url);
  const { cloneClientWorkspace } = require(path.join(REPO, 'out/test/simulator/gitWorkspace.js'));
  const root = path.join(scratch, 'two-folders');
  const widgets = path.join(root, 'widgets');
  const api = path.join(root, 'api');
  fs.mkdirSync(root, { recursive: true });
  cloneClientWorkspace({ gitRoot: sim.gitRoot, dir: widgets });
  cloneClientWorkspace({ gitRoot: sim.gitRoot, dir: api, repoFullName: 'acme/api' });
  fs.writeFileSync(path.join(api, 'src', 'server.ts'), 'export function serve(port: number): void {\n  console.log(`listening on ${port}`);\n}\n');
  fs.writeFileSync(path.join(widgets, 'README.md'), '# my unsaved idea for widgets\n');
  const workspaceFile = path.join(root, 'two.code-workspace');
  fs.writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: 'widgets' }, { path: 'api' }] }));
  const git = (dir, ...args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
  const widgetsHead = git(widgets, 'rev-parse', 'HEAD');

  // The workbench is ready for this workspace once the Explorer lists both folders (read from disk).
  const explorerRow = (label) => page.locator('.part.sidebar .explorer-folders-view .monaco-list-row', { hasText: label }).first();
  const showExplorer = () => runCommand('View: Show Explorer');
  const opened = async () => {
    await page.goto(`${new URL(page.url()).origin}/?workspace=${encodeURIComponent(workspaceFile)}`);
    await waitWorkbench(page);
    await showExplorer();
    return Promise.all([explorerRow('widgets').waitFor({ timeout: 30000 }), explorerRow('api').waitFor({ timeout: 30000 })]).then(() => true, () => false);
  };
  if (!(await opened()) && !(await opened())) throw new Error(`the two-folder workspace never listed its folders (title: ${await page.title()})`);
  lap('opened a workspace of two folders; the Explorer lists widgets and api');

  const createdBefore = (await sim.control('GET', '/requests?method=POST&path=/agent/run$&status=200')).count;
  // Opened from the Explorer (api › src › server.ts), every other folder collapsed first: no dependence on the
  // file search, and only api's src is on screen.
  await page.locator('.part.sidebar .pane-header', { hasText: 'two (Workspace)' }).first().hover();
  await page.locator('.part.sidebar .pane-header .action-label[aria-label^="Collapse Folders"]').first().click();
  await explorerRow('api').click();
  await explorerRow('src').click();
  await explorerRow('server.ts').click();
  const editor = page.locator('.editor-group-container .monaco-editor', { hasText: 'export function serve' }).first();
  await editor.waitFor({ timeout: 20000 });
  await editor.locator('.view-lines').click();
  await runCommand('Codegen: Run on file');
  const title = page.locator('.quick-input-widget .quick-input-title', { hasText: 'Run on file' }).first();
  await title.waitFor({ timeout: 20000 });
  const titleText = (await title.textContent()) ?? '';
  await page.keyboard.type(REQUEST);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Send this request' }).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
  await notification('Codegen started run #');
  const posts = await sim.control('GET', '/requests?method=POST&path=/agent/run$&status=200');
  if (posts.count !== createdBefore + 1) throw new Error(`expected one create, the simulator created ${posts.count - createdBefore}`);
  const { repo_id: repoId, prompt } = posts.requests[posts.requests.length - 1].body;
  if (repoId !== 102) throw new Error(`the run from api/src/server.ts went to repository ${repoId}, not acme/api (102)`);
  if (!prompt.includes('export function serve')) throw new Error('the prompt lacks the file');
  await shot('16-two-folders-sent');
  lap(`Run on file from the api folder ("${titleText.trim()}") created the run for acme/api (repo_id 102)`);

  await runCommand('Notifications: Clear All Notifications');
  await ensureSignedIn();
  const icon = page.locator('.part.activitybar .action-item a[aria-label^="Codegen"], .part.activitybar .action-item[aria-label^="Codegen"]').first();
  if (!(await page.locator('.part.sidebar .composite.title', { hasText: 'Codegen' }).isVisible())) await icon.click();
  await runCommand('Codegen: Refresh runs');
  await runMenuItem(API_TITLE, 'Check out the pull request branch');
  // The untracked server.ts is work of the user's in the api clone: asked about, stashed, never lost.
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'You have uncommitted changes in api' });
  await dialog.waitFor({ timeout: 30000 });
  await dialog.getByRole('button', { name: 'Stash and switch', exact: true }).click();
  const branch = `codegen/run-${apiRun.id}`;
  await notification(`Switched to ${branch}`);
  if (git(api, 'rev-parse', '--abbrev-ref', 'HEAD') !== branch) throw new Error(`the api clone is not on ${branch}`);
  if (git(widgets, 'rev-parse', '--abbrev-ref', 'HEAD') !== 'main' || git(widgets, 'rev-parse', 'HEAD') !== widgetsHead) throw new Error('the widgets clone moved');
  if (fs.readFileSync(path.join(widgets, 'README.md'), 'utf8') !== '# my unsaved idea for widgets\n') throw new Error('the widgets edit changed');
  if (fs.existsSync(path.join(api, 'src', 'server.ts'))) throw new Error('the untracked server.ts was not stashed');
  lap(`Check out of the acme/api run asked about api's untracked file, stashed it and switched the api clone to ${branch}; the widgets clone and its edit are untouched`);

  await runCommand('Notifications: Clear All Notifications');
  await runCommand('Codegen: Switch back from the pull request branch');
  await notification('Your stashed changes are back');
  if (git(api, 'rev-parse', '--abbrev-ref', 'HEAD') !== 'main') throw new Error('Switch back did not return the api clone to main');
  if (!fs.readFileSync(path.join(api, 'src', 'server.ts'), 'utf8').includes('export function serve')) throw new Error('the untracked server.ts is not back');
  if (git(api, 'stash', 'list') !== '') throw new Error('the stash was not restored and dropped');
  lap('Switch back returned the api clone to main with its untracked file');
  await openWorkbench();
}
