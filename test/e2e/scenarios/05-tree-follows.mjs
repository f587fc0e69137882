// A run progresses in the simulator and the Runs view follows without a manual refresh: it appears,
// moves from Running to Finished, and its pull request appears as a child that opens in the browser.
export const name = 'the tree follows a run to its pull request without a manual refresh';

const TITLE = 'Add pagination to the users endpoint';

export async function run({ page, shot, lap, sim, ensureSignedIn, blocked }) {
  await ensureSignedIn();
  const before = (await sim.control('GET', '/requests?path=/agent/runs$')).count;
  const seeded = await sim.control('POST', '/runs', { prompt: TITLE, metadata: { title: TITLE }, runDurationMs: 12000 });
  lap(`run ${seeded.id} started in the simulator; no refresh from here on`);
  const sidebar = page.locator('.part.sidebar');
  const runRow = sidebar.locator('.monaco-list-row', { hasText: TITLE }).first();
  await runRow.waitFor({ timeout: 20000 });
  await sidebar.locator('.monaco-list-row', { hasText: 'Running' }).first().waitFor({ timeout: 5000 });
  await shot('05-tree-running');
  lap('the run appeared under Running by itself');
  // Completion (12 s) and the PR arrive through polling alone.
  await runRow.locator('.codicon-pass').waitFor({ timeout: 40000 });
  lap('the run finished in the tree');
  // The twistie expands the run; a click on the label would open its details instead.
  if ((await runRow.getAttribute('aria-expanded')) !== 'true') await runRow.locator('.monaco-tl-twistie').click();
  const prRow = sidebar.locator('.monaco-list-row', { hasText: `codegen/run-${seeded.id}` }).first();
  await prRow.waitFor({ timeout: 10000 });
  await shot('05-tree-pr-child');
  const polls = (await sim.control('GET', '/requests?path=/agent/runs$')).count - before;
  if (polls < 2) throw new Error(`expected the view to poll by itself, saw ${polls} list calls`);
  lap(`PR child shown after ${polls} list calls made by the poller`);
  // Opening the PR from the tree goes through the extension and VS Code's external-link prompt.
  const popup = page.context().waitForEvent('page', { timeout: 15000 });
  await prRow.click();
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'open the external website' });
  await dialog.waitFor({ timeout: 10000 });
  await dialog.getByRole('button', { name: 'Open', exact: true }).click();
  const opened = await popup;
  const isPr = (u) => /^https:\/\/github\.com\/acme\/widgets\/pull\/\d+$/.test(u);
  for (let i = 0; i < 50 && !blocked.some(isPr); i++) await new Promise((r) => setTimeout(r, 100));
  await opened.close().catch(() => {});
  if (!blocked.some(isPr)) throw new Error(`clicking the PR child opened nothing (attempted: ${JSON.stringify(blocked)})`);
  lap('the PR child opened the pull request');
}
