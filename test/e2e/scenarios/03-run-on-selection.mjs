// Open a file, select lines, run "Codegen: Run on selection" from the palette, type the request: the run
// appears in the Runs view at once and the simulator received one create with the selected code. The
// service first answers 429 with Retry-After, so the progress notification shows the wait.
// Signs in first (as scenario 02 does) when the welcome view asks for a token, so it also runs alone.
export const name = 'run on selection: select lines, type the request, see the run in the Runs view';

const REQUEST = 'Handle empty names with a friendly default';

/** Types into the palette (F1) without clicking the workbench first, so the editor keeps its selection. */
async function palette(page, text, rowText, timeout = 20000) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(text);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: rowText }).first().waitFor({ timeout });
  await page.keyboard.press('Enter');
}

async function showRunsView(page) {
  // With one view in the container the sidebar's title is "Codegen: Runs" (the pane header is hidden).
  const runsPane = page.locator('.part.sidebar .composite.title', { hasText: /Codegen/ }).first();
  if (await runsPane.isVisible()) return;
  const icon = page.locator('.part.activitybar .action-item a[aria-label^="Codegen"], .part.activitybar .action-item[aria-label^="Codegen"]').first();
  await icon.waitFor({ timeout: 60000 });
  await icon.click();
  await runsPane.waitFor({ timeout: 20000 });
}

async function signInIfAsked(page, runCommand, lap) {
  const setToken = page.locator('.part.sidebar .welcome-view-content').getByRole('button', { name: 'Set API token' });
  // Give the extension a moment to activate and read its token before trusting the welcome view.
  await page.waitForTimeout(1500);
  if (!(await setToken.isVisible())) return;
  lap('not signed in yet: signing in with the test token');
  await runCommand('Codegen: Set API token');
  const input = page.locator('.quick-input-widget input[type="password"]');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill('test-token');
  await page.keyboard.press('Enter');
  // test-token's user belongs to two organizations: a picker asks which one.
  const acme = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Acme' }).first();
  await acme.waitFor({ timeout: 15000 });
  await acme.click();
  await page.locator('.notifications-toasts', { hasText: 'Signed in to Codegen' }).waitFor({ timeout: 15000 });
  await setToken.waitFor({ state: 'hidden', timeout: 15000 });
}

export async function run({ page, openWorkbench, runCommand, shot, lap, sim }) {
  if (!page.url().startsWith('http')) await openWorkbench();
  await showRunsView(page);
  await signInIfAsked(page, runCommand, lap);
  const createdBefore = (await sim.control('GET', '/requests?method=POST&path=/agent/run$&status=200')).count;

  // Open src/greeting.ts through Quick Open and select its first three lines with the keyboard.
  await page.keyboard.press('Escape');
  await palette(page, 'greeting.ts', 'greeting.ts');
  const editor = page.locator('.editor-group-container .monaco-editor', { hasText: 'export function greet' }).first();
  await editor.waitFor({ timeout: 20000 });
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+End');
  await editor.locator('.selected-text').first().waitFor({ timeout: 10000 });
  lap('src/greeting.ts open with lines 1-3 selected');

  await palette(page, '>Codegen: Run on selection', 'Codegen: Run on selection');
  // The prompt picker: its title names the file and lines; typing offers "Send this request".
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Run on selection · src/greeting.ts:1-3' }).waitFor({ timeout: 20000 });
  await page.keyboard.type(REQUEST);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Send this request' }).first().waitFor({ timeout: 10000 });
  await shot('03-run-on-selection-prompt');
  // The service answers the first create with 429 and Retry-After: the progress shows the wait.
  await sim.control('POST', '/faults', { kind: 'rateLimit', method: 'POST', path: '/agent/run$', retryAfterSeconds: 4 });
  await page.keyboard.press('Enter');
  lap('request sent');
  await page.locator('.notifications-toasts', { hasText: /Waiting for the rate limit: \d+ s/ }).waitFor({ timeout: 10000 });
  await shot('03-run-on-selection-rate-limit');
  lap('the progress shows the rate-limit wait');

  // The run is in the Runs view at once, and the toast offers its details.
  await showRunsView(page);
  await page.locator('.part.sidebar .monaco-list-row', { hasText: REQUEST }).first().waitFor({ timeout: 20000 });
  const toast = page.locator('.notifications-toasts', { hasText: /Codegen started run #\d+/ });
  await toast.waitFor({ timeout: 20000 });
  await toast.getByRole('button', { name: 'Show details' }).first().waitFor({ timeout: 5000 });
  lap('the new run is in the Runs view');
  await shot('03-run-on-selection');

  // Exactly one run was created (after the 429), with the request, the path, the lines and the code.
  const posts = await sim.control('GET', '/requests?method=POST&path=/agent/run$&status=200');
  if (posts.count !== createdBefore + 1) throw new Error(`expected one create, the simulator created ${posts.count - createdBefore}`);
  const { prompt, metadata } = posts.requests[posts.requests.length - 1].body;
  for (const expected of [REQUEST, 'File: src/greeting.ts', 'Selected lines: 1-3', 'export function greet(name: string): string {']) {
    if (!prompt.includes(expected)) throw new Error(`the prompt lacks ${JSON.stringify(expected)}:\n${prompt}`);
  }
  if (prompt.includes('function shout')) throw new Error('the prompt holds more than the selected lines');
  if (metadata.source !== 'vscode' || metadata.file !== 'src/greeting.ts' || metadata.title !== REQUEST) {
    throw new Error(`unexpected metadata ${JSON.stringify(metadata)}`);
  }
  await page.keyboard.press('Escape');
}
