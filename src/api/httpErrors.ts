// Maps the service's HTTP answers and transport failures to CodegenApiError, with messages a user can
// act on. Service text is untrusted: sanitised (length, control characters) and stripped of the token.

import { CodegenApiError, type InvalidField } from './errors';
import { sanitizeServiceText } from './sanitize';
import { parseErrorBody } from './schemas';

/** How a call treats failures: reads may be repeated; creates and other writes must not be repeated blindly. */
export type CallKind = 'read' | 'create' | 'resume' | 'write';

export const MAY_HAVE_BEEN_CREATED = 'the run may have been created; refresh the runs list before trying again.';
export const MAY_HAVE_BEEN_SENT = 'the follow-up may have been sent; refresh the run before sending it again.';

/** For calls whose effect cannot be known when no answer arrived: what the user should do. Undefined for others. */
function uncertainOutcome(kind: CallKind): string | undefined {
  if (kind === 'create') return MAY_HAVE_BEEN_CREATED;
  if (kind === 'resume') return MAY_HAVE_BEEN_SENT;
  return undefined;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export interface ResponseContext {
  kind: CallKind;
  /** Secrets to strip from anything the service echoes (the token). */
  secrets: readonly (string | undefined)[];
  retryAfterMs?: number;
}

/** Parses Retry-After: delta-seconds or an HTTP date (relative to nowMs). Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) {
    const seconds = Number(text);
    return Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined;
  }
  // An HTTP date always names a weekday or month; plain numbers in other forms are not dates.
  if (!/[A-Za-z]/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

function describeStatus(status: number, statusText: string, secrets: readonly (string | undefined)[]): string {
  const text = sanitizeServiceText(statusText, secrets, 60);
  return text ? `HTTP ${status} ${text}` : `HTTP ${status}`;
}

function withServiceMessage(base: string, serviceMessage: string | undefined): string {
  return serviceMessage ? `${base} The service said: "${serviceMessage}"` : base;
}

function formatSeconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))} s`;
}

/** The error for a non-2xx answer. */
export function errorFromResponse(status: number, statusText: string, bodyText: string, context: ResponseContext): CodegenApiError {
  const { secrets } = context;
  const body = parseErrorBody(bodyText);
  const rawMessage = body.message ?? (body.fields ? undefined : statusText);
  const serviceMessage = rawMessage ? sanitizeServiceText(rawMessage, secrets) || undefined : undefined;
  const statusLine = describeStatus(status, statusText, secrets);
  const details = { status };

  switch (status) {
    case 401:
      return new CodegenApiError(
        'unauthorized',
        withServiceMessage(`Codegen did not accept the API token (${statusLine}). Set a new token; you can create one at https://codegen.com/token.`, serviceMessage),
        details,
      );
    case 402:
      return new CodegenApiError(
        'billing',
        withServiceMessage(`Your Codegen organization has reached its billing limit (${statusLine}). Open the billing page on codegen.com to continue.`, serviceMessage),
        details,
      );
    case 403:
      return new CodegenApiError(
        'forbidden',
        withServiceMessage(`This token has no access to the Codegen organization (${statusLine}). Check the organization id or pick another organization.`, serviceMessage),
        details,
      );
    case 404:
      // "No repositories found…" means the org has none; "Repository 5 not found" is an ordinary notFound.
      if (context.kind === 'create' && serviceMessage && /repositories/i.test(serviceMessage)) {
        return new CodegenApiError(
          'noRepositories',
          withServiceMessage(`The organization has no repositories set up for Codegen (${statusLine}). Add one in the organization's repository settings on codegen.com.`, serviceMessage),
          details,
        );
      }
      return new CodegenApiError(
        'notFound',
        withServiceMessage(`Not found (${statusLine}): the run or organization does not exist or this token cannot see it.`, serviceMessage),
        details,
      );
    case 400:
    case 422: {
      const fields: InvalidField[] = (body.fields ?? []).slice(0, 20).map((field) => ({
        location: sanitizeServiceText(field.location, secrets, 100),
        message: sanitizeServiceText(field.message, secrets, 200),
      }));
      const fieldList = fields.map((field) => `${field.location}: ${field.message}`).join('; ');
      const base = `Codegen rejected the request as invalid (${statusLine})`;
      const message = fieldList
        ? `${base}: ${sanitizeServiceText(fieldList, secrets, 400)}`
        : withServiceMessage(`${base}.`, serviceMessage);
      return new CodegenApiError('invalid', message, fields.length > 0 ? { status, fields } : details);
    }
    case 429: {
      const wait = context.retryAfterMs;
      return new CodegenApiError(
        'rateLimited',
        wait !== undefined
          ? `Codegen rate limit reached (${statusLine}). Try again in ${formatSeconds(wait)}.`
          : `Codegen rate limit reached (${statusLine}). Try again in a minute.`,
        wait !== undefined ? { status, retryAfterMs: wait } : details,
      );
    }
    default:
      break;
  }
  if (status >= 500) {
    // A 5xx can come after the service acted (or from a proxy after forwarding): never claim nothing happened.
    const uncertain = uncertainOutcome(context.kind);
    const base = `The Codegen service had a problem (${statusLine}).`;
    return new CodegenApiError(
      'server',
      withServiceMessage(uncertain ? `${base} ${capitalize(uncertain)}` : `${base} Try again in a moment.`, serviceMessage),
      uncertain ? { status, mayHaveBeenCreated: true } : details,
    );
  }
  if (status >= 300 && status < 400) {
    return new CodegenApiError(
      'malformed',
      `The Codegen service answered with a redirect (${statusLine}). Check the API base URL setting.`,
      details,
    );
  }
  if (status >= 400) {
    return new CodegenApiError('invalid', withServiceMessage(`Codegen refused the request (${statusLine}).`, serviceMessage), details);
  }
  return new CodegenApiError('malformed', `The Codegen service answered with an unexpected status (${statusLine}).`, details);
}

/** A transport failure: no usable answer arrived. */
export function transportError(
  failure: 'network' | 'timeout' | 'cancelled',
  context: { kind: CallKind; timeoutMs: number; code?: string },
): CodegenApiError {
  if (failure === 'cancelled') {
    return new CodegenApiError('cancelled', 'The request to Codegen was cancelled.');
  }
  const uncertain = uncertainOutcome(context.kind);
  if (failure === 'timeout') {
    const base = `The Codegen service did not answer within ${formatSeconds(context.timeoutMs)}`;
    return uncertain
      ? new CodegenApiError('timeout', `${base}: ${uncertain}`, { mayHaveBeenCreated: true })
      : new CodegenApiError('timeout', `${base}. Try again in a moment.`);
  }
  const code = context.code ? ` (${context.code})` : '';
  return uncertain
    ? new CodegenApiError('network', `The connection to the Codegen service was lost${code}: ${uncertain}`, { mayHaveBeenCreated: true })
    : new CodegenApiError('network', `Could not reach the Codegen service${code}. Check your connection and the API base URL setting.`);
}
