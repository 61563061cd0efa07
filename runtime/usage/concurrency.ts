// Usage example for the concurrency pattern (snippet bw-map-concurrency): process many items with a
// bounded number in flight, results in input order, stopping at the first failure.
import { mapWithConcurrency } from '../src/concurrency.js';

export async function resizeAll(
  imageIds: Iterable<string>,
  resize: (id: string, signal: AbortSignal) => Promise<string>,
): Promise<string[]> {
  // @snippet bw-map-concurrency Map items with at most N calls in flight, in order, failing fast
  const results = await mapWithConcurrency(/*${1}*/imageIds/*$*/, /*${2}*/4/*$*/, (/*${3}*/id/*$*/, _index, signal) => /*${4}*/resize(id, signal)/*$*/, {
    signal: /*${5}*/AbortSignal.timeout(60_000)/*$*/,
  });
  // @end
  return results;
}
