// A fresh profile shows the welcome view; the user runs "Codegen: Set API token", types the token in
// the password box, picks the organization, and the view changes to the runs list.
export const name = 'sign in from the welcome view';

export async function run({ page, runCommand, shot, lap, sim }) {
  const welcome = page.locator('.part.sidebar .welcome-view-content');
  await welcome.getByRole('button', { name: 'Set API token' }).waitFor({ timeout: 20000 });
  await runCommand('Codegen: Set API token');
  // The palette's input turns into the token box: it must be a password box.
  const input = page.locator('.quick-input-widget input[type="password"]');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill('test-token');
  await shot('02-sign-in-token-box');
  await page.keyboard.press('Enter');
  // test-token's user belongs to two organizations: a picker asks which one.
  const acme = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Acme' }).first();
  await acme.waitFor({ timeout: 15000 });
  await acme.click();
  await page.locator('.notifications-toasts', { hasText: 'Signed in to Codegen as Dev Example' }).waitFor({ timeout: 15000 });
  lap('signed in; waiting for the runs list');
  // The welcome view is replaced by the tree: the seeded historical runs appear, grouped.
  await page.locator('.part.sidebar .monaco-list-row', { hasText: 'Finished' }).first().waitFor({ timeout: 20000 });
  if (await welcome.isVisible()) throw new Error('the welcome view is still visible after signing in');
  const requests = await sim.control('GET', '/requests?path=/v1/users/me');
  if (requests.count < 1) throw new Error('the token was not verified against the simulator');
  await shot('02-signed-in-runs');
}
