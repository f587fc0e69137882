// Looks for secrets in text before it leaves the machine. Built as its own bundle (dist/secretScan.js)
// because secretlint is large; the extension loads it with require() only when it checks a prompt.
import { EXTRA_RULE_ID, extraSecretsRule } from './extraRule';

/** One suspected secret. Deliberately holds no part of the secret: findings are shown and logged freely. */
export interface SecretFinding {
  /** The secretlint rule that fired, e.g. `@secretlint/secretlint-rule-github` or `codegen/extra-secrets`. */
  ruleId: string;
  /** A human label, e.g. "GitHub token". */
  kind: string;
  /** 1-based line in the scanned text where the secret starts. */
  line: number;
}

export interface ScanOptions {
  /**
   * Name of the file the text came from (e.g. `.npmrc`, `package.json`, `key.json`). Some rules only apply
   * to certain files. Only the base name is used and the file is never read from disk.
   */
  fileName?: string;
}

const PRESET_ID = '@secretlint/secretlint-rule-preset-recommend';

/** Friendly labels for secretlint message ids. Unknown ids fall back to a generic label. */
const KIND_BY_MESSAGE_ID: Readonly<Record<string, string>> = {
  AWSAccessKeyID: 'AWS access key ID',
  AWSSecretAccessKey: 'AWS secret access key',
  AWSAccountID: 'AWS account ID',
  PrivateKeyP12: 'GCP service account key',
  PrivateKeyJSON: 'GCP service account key',
  PackageJSON_xOauthToken: 'GitHub token in package.json',
  Npmrc_authToken: 'npm auth token',
  NPM_ACCESS_TOKEN: 'npm access token',
  SLACK_TOKEN: 'Slack token',
  IncomingWebhook: 'Slack webhook URL',
  BasicAuth: 'URL with a password',
  OPENAI_TOKEN: 'OpenAI API key',
  ANTHROPIC_API_KEY: 'Anthropic API key',
  LINEAR_API_TOKEN: 'Linear API key',
  PrivateKey: 'Private key',
  SENDGRID_KEY: 'SendGrid API key',
  SHOPIFY_KEY: 'Shopify token',
  GITHUB_TOKEN: 'GitHub token',
  OPS_TOKEN: '1Password service account token',
  MongoDBConnection: 'MongoDB connection string with a password',
  MySQLConnection: 'MySQL connection string with a password',
  PostgreSQLConnection: 'PostgreSQL connection string with a password',
  STRIPE_SECRET_KEY: 'Stripe secret key',
  GOOGLE_API_KEY: 'Google API key',
  CREDENTIALS_IN_URL: 'Connection URL with a password',
};

export const GENERIC_SECRET_KIND = 'Possible secret';

/** The label shown for a secretlint message id. */
export function secretKindLabel(messageId: string): string {
  return Object.hasOwn(KIND_BY_MESSAGE_ID, messageId) ? (KIND_BY_MESSAGE_ID[messageId] ?? GENERIC_SECRET_KIND) : GENERIC_SECRET_KIND;
}

/**
 * The extension given to secretlint. `.p12` is never passed on: the GCP rule would then read the
 * file path from disk, and the text scanned here is editor content, not a file.
 */
function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const ext = dot > 0 ? fileName.slice(dot).toLowerCase() : '';
  return ext === '' || ext === '.p12' || ext === '.pfx' ? '.txt' : ext;
}

function baseNameOf(fileName: string | undefined): string {
  const name = (fileName ?? '').split(/[\\/]/).pop()?.trim() ?? '';
  return name === '' ? 'text.txt' : name;
}

/**
 * Scans text for secrets (tokens, keys, passwords in connection strings).
 * Findings are sorted by line and carry a rule id, a label and a line, never the secret itself.
 */
export async function scanForSecrets(text: string, opts: ScanOptions = {}): Promise<SecretFinding[]> {
  if (text.length === 0) return [];
  // Loaded on first use: both packages are ES modules, and nothing should pay for them before a scan.
  const [{ lintSource }, { creator: recommendedPreset }] = await Promise.all([
    import('@secretlint/core'),
    import('@secretlint/secretlint-rule-preset-recommend'),
  ]);
  const filePath = baseNameOf(opts.fileName);
  const result = await lintSource({
    source: { content: text, filePath, ext: extensionOf(filePath), contentType: 'text' },
    options: {
      locale: 'en',
      // Masks secrets in message data too, as a second line of defence: only ids and lines are read below.
      maskSecrets: true,
      noPhysicFilePath: true,
      config: {
        rules: [
          {
            id: PRESET_ID,
            rule: recommendedPreset,
            rules: [
              // Access key ids are worth a warning; bare 12-digit account ids are not secrets and match too much.
              { id: '@secretlint/secretlint-rule-aws', options: { enableIDScanRule: true }, allowMessageIds: ['AWSAccountID'] },
            ],
          },
          { id: EXTRA_RULE_ID, rule: extraSecretsRule },
        ],
      },
    },
  });

  const seen = new Set<string>();
  const findings: SecretFinding[] = [];
  for (const message of result.messages) {
    const finding: SecretFinding = {
      ruleId: message.ruleId,
      kind: secretKindLabel(message.messageId),
      line: message.loc.start.line,
    };
    const key = `${finding.ruleId}\u0000${finding.kind}\u0000${finding.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  findings.sort((a, b) => a.line - b.line || a.kind.localeCompare(b.kind));
  return findings;
}
