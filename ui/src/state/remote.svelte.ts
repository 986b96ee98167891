// One remote value a view shows: loading, data or error. A newer load aborts and supersedes an older
// one, so a slow answer for a previous key never overwrites the current one.
import { ApiError, NETWORK_ERROR } from '../lib/api.ts';

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, NETWORK_ERROR, error instanceof Error ? error.message : String(error));
}

export class Remote<T> {
  // Raw: responses are replaced whole, never mutated, and can hold thousands of spans.
  data = $state.raw<T | null>(null);
  error = $state.raw<ApiError | null>(null);
  loading = $state(false);
  #controller: AbortController | null = null;

  /**
   * Runs `fetcher`; resolves to its data, or null when it failed or a newer load replaced it.
   * keepData shows the current data while loading; unchanged keeps it when the answer is the same.
   */
  async load(fetcher: (signal: AbortSignal) => Promise<T>, options: { keepData?: boolean; unchanged?: (shown: T, fetched: T) => boolean } = {}): Promise<T | null> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.loading = true;
    this.error = null;
    if (!options.keepData) this.data = null;
    try {
      const data = await fetcher(controller.signal);
      if (controller.signal.aborted) return null;
      // Keeping the shown object when nothing changed spares the view a re-render.
      if (this.data !== null && options.unchanged?.(this.data, data)) return this.data;
      this.data = data;
      return data;
    } catch (error) {
      if (controller.signal.aborted) return null;
      this.error = toApiError(error);
      this.data = null;
      return null;
    } finally {
      if (this.#controller === controller) {
        this.loading = false;
        this.#controller = null;
      }
    }
  }

  /** Shows `data` without a request (e.g. after an action answered the new value). */
  set(data: T): void {
    this.#controller?.abort();
    this.#controller = null;
    this.loading = false;
    this.error = null;
    this.data = data;
  }

  reset(): void {
    this.#controller?.abort();
    this.#controller = null;
    this.loading = false;
    this.error = null;
    this.data = null;
  }
}
