// Usage examples for the retry pattern (snippets bw-retry, bw-fetch-retry): retry a client call on
// transient failures, and fetch an HTTP API with retries, per-attempt timeouts and Retry-After.
import { RetryAfterExceededError, fetchWithRetry, retry } from '../src/retry.js';

export interface Customer {
  id: string;
  name: string;
}

/** Any client whose calls accept a signal and throw errors carrying `status` or a network `code`. */
export interface CrmClient {
  getCustomer(id: string, options: { signal: AbortSignal }): Promise<Customer>;
}

export async function syncCustomer(crm: CrmClient, customerId: string): Promise<Customer> {
  // @snippet bw-retry Retry an async call on transient failures: full-jitter backoff, maxDelay, deadline
  const customer = await retry(({ signal }) => /*${1}*/crm.getCustomer(customerId, { signal })/*$*/, {
    attempts: /*${2}*/5/*$*/,
    maxDelay: /*${3}*/5_000/*$*/,
    deadline: /*${4}*/30_000/*$*/,
  });
  // @end
  return customer;
}

export async function getExchangeRates(baseUrl: string): Promise<Record<string, number>> {
  // @snippet bw-fetch-retry fetch with retries on network errors, 408/429/5xx, Retry-After and per-attempt timeouts
  const response = await fetchWithRetry(/*${1}*/new URL('/rates', baseUrl)/*$*/, { signal: /*${2}*/AbortSignal.timeout(30_000)/*$*/ }, {
    attempts: /*${3}*/3/*$*/,
    timeout: /*${4}*/5_000/*$*/,
  });
  if (!response.ok) throw new Error(`rates service answered HTTP ${response.status}`);
  // @end
  return (await response.json()) as Record<string, number>;
}

/**
 * A server's Retry-After is never shortened: when it asks for longer than `maxDelay` or the deadline
 * allows, retry() gives up at once with RetryAfterExceededError. Reschedule the work for then instead.
 */
export async function syncCustomerOrDefer(
  crm: CrmClient,
  customerId: string,
  defer: (customerId: string, delayMs: number) => Promise<void>,
): Promise<Customer | 'deferred'> {
  try {
    return await retry(({ signal }) => crm.getCustomer(customerId, { signal }), { attempts: 5, maxDelay: 5_000, deadline: 30_000 });
  } catch (error) {
    if (!(error instanceof RetryAfterExceededError)) throw error;
    await defer(customerId, error.retryAfter);
    return 'deferred';
  }
}
