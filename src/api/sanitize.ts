// Text from the service (error messages, echoed headers) is untrusted: it may be long, carry control
// characters or even echo the token back. Everything shown or logged passes through here first.

import { serviceLabel } from '../util/serviceText';

/** Longest service-provided text kept in a message. */
export const MAX_SERVICE_TEXT = 300;

const REDACTED = '[redacted]';

const BEARER_CREDENTIAL = /\b(Bearer|Token|Basic)(\s+)([A-Za-z0-9._~+/=-]{8,})/gi;

/** A value after "Bearer", "Token" or "Basic" that looks like a credential, not a word ("Token revoked" stays). */
function looksLikeCredential(value: string): boolean {
  return value.length >= 24 || (value.length >= 12 && /\d/.test(value)) || (/\d/.test(value) && /[A-Za-z]/.test(value) && /[._~+/=-]/.test(value));
}

/** Removes every occurrence of each secret (and anything shaped like an Authorization value). */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    // Very short "secrets" would redact ordinary words; real tokens are long.
    if (secret && secret.length >= 4) result = result.split(secret).join(REDACTED);
  }
  return result.replace(BEARER_CREDENTIAL, (match: string, scheme: string, space: string, value: string) => (looksLikeCredential(value) ? `${scheme}${space}${REDACTED}` : match));
}

/** Makes service text safe to show: secrets redacted, control characters collapsed to spaces, length bounded. */
export function sanitizeServiceText(
  text: string,
  secrets: readonly (string | undefined)[],
  maxLength = MAX_SERVICE_TEXT,
): string {
  // Redact before truncating so a token cut in half by the truncation cannot survive.
  return serviceLabel(redactSecrets(text, secrets), maxLength);
}
