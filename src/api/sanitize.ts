// Text from the service (error messages, echoed headers) is untrusted: it may be long, carry control
// characters or even echo the token back. Everything shown or logged passes through here first.

/** Longest service-provided text kept in a message. */
export const MAX_SERVICE_TEXT = 300;

const REDACTED = '[redacted]';

// C0/C1 controls, DEL, bidi overrides and zero-width characters: they can hide or reorder text in the UI.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+/g;
const BEARER_CREDENTIAL = /\b(Bearer|Token|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/gi;

/** Removes every occurrence of each secret (and anything shaped like an Authorization value). */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    // Very short "secrets" would redact ordinary words; real tokens are long.
    if (secret && secret.length >= 4) result = result.split(secret).join(REDACTED);
  }
  return result.replace(BEARER_CREDENTIAL, (_match, scheme: string) => `${scheme} ${REDACTED}`);
}

/** Makes service text safe to show: secrets redacted, control characters collapsed to spaces, length bounded. */
export function sanitizeServiceText(
  text: string,
  secrets: readonly (string | undefined)[],
  maxLength = MAX_SERVICE_TEXT,
): string {
  // Redact before truncating so a token cut in half by the truncation cannot survive.
  const cleaned = redactSecrets(text, secrets).replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  if (cleaned.length <= maxLength) return cleaned;
  return `${cleaned.slice(0, Math.max(0, maxLength - 1)).trimEnd()}…`;
}
