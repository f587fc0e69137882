// The secret scan step of the send pipeline: the prompt and the metadata are scanned before anything
// leaves; findings name the kind and where (a line of the file when it can be traced), never the secret.

import { locateFindings, type LocatedFinding, type SourceText } from './secretFindings';
import type { SecretScanner } from './sendTypes';

/**
 * The secret scanner, loaded on its first scan: secretlint is large and most sessions never send. In the
 * extension this import is the sibling file dist/secretScan.js (see esbuild.js); in Node, the module itself.
 */
export const secretScanner: SecretScanner = {
  async scanForSecrets(text, options) {
    const scan = await import('../secrets-scan/index.js');
    return scan.scanForSecrets(text, options);
  },
};

export async function scanPrompt(scanner: SecretScanner, prompt: string, metadata: Record<string, unknown>, source: SourceText | undefined): Promise<LocatedFinding[]> {
  const fileName = source ? source.label.split('/').pop() : undefined;
  const inPrompt = locateFindings(await scanner.scanForSecrets(prompt, { fileName }), prompt, source, 'prompt');
  // The metadata repeats parts of the prompt (title, file, branch); only findings of other kinds are new.
  const inMetadata = locateFindings(await scanner.scanForSecrets(JSON.stringify(metadata, null, 2), { fileName: 'metadata.json' }), '', undefined, 'metadata');
  return [...inPrompt, ...inMetadata.filter((finding) => !inPrompt.some((other) => other.kind === finding.kind))];
}
