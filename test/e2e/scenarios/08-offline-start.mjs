// A start without the service (the window is reloaded while every request to the API is dropped) shows
// the runs saved before, says it is offline, and catches up by itself once the service answers again.
// Activation must restore the saved runs first and reconcile later, never wipe them; a finished run's
// "changes to review" marker comes back with them.
export const name = 'an offline start shows the saved runs, then reconciles when the service is back';

const TITLE = 'Tidy the config loader before the release';

export async function run({ page, shot, lap, sim, ensureSignedIn, openWorkbench, runCommand }) {
  await ensureSignedIn();
  const sidebar = page.locator('.part.sidebar');
  const rows = sidebar.locator('.monaco-list-row[aria-level="2"]');
  await rows.first().waitFor({ timeout: 20000 });
  // A run that finishes with a pull request while the tree follows it is marked unreviewed.
  // A refresh shows it running (the poller may be in its slow, quiet pace); it then follows it to the end.
  await sim.control('POST', '/runs', { prompt: TITLE, metadata: { title: TITLE }, runDurationMs: 8000 });
  await runCommand('Codegen: Refresh runs');
  await sidebar.locator('.monaco-list-row', { hasText: TITLE }).first().waitFor({ timeout: 20000 });
  const marked = sidebar.locator('.monaco-list-row', { hasText: TITLE }).filter({ hasText: 'changes to review' }).first();
  await marked.waitFor({ timeout: 40000 });
  const firstTitle = TITLE;
  lap(`signed in; "${TITLE}" finished and is marked "changes to review"`);
  // Let the store's debounced save land before the window goes away.
  await new Promise((resolve) => setTimeout(resolve, 1500));

  await sim.control('POST', '/faults', { kind: 'drop', path: '^/v1/', times: -1 });
  try {
    const dropsBefore = (await sim.control('GET', '/requests?path=^/v1/')).count;
    await openWorkbench();
    lap('reloaded with every API request dropped');
    const icon = page.locator('.part.activitybar .action-item a[aria-label^="Codegen"], .part.activitybar .action-item[aria-label^="Codegen"]').first();
    await icon.waitFor({ timeout: 60000 });
    if (!(await sidebar.locator('.composite.title', { hasText: 'Codegen' }).isVisible())) await icon.click();
    const saved = sidebar.locator('.monaco-list-row', { hasText: firstTitle }).first();
    await saved.waitFor({ timeout: 20000 });
    await sidebar.locator('.monaco-list-row', { hasText: TITLE }).filter({ hasText: 'changes to review' }).first().waitFor({ timeout: 5000 });
    lap('the saved run is shown after an offline start, still marked "changes to review"');
    const offline = sidebar.locator('.message', { hasText: /Offline/ }).first();
    await offline.waitFor({ timeout: 30000 });
    const dropped = (await sim.control('GET', '/requests?path=^/v1/')).count - dropsBefore;
    if (dropped < 1) throw new Error('the reloaded window never tried the service: the offline state was not reached through a real failure');
    await shot('08-offline-start');
    lap(`the view says it is offline after ${dropped} dropped request(s), and keeps the runs`);
  } finally {
    await sim.control('DELETE', '/faults');
  }
  // Back online: the poller reconciles by itself (its backoff, no manual refresh) and the note goes.
  await sidebar.locator('.message', { hasText: /Offline/ }).first().waitFor({ state: 'hidden', timeout: 60000 });
  await sidebar.locator('.monaco-list-row', { hasText: firstTitle }).first().waitFor({ timeout: 10000 });
  lap('the service answered again: offline note gone, runs still there');
}
