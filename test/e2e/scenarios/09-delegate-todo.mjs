// A TODO comment is delegated from the editor's light bulb (Ctrl+.): "Delegate this TODO to Codegen"
// opens the prompt picker with the suggested request (on one line: the input holds one), Enter sends it
// whole through the send pipeline with the comment's code, and the run shows in the tree.
export const name = 'delegate a TODO comment from the light bulb';

export async function run({ page, shot, lap, sim, ensureSignedIn, openFile, codeAction }) {
  await ensureSignedIn();
  const createdBefore = (await sim.control('GET', '/requests?method=POST&path=/agent/run$&status=200')).count;
  await openFile('greeting.ts');
  const editor = page.locator('.editor-group-container .monaco-editor', { hasText: 'TODO: handle empty names' }).first();
  await editor.waitFor({ timeout: 20000 });
  await editor.locator('.view-line', { hasText: 'TODO: handle empty names' }).first().click();
  lap('the cursor is on the TODO line');
  const item = await codeAction('Delegate this TODO to Codegen');
  await shot('09-todo-code-action');
  await item.click();
  lap('chose "Delegate this TODO to Codegen" from the light bulb menu');
  const picker = page.locator('.quick-input-widget input');
  await picker.waitFor({ state: 'visible', timeout: 20000 });
  const shown = await picker.inputValue();
  if (!shown.includes('handle empty names Remove the comment')) throw new Error(`the picker shows ${JSON.stringify(shown)}`);
  await shot('09-todo-prompt-picker');
  await page.keyboard.press('Enter');
  lap('the picker suggested the request on one line; Enter sent it');
  const row = page.locator('.part.sidebar .monaco-list-row', { hasText: 'Resolve this TODO in src/greeting' }).first();
  await row.waitFor({ timeout: 20000 });
  const created = (await sim.control('GET', '/requests?method=POST&path=/agent/run$&status=200')).count - createdBefore;
  if (created !== 1) throw new Error(`expected exactly one create, saw ${created}`);
  const posts = (await sim.control('GET', '/requests?method=POST&path=/agent/run$&status=200')).requests;
  const prompt = String(posts.at(-1)?.body?.prompt ?? '');
  // Sent whole: the request's line break survives the one-line input, and the function goes with it.
  if (!/Resolve this TODO in src\/greeting\.ts \(line 2\): handle empty names\nRemove the comment once it is resolved\./.test(prompt)) throw new Error(`the run's prompt is not the TODO request: ${JSON.stringify(prompt.slice(0, 300))}`);
  if (!prompt.includes('return `Hello, ${name}!`;')) throw new Error('the code around the TODO was not sent');
  await shot('09-todo-run-in-tree');
  lap('one run created with the TODO request, whole, and its code; it is in the tree');
}
