// Safe in any workspace (issue 20, as a user meets it): a code-server of its own with workspace trust on
// opens a folder in Restricted Mode. The folder holds a real clone whose .git/config names a program
// (core.fsmonitor) that leaves a marker when git starts it. The user signs in and asks for a finished run's
// review from the details panel: the extension runs no git (no marker), says why, and offers Manage
// Workspace Trust, which opens VS Code's trust editor; the tree's menu shows Review changes disabled.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { REPO } from '../../../scripts/harness/paths.mjs';
import { startCodeServer } from '../../../scripts/harness/processes.mjs';
import { runCommand, waitWorkbench } from '../../../scripts/harness/browser.mjs';

export const name = 'untrusted folder: Restricted Mode runs no git of the folder, says why, offers Manage Workspace Trust';

const TITLE = 'Tighten the widget validation (untrusted folder)';

export async function run({ context, vsix, scratch, sim, shots, lap }) {
  const server = await startCodeServer(path.join(scratch, 'cs-untrusted'), {
    installVsix: vsix,
    workspaceTrust: true,
    settings: { 'codegen.apiBaseUrl': sim.url, 'codegen.polling.intervalSeconds': 5 },
  });
  const page = await context.newPage();
  try {
    const require = createRequire(import.meta.url);
    const { cloneClientWorkspace } = require(path.join(REPO, 'out/test/simulator/gitWorkspace.js'));
    const clone = path.join(server.workspace, 'widgets');
    cloneClientWorkspace({ gitRoot: sim.gitRoot, dir: clone });
    const marker = path.join(scratch, 'untrusted-fsmonitor-ran');
    const program = path.join(scratch, 'untrusted-fsmonitor.sh');
    fs.writeFileSync(program, `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
    execFileSync('git', ['config', '--local', 'core.fsmonitor', program], { cwd: clone });
    const seeded = await sim.control('POST', '/runs', { prompt: TITLE, metadata: { title: TITLE }, status: 'COMPLETE', pullRequest: true, repoId: 101 });

    await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
    await waitWorkbench(page);
    await page.locator('.part.statusbar, .part.titlebar, .part.banner', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30000 });
    lap(`a second code-server with trust on opened the folder in Restricted Mode; its clone's core.fsmonitor leaves a marker`);

    await runCommand(page, 'Codegen: Set API token');
    await page.locator('.quick-input-widget input[type="password"]').fill('test-token');
    await page.keyboard.press('Enter');
    const acme = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Acme' }).first();
    await acme.waitFor({ timeout: 15000 });
    await acme.click();
    const icon = page.locator('.part.activitybar .action-item a[aria-label^="Codegen"], .part.activitybar .action-item[aria-label^="Codegen"]').first();
    await icon.waitFor({ timeout: 30000 });
    if (!(await page.locator('.part.sidebar .composite.title', { hasText: 'Codegen' }).isVisible())) await icon.click();
    await runCommand(page, 'Codegen: Refresh runs');
    const row = page.locator('.part.sidebar .monaco-list-row', { hasText: TITLE }).first();
    await row.waitFor({ timeout: 30000 });
    lap(`signed in, in Restricted Mode; run ${seeded.id} with its pull request is in the tree`);

    await row.click({ button: 'right' });
    const menuItem = page.locator('.monaco-menu .action-item', { hasText: 'Review changes' }).first();
    await menuItem.waitFor({ timeout: 10000 });
    if (!/disabled/.test((await menuItem.getAttribute('class')) ?? '') && !/disabled/.test((await menuItem.locator('.action-menu-item, .action-label').first().getAttribute('class')) ?? '')) {
      throw new Error('Review changes is enabled in the tree\u2019s menu of an untrusted workspace');
    }
    await page.keyboard.press('Escape');
    lap('the tree\u2019s menu shows Review changes disabled');

    await row.click();
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.locator('.run-title', { hasText: TITLE }).waitFor({ timeout: 30000 });
    await frame.getByRole('button', { name: 'Review changes' }).click();
    const warning = page.locator('.notifications-toasts .notification-toast', { hasText: 'Codegen runs no git in an untrusted workspace' }).first();
    await warning.waitFor({ timeout: 20000 });
    await page.screenshot({ path: path.join(shots, '15-untrusted-review-refused.png') });
    if (fs.existsSync(marker)) throw new Error('git ran the folder\u2019s core.fsmonitor program in Restricted Mode');
    if (await page.locator('.multiDiffEditor, .multi-diff-editor, [class*="multiDiff"]').count()) throw new Error('a review opened in Restricted Mode');
    lap('Review changes from the details panel: refused with the reason; the folder\u2019s program never ran');

    await warning.getByRole('button', { name: 'Manage Workspace Trust' }).click();
    await page.getByText('You are in Restricted Mode').first().waitFor({ timeout: 20000 });
    await page.screenshot({ path: path.join(shots, '15-untrusted-manage-trust.png') });
    if (fs.existsSync(marker)) throw new Error('git ran the folder\u2019s program');
    lap('Manage Workspace Trust opened VS Code\u2019s trust editor; still no git ran');
  } catch (error) {
    await page.screenshot({ path: path.join(shots, 'failure-15-untrusted-window.png') }).catch(() => {});
    throw error;
  } finally {
    await page.close().catch(() => {});
    await server.stop();
  }
}
