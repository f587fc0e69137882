// Typed errors of the Codegen API client. Every message is one a user can act on, and none carries the token.

export type ApiErrorKind =
  | 'unauthorized' // 401: set a new token
  | 'billing' // 402: open the billing page
  | 'forbidden' // 403: check the organization
  | 'notFound' // 404
  | 'noRepositories' // 404 on create: the org has no repositories configured
  | 'invalid' // 422: fields in `fields`
  | 'rateLimited' // 429 after the retries ran out: wait `retryAfterMs`
  | 'server' // 5xx
  | 'network' // connection refused, reset, dropped
  | 'timeout' // no answer within the timeout
  | 'malformed' // the body is not the expected shape
  | 'cancelled'; // the caller's signal aborted

export interface InvalidField {
  /** Dotted location such as "body.prompt". */
  location: string;
  message: string;
}

export class CodegenApiError extends Error {
  override readonly name = 'CodegenApiError';
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly details: {
      status?: number;
      fields?: InvalidField[];
      retryAfterMs?: number;
      /** True for a create/resume whose connection was lost or timed out: the run may exist. */
      mayHaveBeenCreated?: boolean;
    } = {},
  ) {
    super(message);
  }

  get status(): number | undefined {
    return this.details.status;
  }
}

/** An error of the client, of any kind or of the one given. */
export function isApiError(error: unknown, kind?: ApiErrorKind): error is CodegenApiError {
  return error instanceof CodegenApiError && (kind === undefined || error.kind === kind);
}
