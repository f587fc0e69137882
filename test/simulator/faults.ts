// Injected faults: which request they hit, and how they change (or replace) the answer.

import { RATE_LIMIT_MESSAGE, UNKNOWN_FAULT_STATUS } from './fixtures';
import type { ApiRun, FaultKind, FaultSpec } from './types';

const FAULT_KINDS: readonly FaultKind[] = ['status', 'slow', 'drop', 'malformed', 'unknownStatus', 'nullFields', 'rateLimit'];

/** What kind of payload an answer carries, so payload faults know where run objects are. */
export type PayloadKind = 'run' | 'runPage' | 'logs' | 'other';

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  payload?: PayloadKind;
}

interface ArmedFault {
  spec: FaultSpec;
  pathPattern: RegExp | undefined;
  remaining: number;
}

/** Throws a readable error for a spec that cannot work (the control API answers it with 400). */
export function validateFault(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null) throw new Error('a fault must be a JSON object');
  const spec = input as FaultSpec;
  if (!FAULT_KINDS.includes(spec.kind)) throw new Error(`unknown fault kind ${JSON.stringify(spec.kind)}; expected one of ${FAULT_KINDS.join(', ')}`);
  if (spec.path !== undefined) new RegExp(spec.path);
  if (spec.times !== undefined && (!Number.isInteger(spec.times) || spec.times === 0 || spec.times < -1)) throw new Error('times must be a positive integer or -1');
  if (spec.status !== undefined && (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 599)) throw new Error('status must be an HTTP status code');
  return spec;
}

export class FaultTable {
  private armed: ArmedFault[] = [];

  add(spec: FaultSpec): void {
    const valid = validateFault(spec);
    this.armed.push({ spec: { ...valid }, pathPattern: valid.path === undefined ? undefined : new RegExp(valid.path), remaining: valid.times ?? 1 });
  }

  /** The first armed fault matching the request, counted as used. */
  take(method: string, path: string): FaultSpec | undefined {
    const fault = this.armed.find(
      (candidate) =>
        (candidate.spec.method === undefined || candidate.spec.method.toUpperCase() === method) && (candidate.pathPattern?.test(path) ?? true),
    );
    if (!fault) return undefined;
    if (fault.remaining > 0 && --fault.remaining === 0) this.armed = this.armed.filter((candidate) => candidate !== fault);
    return fault.spec;
  }

  clear(): void {
    this.armed = [];
  }

  get size(): number {
    return this.armed.length;
  }
}

/** Faults that answer instead of the simulator: the request is not processed and costs no rate budget. */
export function isAnsweringFault(fault: FaultSpec): boolean {
  return fault.kind === 'status' || fault.kind === 'rateLimit' || (fault.kind === 'drop' && !fault.afterProcessing);
}

const STATUS_MESSAGES: Readonly<Record<number, string>> = {
  400: 'Bad request',
  402: 'Billing limit reached: upgrade your plan to create more agent runs',
  403: 'You do not have access to this resource',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable entity',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function faultAnswer(fault: FaultSpec, retryAfterEnabled: boolean): SimResponse {
  if (fault.kind === 'rateLimit') {
    const seconds = fault.retryAfterSeconds === undefined ? (retryAfterEnabled ? 1 : null) : fault.retryAfterSeconds;
    return { status: 429, body: { message: RATE_LIMIT_MESSAGE, status_code: 429 }, headers: seconds === null ? {} : { 'Retry-After': String(seconds) } };
  }
  const status = fault.status ?? 500;
  const message = STATUS_MESSAGES[status] ?? `Simulated error ${status}`;
  return { status, body: fault.errorShape === 'detail' ? { detail: message } : { message, status_code: status } };
}

/** Applies unknownStatus / nullFields to every run object in the payload; other answers pass unchanged. */
export function applyPayloadFault(kind: FaultKind, response: SimResponse): SimResponse {
  if (kind !== 'unknownStatus' && kind !== 'nullFields') return response;
  const change = (run: ApiRun): ApiRun =>
    kind === 'unknownStatus'
      ? { ...run, status: UNKNOWN_FAULT_STATUS }
      : {
          ...run,
          status: null,
          created_at: null,
          web_url: null,
          result: null,
          summary: null,
          source_type: null,
          github_pull_requests: null,
          metadata: null,
        };
  switch (response.payload) {
    case 'run':
    case 'logs':
      return { ...response, body: change(response.body as ApiRun) };
    case 'runPage': {
      const page = response.body as { items: ApiRun[] };
      return { ...response, body: { ...page, items: page.items.map(change) } };
    }
    default:
      return response;
  }
}

/** A 200 whose body is cut in half: never valid JSON. */
export function malformedAnswer(response: SimResponse): SimResponse {
  const text = response.body === undefined ? '{"broken": ' : JSON.stringify(response.body);
  return { status: 200, body: new RawBody(text.slice(0, Math.max(1, Math.floor(text.length / 2)))), headers: response.headers ?? {} };
}

/** A body written as-is rather than serialized as JSON. */
export class RawBody {
  constructor(
    readonly text: string,
    readonly contentType = 'application/json',
  ) {}
}
