// Runs one comparison: Bulwark and its peers side by side in one process, in interleaved rounds.
// A shared 2-core machine drifts by tens of percent over a minute, so every round measures every
// contender back to back (order rotated per round) and the report uses the median of per-round ratios:
// drift that hits a round hits all contenders of that round alike.
import { Bench } from 'tinybench';

export interface Contender {
  /** Row label, e.g. `bulwark retry()`. */
  readonly name: string;
  /** `bulwark`, or the peer's npm package name (its version goes in the report). */
  readonly library: string;
  /** Performs `opsPerCall` operations of the comparison. */
  readonly run: () => unknown;
}

export interface ComparisonSpec {
  /** File-name-safe id: `retry`, `token-bucket-hot`... */
  readonly id: string;
  readonly title: string;
  /** What one operation is, in a sentence of the report. */
  readonly operation: string;
  readonly contenders: readonly Contender[];
  /** Operations per `run()` call: batching keeps the timer's own cost (~30-100 ns) out of fast operations. Default 1. */
  readonly opsPerCall?: number;
  /** Interleaved rounds; the report takes medians over them. Default 5. */
  readonly rounds?: number;
  /** Measuring time per contender per round, ms. Default 400. */
  readonly timeMs?: number;
  /** Warm-up per contender per round, ms (JIT tiers settle before samples count). Default 150. */
  readonly warmupMs?: number;
  /** The issue's target: Bulwark's time ÷ `peer`'s time must be at most `maxRatio`. */
  readonly target?: { readonly peer: string; readonly maxRatio: number };
  readonly notes?: readonly string[];
}

export interface ContenderResult {
  readonly name: string;
  readonly library: string;
  /** Median over rounds of each round's median time per operation. */
  readonly nsPerOp: number;
  readonly opsPerSecond: number;
  readonly perRoundNsPerOp: readonly number[];
  /** tinybench samples (calls of `run`) over all rounds. */
  readonly samples: number;
}

export interface RatioResult {
  readonly peer: string;
  /** Median over rounds of (Bulwark time ÷ peer time) within the round. */
  readonly ratio: number;
  readonly lowest: number;
  readonly highest: number;
}

export interface ComparisonResult {
  readonly kind: 'comparison';
  readonly id: string;
  readonly title: string;
  readonly operation: string;
  readonly opsPerCall: number;
  readonly rounds: number;
  readonly contenders: readonly ContenderResult[];
  /** Bulwark (the first contender) against each peer. */
  readonly ratios: readonly RatioResult[];
  readonly target?: { readonly peer: string; readonly maxRatio: number; readonly ratio: number; readonly met: boolean };
  readonly notes: readonly string[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs the comparison; the first contender is Bulwark's, every ratio is against it. */
export async function compare(spec: ComparisonSpec): Promise<ComparisonResult> {
  const { contenders, opsPerCall = 1, rounds = 5, timeMs = 400, warmupMs = 150 } = spec;
  if (contenders.length < 2) throw new RangeError(`${spec.id}: a comparison needs Bulwark and at least one peer`);
  if (!(Number.isInteger(opsPerCall) && opsPerCall >= 1)) throw new RangeError(`${spec.id}: opsPerCall must be an integer >= 1`);
  if (spec.target && !contenders.some((c) => c.library === spec.target?.peer)) {
    throw new RangeError(`${spec.id}: target peer ${spec.target.peer} is not among the contenders`);
  }
  const perRound = contenders.map(() => [] as number[]);
  const samples = contenders.map(() => 0);

  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time: timeMs, warmupTime: warmupMs, iterations: 16, throws: true });
    // Rotating the start removes any advantage of going first (fresh heap) or last (warm CPU).
    const order = contenders.map((_, i) => (i + round) % contenders.length);
    for (const index of order) bench.add(String(index), contenders[index]!.run);
    globalThis.gc?.();
    await bench.run();
    for (const task of bench.tasks) {
      const index = Number(task.name);
      const result = task.result;
      if (result.state !== 'completed') throw new Error(`${spec.id}: ${contenders[index]!.name} ended ${result.state}`);
      perRound[index]!.push((result.latency.p50 * 1e6) / opsPerCall);
      samples[index]! += result.latency.samplesCount;
    }
    process.stderr.write(`  ${spec.id}: round ${round + 1}/${rounds}\n`);
  }

  const results: ContenderResult[] = contenders.map((contender, i) => {
    const nsPerOp = median(perRound[i]!);
    return { name: contender.name, library: contender.library, nsPerOp, opsPerSecond: 1e9 / nsPerOp, perRoundNsPerOp: perRound[i]!, samples: samples[i]! };
  });
  const ratios = results.slice(1).map((peer, j): RatioResult => {
    const perRoundRatios = perRound[0]!.map((bulwarkNs, round) => bulwarkNs / perRound[j + 1]![round]!);
    return { peer: peer.name, ratio: median(perRoundRatios), lowest: Math.min(...perRoundRatios), highest: Math.max(...perRoundRatios) };
  });
  let target: ComparisonResult['target'];
  if (spec.target) {
    const peerName = results.find((r) => r.library === spec.target!.peer)!.name;
    const ratio = ratios.find((r) => r.peer === peerName)!.ratio;
    target = { ...spec.target, ratio, met: ratio <= spec.target.maxRatio };
  }
  return {
    kind: 'comparison',
    id: spec.id,
    title: spec.title,
    operation: spec.operation,
    opsPerCall,
    rounds,
    contenders: results,
    ratios,
    ...(target ? { target } : {}),
    notes: spec.notes ?? [],
  };
}

/** Runs `count` calls of `operation` with at most `inFlight` pending at once; rejects on the first failure. */
export async function runConcurrently(count: number, inFlight: number, operation: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await operation(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
}
