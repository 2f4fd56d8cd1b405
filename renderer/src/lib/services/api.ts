/**
 * The renderer's only door to the application: the contract API object exposed as `window.ana`
 * (Electron preload, or the test host's bridge). `call` unwraps the result envelope and throws an
 * ApiError that the one error handler shows.
 */
import type { AnaApi, Channel, RequestOf, ResponseOf } from '../../../../electron/contract';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function api(): AnaApi {
  const found = (globalThis as unknown as { ana?: AnaApi }).ana;
  if (!found) throw new ApiError('no-api', 'The application API is not available (window.ana is missing).');
  return found;
}

export async function call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const result = await api().invoke(channel, request);
  if (!result.ok) throw new ApiError(result.code, result.message);
  return result.value;
}
