// HTTP plumbing: reading bodies, writing answers, and FastAPI-style validation errors.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { RawBody, type SimResponse } from './faults';
import type { ApiPage } from './types';

/** Large enough for a few data-URI images. */
const MAX_BODY_BYTES = 20 * 1024 * 1024;

/** Thrown by handlers; the dispatcher turns it into the answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export interface ValidationIssue {
  loc: Array<string | number>;
  msg: string;
  type: string;
}

export function validationError(issues: ValidationIssue[]): HttpError {
  return new HttpError(422, { detail: issues });
}

export function detailError(status: number, detail: string): HttpError {
  return new HttpError(status, { detail });
}

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, { detail: 'Request body too large' }));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export type ParsedBody = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'invalid'; text: string };

export function parseBody(text: string): ParsedBody {
  if (text.trim() === '') return { kind: 'none' };
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'invalid', text };
  }
}

/** Browser-based end-to-end tests call the simulator cross-origin, so every answer allows that. */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, PATCH, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type',
  'Access-Control-Expose-Headers': 'Retry-After',
};

export function writeResponse(response: ServerResponse, answer: SimResponse): void {
  if (response.destroyed || response.writableEnded) return;
  const headers: Record<string, string> = { ...CORS_HEADERS, ...(answer.headers ?? {}) };
  let text = '';
  if (answer.body instanceof RawBody) {
    text = answer.body.text;
    headers['Content-Type'] ??= answer.body.contentType;
  } else if (answer.body !== undefined) {
    text = JSON.stringify(answer.body);
    headers['Content-Type'] ??= 'application/json';
  }
  headers['Content-Length'] = String(Buffer.byteLength(text));
  response.writeHead(answer.status, headers);
  response.end(text);
}

// ---- query parameters ----

function parseInteger(query: Record<string, string>, name: string, issues: ValidationIssue[], bounds: { min?: number; max?: number }): number | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw.trim())) {
    issues.push({ loc: ['query', name], msg: 'Input should be a valid integer, unable to parse string as an integer', type: 'int_parsing' });
    return undefined;
  }
  const value = Number(raw);
  if (bounds.min !== undefined && value < bounds.min) {
    issues.push({ loc: ['query', name], msg: `Input should be greater than or equal to ${bounds.min}`, type: 'greater_than_equal' });
    return undefined;
  }
  if (bounds.max !== undefined && value > bounds.max) {
    issues.push({ loc: ['query', name], msg: `Input should be less than or equal to ${bounds.max}`, type: 'less_than_equal' });
    return undefined;
  }
  return value;
}

export interface PageParams {
  skip: number;
  limit: number;
}

export interface ListRunsParams extends PageParams {
  userId: number | undefined;
  sourceType: string | undefined;
}

export interface LogsParams extends PageParams {
  reverse: boolean;
}

function pageParams(query: Record<string, string>, issues: ValidationIssue[]): PageParams {
  return {
    skip: parseInteger(query, 'skip', issues, { min: 0 }) ?? 0,
    limit: parseInteger(query, 'limit', issues, { min: 1, max: 100 }) ?? 100,
  };
}

export function parsePageQuery(query: Record<string, string>): PageParams {
  const issues: ValidationIssue[] = [];
  const params = pageParams(query, issues);
  if (issues.length > 0) throw validationError(issues);
  return params;
}

export function parseListRunsQuery(query: Record<string, string>): ListRunsParams {
  const issues: ValidationIssue[] = [];
  const params = pageParams(query, issues);
  const userId = parseInteger(query, 'user_id', issues, {});
  if (issues.length > 0) throw validationError(issues);
  return { ...params, userId, sourceType: query.source_type };
}

export function parseLogsQuery(query: Record<string, string>): LogsParams {
  const issues: ValidationIssue[] = [];
  const params = pageParams(query, issues);
  const raw = query.reverse?.toLowerCase();
  let reverse = false;
  if (raw === 'true' || raw === '1' || raw === 'yes' || raw === 'on') reverse = true;
  else if (raw !== undefined && raw !== 'false' && raw !== '0' && raw !== 'no' && raw !== 'off') {
    issues.push({ loc: ['query', 'reverse'], msg: 'Input should be a valid boolean, unable to interpret input', type: 'bool_parsing' });
  }
  if (issues.length > 0) throw validationError(issues);
  return { ...params, reverse };
}

/** FastAPI pagination's page metadata: page is 1-based, pages is 0 for an empty list. */
export function pageOf<T>(all: readonly T[], { skip, limit }: PageParams): ApiPage<T> {
  return { items: all.slice(skip, skip + limit), ...pageMeta(all.length, { skip, limit }) };
}

export function pageMeta(total: number, { skip, limit }: PageParams): Omit<ApiPage<never>, 'items'> {
  return { total, page: Math.floor(skip / limit) + 1, size: limit, pages: Math.ceil(total / limit) };
}
