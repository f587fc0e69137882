// The pieces of one request of the Codegen client: its description, reading the token, parsing the
// answer, and small checks of what goes into a path or a query. Pure; the client's loop is in client.ts.
import { CodegenApiError } from './errors';
import type { CallKind } from './httpErrors';
import { ShapeError } from './schemas';
import type { PageQuery, RateClass } from './types';

/** Answers larger than this are not read as JSON (the largest real page is far smaller). */
export const MAX_BODY_CHARS = 16 * 1024 * 1024;

export type QueryValue = string | number | boolean | undefined;

export interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'PATCH';
  /** Path under the base URL, built from validated integers only. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: Record<string, unknown>;
  rateClass: RateClass;
  kind: CallKind;
  /** Turns the parsed JSON into the result; throws ShapeError when it does not fit. Absent: the body is ignored. */
  parse?: (json: unknown) => T;
}

export interface Answer {
  status: number;
  statusText: string;
  retryAfter: string | null;
  text: string;
}

export function parseAnswer<T>(spec: Pick<RequestSpec<T>, 'parse'>, answer: Answer): T {
  if (!spec.parse) return undefined as T;
  const malformed = (why: string): CodegenApiError =>
    new CodegenApiError('malformed', `The Codegen service sent an answer this extension cannot read (HTTP ${answer.status}): ${why}.`, {
      status: answer.status,
    });
  if (answer.text.length > MAX_BODY_CHARS) throw malformed('the answer is too large');
  let json: unknown;
  try {
    json = JSON.parse(answer.text);
  } catch {
    throw malformed(answer.text.trim() === '' ? 'the answer is empty' : 'the answer is not valid JSON');
  }
  try {
    return spec.parse(json);
  } catch (error) {
    if (error instanceof ShapeError) throw malformed(error.message);
    throw malformed('the answer has an unexpected shape');
  }
}


/** The token for one call, checked: a header value with line breaks or non-ASCII would make fetch throw with it in the message. */
export async function readToken(getToken: () => Promise<string | undefined> | string | undefined): Promise<string> {
  let token: string | undefined;
  try {
    token = await getToken();
  } catch {
    throw new CodegenApiError('unauthorized', 'Could not read the Codegen API token. Set the token again.');
  }
  token = token?.trim();
  if (!token) {
    throw new CodegenApiError('unauthorized', 'No Codegen API token is set. Set a token; you can create one at https://codegen.com/token.');
  }
  // A header value with line breaks or non-ASCII makes fetch throw with the value in its message.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new CodegenApiError('unauthorized', 'The Codegen API token contains characters a token cannot have. Set the token again.');
  }
  return token;
}


export function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

export function nonNegative(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

/** Ids go into paths: only non-negative safe integers, so nothing can change the path. */
export function id(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new CodegenApiError('invalid', `Invalid ${name}: expected a non-negative integer.`, {
      fields: [{ location: name, message: 'expected a non-negative integer' }],
    });
  }
  return value;
}

export function pageQuery(query: PageQuery): Record<string, QueryValue> {
  return { skip: query.skip, limit: query.limit };
}

export function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/** A short, safe error code (ECONNRESET, UND_ERR_SOCKET) from a transport error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  const candidates: unknown[] = [];
  if (error && typeof error === 'object') {
    const record = error as { code?: unknown; cause?: unknown };
    candidates.push(record.code);
    if (record.cause && typeof record.cause === 'object') candidates.push((record.cause as { code?: unknown }).code);
  }
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(candidate)) return candidate;
  }
  return undefined;
}
