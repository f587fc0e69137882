// Every door is open from the start: after a window reload, signed in, with the Explorer in the side bar and
// the Codegen view never opened, the light bulb offers "Fix with Codegen" on a TypeScript error and
// "Delegate this TODO to Codegen" on a TODO comment, each creating exactly one run. Starting costs nothing:
// with nothing in progress and the view hidden, the reloaded window makes no request to the API until the
// user sends work.
import fs from 'node:fs';
import path from 'node:path';

export const name = 'doors open at start: quick fix and TODO action after a reload, the Codegen view never opened';

const BROKEN_FILE = 'src/startup-total.ts';
const BROKEN = 'export const startupTotal: number = "seven";';
const TODO_FILE = 'src/startup-cache.ts';

async function creates(sim) {
  return (await sim.control('GET', '/requests?method=POST&path=/agent/run$&status=200')).count;
}

/** Marks every run still in progress finished at the simulator, so the reloaded window has nothing to follow. */
async function finishRunsInProgress(sim) {
  for (let id = 1, misses = 0; misses < 5; id++) {
    const run = await sim.control('GET', `/runs/${id}`).catch(() => undefined);
    if (!run || typeof run !== 'object' || run.id === undefined) {
      misses++;
      continue;
    }
    misses = 0;
    if (['ACTIVE', 'PENDING', 'RUNNING', 'QUEUED'].includes(String(run.status).toUpperCase())) await sim.control('POST', `/runs/${id}/status`, { status: 'COMPLETE' });
  }
}

async function waitForCreates(sim, count, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await creates(sim);
    if (now >= count || Date.now() > deadline) return now;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function run({ page, shot, lap, sim, ensureSignedIn, openWorkbench, runCommand, workspace, openFile, codeAction }) {
  await ensureSignedIn();
  // Nothing in progress: the window before the reload sees every run finished and saves that.
  await finishRunsInProgress(sim);
  await runCommand('Codegen: Refresh runs');
  await page.locator('.part.sidebar .monaco-list-row').first().waitFor({ timeout: 20000 });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  await runCommand('View: Show Explorer');
  await page.locator('.part.sidebar .composite.title', { hasText: 'Explorer' }).waitFor({ timeout: 20000 });
  fs.writeFileSync(path.join(workspace, BROKEN_FILE), `// Totals at startup.\n${BROKEN}\n`);
  fs.writeFileSync(path.join(workspace, TODO_FILE), 'export function cached(key: string): string {\n  // TODO: keep parsed totals between calls\n  return key.trim();\n}\n');
  lap('signed in, every run finished; the Explorer is in the side bar');

  const requestsBefore = (await sim.control('GET', '/requests?path=^/v1/')).count;
  const createsBefore = await creates(sim);
  const reloadedAt = new Date().toISOString();
  await openWorkbench();
  lap('reloaded the window');
  if (await page.locator('.part.sidebar .composite.title', { hasText: 'Codegen' }).isVisible()) throw new Error('the Codegen view is open after the reload: the scenario must not open it');

  await openFile('startup-total.ts');
  const editor = page.locator('.editor-group-container .monaco-editor', { hasText: 'seven' }).first();
  await editor.waitFor({ timeout: 20000 });
  await editor.locator('.squiggly-error').first().waitFor({ timeout: 60000 });
  await editor.locator('.view-line', { hasText: 'seven' }).first().click();
  const fix = await codeAction('Fix with Codegen');
  // Everything so far (the window's start, the TypeScript server, the light bulb) cost no request.
  const startRequests = (await sim.control('GET', '/requests?path=^/v1/')).requests.slice(requestsBefore);
  if (startRequests.length !== 0) throw new Error(`the reloaded window made ${startRequests.length} API request(s) before any work was sent (view hidden, nothing in progress): ${startRequests.map((r) => `${r.method} ${r.path} at ${new Date(r.wallAt).toISOString()}`).join(', ')} (reloaded at ${reloadedAt})`);
  await shot('11-fix-after-reload');
  lap('after the reload, with no request made, the light bulb offers "Fix with Codegen"');
  await fix.click();
  const picker = page.locator('.quick-input-widget input');
  await picker.waitFor({ state: 'visible', timeout: 20000 });
  await page.keyboard.press('Enter');
  const afterFix = await waitForCreates(sim, createsBefore + 1);
  if (afterFix - createsBefore !== 1) throw new Error(`"Fix with Codegen" made ${afterFix - createsBefore} creates, expected exactly 1`);
  lap('"Fix with Codegen" created exactly one run');

  await page.keyboard.press('Escape');
  await openFile('startup-cache.ts');
  const todoEditor = page.locator('.editor-group-container .monaco-editor', { hasText: 'keep parsed totals' }).first();
  await todoEditor.waitFor({ timeout: 20000 });
  await todoEditor.locator('.view-line', { hasText: 'keep parsed totals' }).first().click();
  const delegate = await codeAction('Delegate this TODO to Codegen');
  await delegate.click();
  await picker.waitFor({ state: 'visible', timeout: 20000 });
  await page.keyboard.press('Enter');
  const afterTodo = await waitForCreates(sim, afterFix + 1);
  // A moment more: a second create would show up now.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const total = (await creates(sim)) - afterFix;
  if (afterTodo - afterFix !== 1 || total !== 1) throw new Error(`"Delegate this TODO to Codegen" made ${total} creates, expected exactly 1`);
  const posts = (await sim.control('GET', '/requests?method=POST&path=/agent/run$&status=200')).requests;
  const prompt = String(posts.at(-1)?.body?.prompt ?? '');
  if (!prompt.includes('keep parsed totals between calls')) throw new Error(`the TODO run's prompt is not the TODO: ${JSON.stringify(prompt.slice(0, 200))}`);
  lap('"Delegate this TODO to Codegen" created exactly one run with the TODO');
}
