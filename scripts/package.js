// Builds the production bundles and packages the .vsix a user installs (dependencies are bundled by
// esbuild, so vsce runs with --no-dependencies). Prints the file's size and contents.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { name, version } = require(path.join(root, 'package.json'));
const out = path.join(root, `${name}-${version}.vsix`);
execFileSync(process.execPath, [path.join(root, 'esbuild.js'), '--production'], { cwd: root, stdio: 'inherit' });
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--out', out], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
});
const listing = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
console.log(`packaged ${path.relative(root, out)}: ${fs.statSync(out).size} bytes`);
console.log(listing.trim().split('\n').map((l) => `  ${l}`).join('\n'));
