/** The one error handler: every failed user action ends here and is shown in the error banner. */
import { ApiError } from './api';

class ErrorState {
  message = $state<string | null>(null);
  code = $state<string | null>(null);

  show(error: unknown): void {
    this.code = error instanceof ApiError ? error.code : 'internal';
    this.message = error instanceof Error ? error.message : String(error);
  }

  dismiss(): void {
    this.message = null;
    this.code = null;
  }
}

export const errors = new ErrorState();

export function handleError(error: unknown): void {
  errors.show(error);
}
