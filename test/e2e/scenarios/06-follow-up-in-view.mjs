// In a 900-pixel-high window, a run with a long summary and a long result still shows the follow-up box
// without any scrolling: the summary and result scroll inside their own pane, and the logs keep room.
export const name = 'run details: the follow-up box is in view with a long summary and result';

const TITLE = 'Rewrite the billing export';

export async function run({ page, runCommand, shot, lap, sim, ensureSignedIn }) {
  await ensureSignedIn();
  const paragraph = (label, n) => Array.from({ length: n }, (_, i) => `${label} line ${i + 1}: the agent explains what it changed and why, at length.`).join('\n\n');
  await sim.control('POST', '/runs', {
    prompt: TITLE,
    metadata: { title: TITLE },
    status: 'COMPLETE',
    pullRequest: true,
    logCount: 40,
    summary: `## Summary\n\n${paragraph('Summary', 40)}`,
    result: `## Result\n\n${paragraph('Result', 80)}`,
  });
  await runCommand('Codegen: Refresh runs');
  const row = page.locator('.part.sidebar .monaco-list-row', { hasText: TITLE }).first();
  await row.waitFor({ timeout: 20000 });
  await row.click();
  const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  await frame.locator('.run-title', { hasText: TITLE }).waitFor({ timeout: 30000 });
  await frame.locator('.markdown', { hasText: 'Result line 80' }).waitFor({ timeout: 20000 });
  const viewport = page.viewportSize();
  if (!viewport || viewport.height !== 900) throw new Error(`expected a 900-pixel-high window, got ${JSON.stringify(viewport)}`);
  const webview = await page.locator('iframe.webview.ready').boundingBox();
  const input = await frame.locator('#follow-up-input').boundingBox();
  const send = await frame.locator('.follow-up-row button').boundingBox();
  const logs = await frame.locator('.log-viewport').boundingBox();
  if (!webview || !input || !send || !logs) throw new Error('the panel, the follow-up box or the logs are not laid out');
  const bottom = Math.min(webview.y + webview.height, viewport.height);
  lap(`webview ${Math.round(webview.y)}-${Math.round(bottom)} px; follow-up box ${Math.round(input.y)}-${Math.round(input.y + input.height)} px; send button ends at ${Math.round(send.y + send.height)} px; logs ${Math.round(logs.height)} px high`);
  if (input.y < webview.y || send.y + send.height > bottom) throw new Error('the follow-up box is not in view without scrolling');
  if (logs.height < 150) throw new Error(`the logs are squeezed to ${logs.height} px`);
  // Nothing was scrolled to get there: the panel's scrollable areas are at their top.
  const scrolled = await frame.locator('body').evaluate(() => [document.scrollingElement?.scrollTop ?? 0, ...[...document.querySelectorAll('.details, .details-body')].map((el) => el.scrollTop)]);
  if (scrolled.some((top) => top !== 0)) throw new Error(`something was scrolled: ${scrolled.join(', ')}`);
  await shot('06-follow-up-in-view');
  lap('the follow-up box is in view without scrolling');
}
