// A small secretlint rule for secrets the recommended preset does not look for.
// Its messages never contain the matched text, so nothing downstream can leak it.
import type { SecretLintRuleCreator, SecretLintRuleContext, SecretLintSourceCode } from '@secretlint/types';

export const EXTRA_RULE_ID = 'codegen/extra-secrets';

const messages = {
  STRIPE_SECRET_KEY: { en: () => 'found a Stripe live secret key' },
  GOOGLE_API_KEY: { en: () => 'found a Google API key' },
  CREDENTIALS_IN_URL: { en: () => 'found a connection URL with a password' },
};

export type ExtraMessageId = keyof typeof messages;

// Live keys only: `sk_test_` keys are meant to be shared in test setups.
const STRIPE_PATTERN = /(?<![A-Za-z0-9_])(?:sk|rk)_live_[0-9A-Za-z]{24,99}(?![0-9A-Za-z])/g;
const GOOGLE_API_KEY_PATTERN = /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g;
// The preset covers postgres, mysql, mongodb and http(s)/ftp; these schemes also commonly carry a password.
// Bounded quantifiers keep the scan linear on long lines.
const CREDENTIAL_URL_PATTERN =
  /(?<![A-Za-z0-9+.-])(?:rediss?|amqps?|mssql|sqlserver|mariadb|ldaps?|smtps?|imaps?|sftp|mqtts?|nats|couchdb|neo4j(?:\+s)?|bolt):\/\/(?<user>[^\s:/@'"`]{0,100}):(?<password>[^\s/@'"`]{1,200})@[^\s/?#'"`]{1,255}/gi;

// Passwords that are clearly placeholders rather than credentials.
const PLACEHOLDER_PASSWORDS = new Set([
  'password',
  'passwd',
  'pass',
  'secret',
  'changeme',
  'change_me',
  'your_password',
  'yourpassword',
  'mypassword',
  'example',
  'redacted',
  'xxx',
  'null',
  'none',
]);

/** True when a password taken from a URL looks like a real credential rather than a template or example. */
export function isLikelyRealPassword(password: string): boolean {
  if (password.length < 4) return false;
  if (PLACEHOLDER_PASSWORDS.has(password.toLowerCase())) return false;
  // Template and environment variable syntax: ${X}, {{x}}, {x}, <x>, %X%, $X, $(x), %(x)s.
  if (/[{}<>]|%[A-Za-z_(]|\$[A-Za-z_({]/.test(password)) return false;
  // Masks and repeated filler such as ****, xxxx, ....
  if (/^(.)\1*$/.test(password)) return false;
  return true;
}

function reportAll(
  context: SecretLintRuleContext,
  source: SecretLintSourceCode,
  pattern: RegExp,
  messageId: ExtraMessageId,
  accept: (match: RegExpMatchArray) => boolean = () => true,
): void {
  const t = context.createTranslator(messages);
  for (const match of source.content.matchAll(pattern)) {
    if (!accept(match)) continue;
    const start = match.index ?? 0;
    context.report({ message: t(messageId), range: [start, start + match[0].length] });
  }
}

export const extraSecretsRule: SecretLintRuleCreator = {
  messages,
  meta: {
    id: EXTRA_RULE_ID,
    recommended: true,
    type: 'scanner',
    supportedContentTypes: ['text'],
  },
  create(context) {
    return {
      file(source) {
        reportAll(context, source, STRIPE_PATTERN, 'STRIPE_SECRET_KEY');
        reportAll(context, source, GOOGLE_API_KEY_PATTERN, 'GOOGLE_API_KEY');
        reportAll(context, source, CREDENTIAL_URL_PATTERN, 'CREDENTIALS_IN_URL', (match) =>
          isLikelyRealPassword(match.groups?.['password'] ?? ''),
        );
      },
    };
  },
};
