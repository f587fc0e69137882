// House rules that a test can keep: no source file over 450 lines (split by concern first), and the core
// folders import no vscode (ESLint checks the imports; this checks that the folders it names exist).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(file) : file.endsWith('.ts') ? [file] : [];
  });
}

describe('house rules', () => {
  it('no file under src/ is over 450 lines', () => {
    const long = sourceFiles(path.join(root, 'src'))
      .map((file) => ({ file: path.relative(root, file), lines: fs.readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > 450);
    assert.deepEqual(long, []);
  });

  it('every core folder ESLint keeps free of vscode exists', () => {
    const config = fs.readFileSync(path.join(root, 'eslint.config.mjs'), 'utf8');
    const folders = [...config.matchAll(/'src\/([\w-]+)\/\*\*'/g)].map((match) => match[1]!);
    assert.ok(folders.length >= 10, folders.join(', '));
    for (const folder of folders) assert.ok(fs.existsSync(path.join(root, 'src', folder)), folder);
  });
});
