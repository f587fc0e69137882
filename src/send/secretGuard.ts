// The secret scan step of the send pipeline: the prompt and the metadata are scanned before anything
// leaves; findings name the kind and where (a line of the file when it can be traced), never the secret.

import { locateFindings, type LocatedFinding, type SourceText } from './secretFindings';
import type { SecretScanner } from './sendTypes';

export async function scanPrompt(scanner: SecretScanner, prompt: string, metadata: Record<string, unknown>, source: SourceText | undefined): Promise<LocatedFinding[]> {
  const fileName = source ? source.label.split('/').pop() : undefined;
  const inPrompt = locateFindings(await scanner.scanForSecrets(prompt, { fileName }), prompt, source, 'prompt');
  // The metadata repeats parts of the prompt (title, file, branch); only findings of other kinds are new.
  const inMetadata = locateFindings(await scanner.scanForSecrets(JSON.stringify(metadata, null, 2), { fileName: 'metadata.json' }), '', undefined, 'metadata');
  return [...inPrompt, ...inMetadata.filter((finding) => !inPrompt.some((other) => other.kind === finding.kind))];
}
