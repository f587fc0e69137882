// Entry point of dist/secretScan.js. The extension loads it lazily:
//   require(path.join(context.extensionPath, 'dist', 'secretScan.js')).scanForSecrets(text, { fileName })
export { scanForSecrets, secretKindLabel, GENERIC_SECRET_KIND } from './scan';
export type { SecretFinding, ScanOptions } from './scan';
