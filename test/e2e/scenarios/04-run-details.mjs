// From the tree, open a run's details: logs show, hostile log text appears as literal text and no script
// runs, the PR link is there and opens through the extension, and a follow-up reaches the simulator.
export const name = 'run details from the tree: logs, hostile text inert, PR link, follow-up';

const TITLE = 'Fix the login redirect';

export async function run({ page, runCommand, shot, lap, sim, ensureSignedIn, blocked }) {
  await ensureSignedIn();
  const seeded = await sim.control('POST', '/runs', {
    prompt: `${TITLE}\n\nThe login page loops.`,
    metadata: { title: TITLE, source: 'vscode' },
    status: 'COMPLETE',
    pullRequest: true,
    logCount: 80,
  });
  await runCommand('Codegen: Refresh runs');
  const row = page.locator('.part.sidebar .monaco-list-row', { hasText: TITLE }).first();
  await row.waitFor({ timeout: 20000 });
  await row.click();
  lap(`opened run ${seeded.id} from the tree`);

  const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  await frame.locator('.run-title', { hasText: TITLE }).waitFor({ timeout: 30000 });
  await frame.locator('.log-row').first().waitFor({ timeout: 20000 });
  const rows = await frame.locator('.log-row').count();
  if (rows < 5) throw new Error(`expected log rows, found ${rows}`);
  // The hostile entries are text: their markup shows literally and nothing executed. The list is
  // virtualized, so the log's own text search brings them into view.
  await frame.locator('input.search').fill('onerror');
  await frame.locator('.log-row', { hasText: '<img src=x onerror=' }).first().waitFor({ timeout: 20000 });
  const injected = await frame.locator('.log-viewport img, .log-viewport script').count();
  if (injected !== 0) throw new Error(`hostile markup became ${injected} live element(s)`);
  const pwned = await frame.locator('body').evaluate(() => window.__codegenPwned ?? window.parent.__codegenPwned ?? null);
  if (pwned !== null) throw new Error('a hostile script ran in the webview');
  lap(`${rows} log rows rendered (virtualized); hostile text is inert`);

  // The PR link is there and opens through the extension: code-server opens a new tab, whose request
  // to github.com the harness's loopback guard records and aborts.
  const prLink = frame.locator('.pr-list a.pr-title').first();
  await prLink.waitFor({ timeout: 10000 });
  const popup = page.context().waitForEvent('page', { timeout: 15000 });
  await prLink.click();
  // VS Code asks before opening a domain the user has not trusted yet.
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'open the external website' });
  await dialog.waitFor({ timeout: 10000 });
  if (!(await dialog.innerText()).includes('https://github.com/acme/widgets/pull/')) throw new Error('the dialog names another URL');
  await shot('04-run-details-open-pr');
  await dialog.getByRole('button', { name: 'Open', exact: true }).click();
  const opened = await popup;
  const isPr = (u) => /^https:\/\/github\.com\/acme\/widgets\/pull\/\d+$/.test(u);
  for (let i = 0; i < 50 && !blocked.some(isPr); i++) await new Promise((r) => setTimeout(r, 100));
  await opened.close().catch(() => {});
  const openedUrl = blocked.find(isPr);
  if (!openedUrl) throw new Error(`the PR click opened no pull request page (attempted: ${JSON.stringify(blocked)})`);
  lap(`PR link opened ${openedUrl} in a new tab`);
  await shot('04-run-details');

  // A follow-up is sent and reaches the simulator.
  const input = frame.locator('#follow-up-input');
  await input.fill('Please also add a regression test.');
  await input.press('Control+Enter');
  const deadline = Date.now() + 20000;
  for (;;) {
    const state = await sim.control('GET', `/runs/${seeded.id}`);
    if ((state.followUps ?? []).some((f) => (typeof f === 'string' ? f : f.prompt) === 'Please also add a regression test.')) break;
    if (Date.now() > deadline) throw new Error(`the follow-up did not reach the simulator: ${JSON.stringify(state.followUps)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  lap('follow-up reached the simulator');
  await shot('04-run-details-follow-up');
}
