// The Codegen container is in the activity bar; opening it shows the Runs view.
export const name = 'activity bar shows the Codegen container and its Runs view';

export async function run({ page, openWorkbench, shot, lap }) {
  await openWorkbench();
  const icon = page.locator('.part.activitybar .action-item a[aria-label^="Codegen"], .part.activitybar .action-item[aria-label^="Codegen"]').first();
  await icon.waitFor({ timeout: 60000 });
  await icon.click();
  const header = page.locator('.part.sidebar .composite.title', { hasText: /Codegen/i });
  await header.waitFor({ timeout: 20000 });
  const runsPane = page.locator('.part.sidebar .pane-header', { hasText: /Runs/i }).first();
  await runsPane.waitFor({ timeout: 20000 });
  lap('Codegen sidebar with the Runs view is open');
  await shot('01-activity-bar');
}
