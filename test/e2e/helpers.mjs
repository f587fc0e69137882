// What every browser scenario (and the row-latency bench) does to the workbench: open it, run a palette
// command, open a file, pick a code action, sign in. Scenarios get these as their argument.
import path from 'node:path';
import { waitWorkbench, runCommand } from '../../scripts/harness/browser.mjs';

export function workbenchHelpers({ page, server, sim, shots, lap, blocked, context, vsix, scratch }) {
  const helpers = {
    page, sim, shots, lap, runCommand: (title) => runCommand(page, title),
    openWorkbench: async () => {
      await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
      await waitWorkbench(page);
    },
    shot: (name) => page.screenshot({ path: path.join(shots, `${name}.png`) }),
    workspace: server.workspace,
    /** Non-loopback requests the browser attempted (and the guard aborted), e.g. a link opened externally. */
    blocked,
    /** For a scenario that needs a code-server of its own (another profile, trust on): the browser context, the .vsix, a scratch folder. */
    context, vsix, scratch,
  };
  /**
   * Opens a workspace file through Quick Open (F1, then its name: Ctrl+P could reach the browser's print
   * dialog). A file written a moment ago is found once the file watcher has told the search: ask again.
   */
  helpers.openFile = async (fileName) => {
    const input = page.locator('.quick-input-widget input');
    const found = page.locator('.quick-input-widget .monaco-list-row', { hasText: fileName }).first();
    for (let attempt = 0; attempt < 10 && !(await found.isVisible()); attempt++) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 20000 });
      await input.fill(fileName);
      await found.waitFor({ timeout: 3000 }).catch(() => {});
    }
    await found.waitFor({ timeout: 5000 });
    await page.keyboard.press('Enter');
  };
  /**
   * Waits for a notification saying `text`: as a toast, or else in the notification center (VS Code shows at
   * most three toasts and may show none while other notifications crowd in, but the center lists them all).
   */
  helpers.notification = async (text, timeout = 30000) => {
    const toast = page.locator('.notifications-toasts', { hasText: text }).first();
    if (await toast.waitFor({ timeout: timeout / 2 }).then(() => true, () => false)) return;
    await helpers.runCommand('Notifications: Show Notifications');
    try {
      await page.locator('.notifications-center', { hasText: text }).first().waitFor({ timeout: timeout / 2 });
    } finally {
      await page.keyboard.press('Escape');
    }
  };
  /** Right-clicks the side bar's row that says `rowText` and runs its context-menu entry `itemText`. */
  helpers.runMenuItem = async (rowText, itemText) => {
    const row = page.locator('.part.sidebar .monaco-list-row', { hasText: rowText }).first();
    await row.waitFor({ timeout: 20000 });
    await row.click({ button: 'right' });
    const item = page.locator('.monaco-menu .action-item', { hasText: itemText }).first();
    await item.waitFor({ timeout: 10000 });
    await item.hover();
    await item.locator('.action-menu-item, .action-label').first().click();
  };
  /** The light bulb's menu (Ctrl+.) at the cursor, once it lists `title` (code actions take a moment); returns the entry. */
  helpers.codeAction = async (title) => {
    const item = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
    for (let attempt = 0; attempt < 5 && !(await item.isVisible()); attempt++) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+.');
      await item.waitFor({ timeout: 4000 }).catch(() => {});
    }
    await item.waitFor({ timeout: 5000 });
    return item;
  };
  let signedInOnce = false;
  /** Signs in through the UI (palette, password box, organization pick) unless already signed in. */
  helpers.ensureSignedIn = async () => {
    const icon = page.locator('.part.activitybar .action-item a[aria-label^="Codegen"], .part.activitybar .action-item[aria-label^="Codegen"]').first();
    await icon.waitFor({ timeout: 60000 });
    if (!(await page.locator('.part.sidebar .composite.title', { hasText: 'Codegen' }).isVisible())) await icon.click();
    const setToken = page.locator('.part.sidebar .welcome-view-content').getByRole('button', { name: 'Set API token' });
    const tree = page.locator('.part.sidebar .monaco-list-row').first();
    await Promise.race([setToken.waitFor({ timeout: 20000 }), tree.waitFor({ timeout: 20000 })]);
    // Once signed in, a reload keeps the token (one secret written in one call: code-server's asynchronous
    // saves cannot land an older copy without it). Asking again would hide that regression.
    if (signedInOnce && (await setToken.isVisible())) throw new Error('the token was lost: after a reload the view asks to set an API token again');
    if (!(await setToken.isVisible())) {
      signedInOnce = true;
      return;
    }
    await helpers.runCommand('Codegen: Set API token');
    await page.locator('.quick-input-widget input[type="password"]').fill('test-token');
    await page.keyboard.press('Enter');
    const acme = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Acme' }).first();
    await acme.waitFor({ timeout: 15000 });
    await acme.click();
    await tree.waitFor({ timeout: 20000 });
    signedInOnce = true;
  };
  return helpers;
}
