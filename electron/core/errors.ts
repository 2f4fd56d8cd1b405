/**
 * Typed domain errors with stable codes. Core throws these; the contract layer (app.ts) turns
 * them into result envelopes. Messages name the file or record and the problem, so a user can act.
 */
export type ErrorCode =
  | 'bad-request'
  | 'not-found'
  | 'forbidden'
  | 'unauthenticated'
  | 'conflict'
  | 'slide-unreadable'
  | 'slide-unsupported'
  | 'slide-too-large'
  | 'model-invalid'
  | 'db-newer-schema'
  | 'db-corrupt'
  | 'db-tampered'
  | 'internal';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
