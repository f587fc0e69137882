// The bundle check: no source module lands in two extension-host bundles (esbuild's metafile, written to
// dist/bundles.json by every build). The check itself is shown to catch a shared module.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the same plain-JS check esbuild.js runs
const { modulesInTwoBundles } = require(path.join(root, 'scripts', 'bundleCheck.js')) as {
  modulesInTwoBundles: (bundles: Array<{ outfile: string; platform: string; inputs: string[] }>) => Array<{ input: string; outfiles: string[] }>;
};

describe('bundles', () => {
  it('the last build has one extension-host bundle of our own code; only third-party libraries are sibling files', () => {
    const file = path.join(root, 'dist', 'bundles.json');
    assert.ok(fs.existsSync(file), 'run npm run build first (npm test and npm run test:unit do)');
    const bundles = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{ outfile: string; platform: string; inputs: string[] }>;
    assert.deepEqual(modulesInTwoBundles(bundles), []);
    assert.deepEqual(bundles.map((bundle) => bundle.outfile).sort(), ['dist/extension.js', 'dist/nodeFetch.js', 'dist/secretScan.js', 'dist/webview.js']);
    const main = bundles.find((bundle) => bundle.outfile === 'dist/extension.js')!;
    for (const module of ['src/extension.ts', 'src/send/pipeline.ts', 'src/commands/sendWork.ts', 'src/commands/changesCommands.ts', 'src/commands/chatHandler.ts', 'src/commands/lmTools.ts', 'src/commands/authCommands.ts', 'src/git/gitApi.ts']) {
      assert.ok(main.inputs.includes(module), `${module} is in extension.js`);
    }
    assert.ok(!main.inputs.some((input) => input.includes('secretlint') || input.includes('node-fetch')), 'the large libraries stay in their sibling files');
    // The siblings hold a library (and the scanner's own entry module), never the rest of our code.
    const scan = bundles.find((bundle) => bundle.outfile === 'dist/secretScan.js')!;
    assert.deepEqual(scan.inputs.filter((input) => input.startsWith('src/')).sort(), ['src/secrets-scan/extraRule.ts', 'src/secrets-scan/index.ts', 'src/secrets-scan/scan.ts']);
    const fetch = bundles.find((bundle) => bundle.outfile === 'dist/nodeFetch.js')!;
    assert.deepEqual(fetch.inputs.filter((input) => input.startsWith('src/')), []);
  });

  it('the check catches a module bundled twice, and ignores the webview realm', () => {
    const shared = modulesInTwoBundles([
      { outfile: 'dist/extension.js', platform: 'node', inputs: ['src/api/errors.ts', 'src/util/urlPolicy.ts'] },
      { outfile: 'dist/secretScan.js', platform: 'node', inputs: ['src/api/errors.ts', 'node_modules/x/index.js'] },
      { outfile: 'dist/webview.js', platform: 'browser', inputs: ['src/util/urlPolicy.ts'] },
    ]);
    assert.deepEqual(shared, [{ input: 'src/api/errors.ts', outfiles: ['dist/extension.js', 'dist/secretScan.js'] }]);
  });
});
