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
  it('the last build has no source module in two extension-host bundles, and the send bundle is its own', () => {
    const file = path.join(root, 'dist', 'bundles.json');
    assert.ok(fs.existsSync(file), 'run npm run build first (npm test and npm run test:unit do)');
    const bundles = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{ outfile: string; platform: string; inputs: string[] }>;
    assert.deepEqual(modulesInTwoBundles(bundles), []);
    const send = bundles.find((bundle) => bundle.outfile === 'dist/work.js');
    assert.ok(send?.inputs.includes('src/send/pipeline.ts'));
    const main = bundles.find((bundle) => bundle.outfile === 'dist/extension.js');
    assert.ok(main && !main.inputs.includes('src/send/pipeline.ts'), 'the pipeline is not in the main bundle');
  });

  it('the check catches a module bundled twice, and ignores the webview realm', () => {
    const shared = modulesInTwoBundles([
      { outfile: 'dist/extension.js', platform: 'node', inputs: ['src/api/errors.ts', 'src/util/urlPolicy.ts'] },
      { outfile: 'dist/work.js', platform: 'node', inputs: ['src/api/errors.ts', 'node_modules/x/index.js'] },
      { outfile: 'dist/webview.js', platform: 'browser', inputs: ['src/util/urlPolicy.ts'] },
    ]);
    assert.deepEqual(shared, [{ input: 'src/api/errors.ts', outfiles: ['dist/extension.js', 'dist/work.js'] }]);
  });
});
