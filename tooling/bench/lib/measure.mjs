// Timing one operation: warm-up runs, then a fixed number of sequential runs, each timed alone.
import { performance } from 'node:perf_hooks';

/**
 * Runs `run` `warmup` times untimed, then `iterations` times timed, one after another (never two at
 * once, so backends compare). `check` sees every result outside the timed region: a benchmark of an
 * operation that failed would measure the failure path.
 */
export async function measure(run, { iterations, warmup, check = () => {} }) {
  for (let i = 0; i < warmup; i++) check(await run());
  const samples = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    const result = await run();
    samples.push(performance.now() - start);
    check(result);
  }
  return summarize(samples);
}

/**
 * The same for several operations taking turns: warm-up and timed runs go round the list, one run each,
 * so that a slow spell of a shared machine falls on all of them alike. One summary per operation.
 */
export async function measureInTurn(operations, { iterations, warmup }) {
  for (let i = 0; i < warmup; i++) {
    for (const { run, check = () => {} } of operations) check(await run());
  }
  const samples = operations.map(() => []);
  for (let i = 0; i < iterations; i++) {
    for (const [index, { run, check = () => {} }] of operations.entries()) {
      const start = performance.now();
      const result = await run();
      samples[index].push(performance.now() - start);
      check(result);
    }
  }
  return samples.map(summarize);
}

/** Median, 90th and 95th percentile (nearest rank) in ms, and sequential throughput in operations per second. */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((sum, t) => sum + t, 0);
  return {
    count: sorted.length,
    median: medianOf(sorted),
    p90: nearestRank(sorted, 0.9),
    p95: nearestRank(sorted, 0.95),
    opsPerSecond: total > 0 ? (sorted.length * 1000) / total : 0,
  };
}

/** The median of values in any order. */
export function median(values) {
  return medianOf([...values].sort((a, b) => a - b));
}

function medianOf(sorted) {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function nearestRank(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Each variant's samples (ms per run of `count` items) as statistics and items per second at the median. */
export function ratesOf(samples, count) {
  return new Map(
    Object.entries(samples).map(([id, s]) => {
      const stats = summarize(s);
      return [id, { stats, perSecond: (count * 1000) / stats.median }];
    }),
  );
}
