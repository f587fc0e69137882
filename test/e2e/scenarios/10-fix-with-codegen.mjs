// A problem VS Code reports (here TypeScript's own error) is fixed from the light bulb: "Fix with Codegen"
// opens the prompt picker with the problem, Enter sends it, line breaks and all, with the code around it.
import fs from 'node:fs';
import path from 'node:path';

export const name = 'fix a reported problem with Codegen from the light bulb';

const FILE = 'src/total.ts';
const BROKEN = 'export const total: number = "forty-two";';

export async function run({ page, shot, lap, sim, ensureSignedIn, workspace, openFile, codeAction }) {
  await ensureSignedIn();
  fs.writeFileSync(path.join(workspace, FILE), `// Totals for the report.\n${BROKEN}\n`);
  const createdBefore = (await sim.control('GET', '/requests?method=POST&path=/agent/run$&status=200')).count;
  await openFile('total.ts');
  const editor = page.locator('.editor-group-container .monaco-editor', { hasText: 'forty-two' }).first();
  await editor.waitFor({ timeout: 20000 });
  // TypeScript reports the error (a squiggle) once its server has read the file.
  await editor.locator('.squiggly-error').first().waitFor({ timeout: 60000 });
  await editor.locator('.view-line', { hasText: 'forty-two' }).first().click();
  lap('TypeScript reports the error; the cursor is on it');
  const item = await codeAction('Fix with Codegen');
  await shot('10-fix-with-codegen');
  await item.click();
  const picker = page.locator('.quick-input-widget input');
  await picker.waitFor({ state: 'visible', timeout: 20000 });
  const shown = await picker.inputValue();
  if (!/Fix this problem reported in src\/total\.ts: - .*not assignable to type 'number'/.test(shown)) throw new Error(`the picker shows ${JSON.stringify(shown)}`);
  await page.keyboard.press('Enter');
  lap('the picker suggested the problem on one line; Enter sent it');
  await page.locator('.part.sidebar .monaco-list-row', { hasText: 'Fix this problem reported in src/total' }).first().waitFor({ timeout: 20000 });
  const posts = (await sim.control('GET', '/requests?method=POST&path=/agent/run$&status=200')).requests;
  if (posts.length - createdBefore !== 1) throw new Error(`expected exactly one create, saw ${posts.length - createdBefore}`);
  const prompt = String(posts.at(-1)?.body?.prompt ?? '');
  if (!/Fix this problem reported in src\/total\.ts:\n- .*not assignable to type 'number'/.test(prompt)) throw new Error(`the run's prompt is not the problem: ${JSON.stringify(prompt.slice(0, 300))}`);
  if (!prompt.includes(BROKEN)) throw new Error('the code with the problem was not sent');
  lap('one run created with the problem, whole, and its code; it is in the tree');
}
