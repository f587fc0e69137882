// The Codegen container is in the activity bar; opening it shows the Runs view, which for a fresh
// profile (no token) is the welcome content with a "Set API token" button.
export const name = 'activity bar shows the Codegen container and its Runs view';

export async function run({ page, openWorkbench, shot, lap }) {
  await openWorkbench();
  const icon = page.locator('.part.activitybar .action-item a[aria-label^="Codegen"], .part.activitybar .action-item[aria-label^="Codegen"]').first();
  await icon.waitFor({ timeout: 60000 });
  await icon.click();
  // With a single view the container's title reads "Codegen: Runs".
  await page.locator('.part.sidebar .composite.title', { hasText: 'Codegen: Runs' }).waitFor({ timeout: 20000 });
  const welcome = page.locator('.part.sidebar .welcome-view-content');
  await welcome.getByRole('button', { name: 'Set API token' }).waitFor({ timeout: 20000 });
  const text = await welcome.innerText();
  if (!/codegen\.com\/token/.test(text)) throw new Error(`welcome view lacks the token link: ${text}`);
  lap('Codegen sidebar shows the welcome view');
  await shot('01-activity-bar-welcome');
}
