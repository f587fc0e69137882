// Entry point of dist/secretScan.js, the extension's one lazily loaded file of its own: secretlint is large.
// Loaded on the first scan through send/secretGuard's `import('../secrets-scan/index.js')`, which the build
// points at the sibling file.
export { scanForSecrets, secretKindLabel, GENERIC_SECRET_KIND } from './scan';
export type { SecretFinding, ScanOptions } from './scan';
