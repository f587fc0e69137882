// Copies the README's screenshots from the last end-to-end run (test-results/screenshots/, written by
// test/e2e/run.mjs against the packaged .vsix) to docs/screenshots/, so the README shows what the tests saw.
// Usage: npm run package && node test/e2e/run.mjs codegen-vscode-0.1.0.vsix && npm run screenshots
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const from = path.join(REPO, 'test-results', 'screenshots');
const to = path.join(REPO, 'docs', 'screenshots');

/** README name <- e2e screenshot name. */
const CHOSEN = {
  'welcome.png': '01-activity-bar-welcome.png',
  'run-on-selection.png': '03-run-on-selection-prompt.png',
  'run-started.png': '03-run-on-selection.png',
  'run-details.png': '04-run-details.png',
  'review-changes.png': '07-review-changes.png',
  'delegate-todo.png': '09-todo-code-action.png',
  'compare-attempts.png': '12-compare-attempts.png',
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const missing = Object.values(CHOSEN).filter((name) => !fs.existsSync(path.join(from, name)));
if (missing.length > 0) {
  console.error(`missing in ${path.relative(REPO, from)}/: ${missing.join(', ')}. Run the end-to-end scenarios first:`);
  console.error('  npm run package && node test/e2e/run.mjs codegen-vscode-0.1.0.vsix');
  process.exit(1);
}
fs.mkdirSync(to, { recursive: true });
for (const [target, source] of Object.entries(CHOSEN)) {
  const bytes = fs.readFileSync(path.join(from, source));
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    console.error(`${source} is not a PNG`);
    process.exit(1);
  }
  fs.writeFileSync(path.join(to, target), bytes);
  console.log(`${path.relative(REPO, path.join(to, target))} <- ${source} (${Math.round(bytes.length / 1024)} KB)`);
}
