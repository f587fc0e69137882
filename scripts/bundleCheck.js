// No source module in two bundles that run in the extension host: a class bundled twice is two classes
// (instanceof fails, state splits). All of our own code is in dist/extension.js; the sibling files hold only a
// large third-party library each (node-fetch, secretlint with the scanner's entry). The webview runs in another realm (the browser): it shares only the message
// protocol and the URL policy with the extension, on purpose, so both sides check the same rules.
// Used by esbuild.js after every build (from esbuild's metafile) and by test/unit/bundles.test.ts.

/**
 * @param {Array<{ outfile: string, platform: string, inputs: string[] }>} bundles
 * @returns {Array<{ input: string, outfiles: string[] }>} the source modules found in more than one node bundle
 */
function modulesInTwoBundles(bundles) {
  const owners = new Map();
  for (const bundle of bundles) {
    if (bundle.platform !== 'node') continue;
    for (const input of bundle.inputs) {
      if (!input.startsWith('src/')) continue;
      owners.set(input, [...(owners.get(input) ?? []), bundle.outfile]);
    }
  }
  return [...owners].filter(([, outfiles]) => outfiles.length > 1).map(([input, outfiles]) => ({ input, outfiles }));
}

module.exports = { modulesInTwoBundles };
