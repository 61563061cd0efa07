// Retry overhead when the first attempt succeeds: the cost every call pays for being retryable.
// Every contender is configured alike: 3 attempts in total, exponential backoff from 100 ms.
import { ExponentialBackoff, handleAll, retry as cockatielRetry } from 'cockatiel';
import { backOff } from 'exponential-backoff';
import CircuitBreaker from 'opossum';
import pRetry from 'p-retry';
import { retry } from '../runtime/src/retry.js';
import { compare } from './harness.js';
import type { Section, TargetCheck } from './results.js';

const CALLS_PER_SAMPLE = 100;
const work = () => Promise.resolve(42);

function sequentially(call: () => Promise<unknown>) {
  return async () => {
    for (let i = 0; i < CALLS_PER_SAMPLE; i++) await call();
  };
}

export async function benchRetry(): Promise<Section> {
  const policy = cockatielRetry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff({ initialDelay: 100 }) });
  const caller = new AbortController();
  // opossum has no retry: its closed breaker is the resilience wrapper teams put where cockatiel's policy
  // goes. Its per-call timeout is off (the others set none), so this is the breaker's bookkeeping alone.
  const breaker = new CircuitBreaker(work, { timeout: false });

  const plain = await compare({
    id: 'retry',
    title: 'Retry, first attempt succeeds',
    operation: 'one call of an already-resolved async function through the retry wrapper (3 attempts, exponential backoff from 100 ms)',
    opsPerCall: CALLS_PER_SAMPLE,
    target: { peer: 'cockatiel', maxRatio: 0.5 },
    contenders: [
      { name: 'bulwark retry()', library: 'bulwark', run: sequentially(() => retry(work, { attempts: 3, baseDelay: 100 })) },
      { name: 'cockatiel retry policy .execute()', library: 'cockatiel', run: sequentially(() => policy.execute(work)) },
      { name: 'p-retry', library: 'p-retry', run: sequentially(() => pRetry(work, { retries: 2, minTimeout: 100 })) },
      { name: 'exponential-backoff backOff()', library: 'exponential-backoff', run: sequentially(() => backOff(work, { numOfAttempts: 3, startingDelay: 100 })) },
      { name: 'opossum CircuitBreaker.fire() (closed breaker, no retry)', library: 'opossum', run: sequentially(() => breaker.fire()) },
    ],
    notes: [
      'cockatiel\'s policy is built once and reused, as its docs recommend; the others take options per call.',
      'opossum is a circuit breaker without retries: its row is the cost of the closed (breaker-free) path of `fire()`, built once with `timeout: false` — beside cockatiel, the other policy library teams wrap calls in.',
    ],
  });

  const withSignal = await compare({
    id: 'retry-signal',
    title: 'Retry with a caller AbortSignal, first attempt succeeds',
    operation: 'as above, passing an AbortSignal the wrapper must watch (exponential-backoff takes none)',
    opsPerCall: CALLS_PER_SAMPLE,
    contenders: [
      { name: 'bulwark retry({ signal })', library: 'bulwark', run: sequentially(() => retry(work, { attempts: 3, baseDelay: 100, signal: caller.signal })) },
      { name: 'cockatiel .execute(fn, signal)', library: 'cockatiel', run: sequentially(() => policy.execute(work, caller.signal)) },
      { name: 'p-retry { signal }', library: 'p-retry', run: sequentially(() => pRetry(work, { retries: 2, minTimeout: 100, signal: caller.signal })) },
    ],
  });

  // Same call, same library: the difference is what retry() builds when the caller gives no signal.
  const signalCost = plain.contenders[0]!.nsPerOp / withSignal.contenders[0]!.nsPerOp;
  const explained = {
    ...plain,
    notes: [
      ...plain.notes,
      `Bulwark's retry() takes ${signalCost.toFixed(2)} × the time without a caller signal as with one (next table): the attempt's signal is built only when an attempt reads it, so a call that never looks at it allocates no AbortController.`,
    ],
  };
  const ratio = plain.target!.ratio;
  const targets: TargetCheck[] = [{ target: 'first attempt succeeds ≤ 0.5 × cockatiel', measured: `${ratio.toFixed(2)} ×`, met: ratio <= 0.5 }];
  return { id: 'retry', title: 'Retry', comparisons: [explained, withSignal], facts: [], targets };
}
