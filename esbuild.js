// Bundles the extension (Node, CommonJS) and the webview script (browser, IIFE) into dist/. All of the
// extension's own code is one bundle, dist/extension.js; two large third-party libraries are sibling files
// it loads on first use (nodeFetch.js, secretScan.js).
const esbuild = require('esbuild');
const fs = require('node:fs');
const { modulesInTwoBundles } = require('./scripts/bundleCheck');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the form VS Code's problem matcher reads. */
const problemReporter = {
  name: 'problem-reporter',
  setup(build) {
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [problemReporter],
};

/**
 * node-fetch is loaded on the first request (`await import('node-fetch')` in the client), so it is its own
 * bundle next to extension.js: activation never reads it and the main bundle stays small.
 */
const nodeFetchAsSibling = {
  name: 'node-fetch-as-sibling',
  setup(build) {
    build.onResolve({ filter: /^node-fetch$/ }, () => ({ path: './nodeFetch.js', external: true }));
  },
};

/**
 * fetch-blob falls back to web-streams-polyfill (60 KB) only on Node without node:stream/web (< 16.5);
 * every VS Code this extension supports has it, so the fallback is an empty module.
 */
/**
 * The secret scanner (secretlint) is loaded on the first scan (`await import('../secrets-scan/index.js')` in
 * src/send/secretGuard.ts): that import is its own bundle next to extension.js. A static import of it would
 * be bundled, and the bundle check would catch the module in two bundles.
 */
const secretScanAsSibling = {
  name: 'secret-scan-as-sibling',
  setup(build) {
    build.onResolve({ filter: /\/secrets-scan\/index\.js$/ }, (args) => (args.kind === 'dynamic-import' ? { path: './secretScan.js', external: true } : undefined));
  },
};

const noStreamsPolyfill = {
  name: 'no-streams-polyfill',
  setup(build) {
    build.onResolve({ filter: /^web-streams-polyfill/ }, () => ({ path: 'web-streams-polyfill', namespace: 'empty' }));
    build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

const targets = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    format: 'cjs',
    platform: 'node',
    target: 'node18',
    external: ['vscode'],
    // import() becomes require(): the extension host loads the extension as CommonJS.
    supported: { 'dynamic-import': false },
    plugins: [...common.plugins, nodeFetchAsSibling, secretScanAsSibling],
  },
  {
    ...common,
    entryPoints: ['node_modules/node-fetch/src/index.js'],
    outfile: 'dist/nodeFetch.js',
    format: 'cjs',
    platform: 'node',
    target: 'node18',
    plugins: [...common.plugins, noStreamsPolyfill],
  },
  // The secret scanner (secretlint) is large, so it is its own bundle, loaded only when a prompt is checked.
  // Its preset's one dynamic import loads node-forge (~290 KB) to open .p12 files read from disk; the scanner
  // only scans editor text and never passes .p12, so that import is replaced by an empty module.
  {
    ...common,
    entryPoints: ['src/secrets-scan/index.ts'],
    outfile: 'dist/secretScan.js',
    format: 'cjs',
    platform: 'node',
    target: 'node18',
    plugins: [
      ...common.plugins,
      {
        name: 'secretlint-without-p12',
        setup(build) {
          build.onResolve({ filter: /^\.\/.*\.js$/ }, (args) =>
            args.kind === 'dynamic-import' && args.importer.includes('secretlint-rule-preset-recommend')
              ? { path: args.path, namespace: 'secretlint-without-p12' }
              : undefined,
          );
          build.onLoad({ filter: /.*/, namespace: 'secretlint-without-p12' }, () => ({ contents: 'export const i = {};', loader: 'js' }));
        },
      },
    ],
  },
];
targets.push({
  ...common,
  entryPoints: ['src/webview/main.ts'],
  outfile: 'dist/webview.js',
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
});
for (const target of targets) target.metafile = true;

async function main() {
  fs.rmSync('dist', { recursive: true, force: true });
  const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  const results = await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  fs.writeFileSync('dist/meta.json', JSON.stringify(results[0].metafile));
  fs.writeFileSync('dist/bundles.json', JSON.stringify(results.map((r, i) => ({ outfile: targets[i].outfile, platform: targets[i].platform, inputs: Object.keys(r.metafile.inputs) }))));
  const shared = modulesInTwoBundles(results.map((r, i) => ({ outfile: targets[i].outfile, platform: targets[i].platform, inputs: Object.keys(r.metafile.inputs) })));
  if (shared.length > 0) {
    for (const { input, outfiles } of shared) console.error(`✘ [ERROR] ${input} is bundled into ${outfiles.join(' and ')}`);
    throw new Error(`${shared.length} source module(s) are in more than one extension-host bundle; the extension's own code belongs in dist/extension.js only.`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
