import fc from 'fast-check';
import { fuzzCase } from './arbitraries.js';
import { berTargets } from './materialize.js';
import { type HeapSummary, watchHeap } from './heap.js';
import type { FuzzCase } from './mutation.js';
import { type Failure, OPERATIONS, type Operation, isFailure } from './outcome.js';
import { STRUCTURES } from './structures.js';
import { type CaseResult, type FuzzWorld, runCase } from './world.js';

export interface FuzzOptions {
  readonly cases: number;
  readonly seed: number;
  readonly operations?: readonly Operation[];
  /** Structure names; default all. */
  readonly structures?: readonly string[];
  /** Shrink at most this many failure classes (the most frequent first). Default 10. */
  readonly maxShrunk?: number;
  /** Time for shrinking one class. Default 30 s. */
  readonly shrinkTimeMs?: number;
  /** Allowed heap growth over the run, after garbage collection. Default 256 MiB. */
  readonly heapLimitMb?: number;
  readonly onProgress?: (done: number, total: number, classes: number) => void;
}

export interface FailureClass extends Failure {
  /** How many cases showed it. */
  count: number;
  /** The first case that showed it and its run index (fast-check path). */
  readonly first: { readonly run: number; readonly input: FuzzCase };
  shrunk?: ShrunkFailure;
}

export interface ShrunkFailure {
  readonly input: FuzzCase;
  /**
   * fast-check's counterexample path: with the seed, replays fast-check's minimal case through the
   * generator (the mutation list may be shorter still: mutations that do not matter are dropped after).
   */
  readonly path: string;
  readonly shrinks: number;
  readonly result: CaseResult;
  /** Per mutation, the BER element it hit (null for base64 and MIME mutations). */
  readonly targets: readonly (string | null)[];
}

export interface FuzzReport {
  readonly seed: number;
  readonly cases: number;
  /** Cases whose producer refused the mutated message, so no backend under test saw them. */
  readonly skipped: number;
  readonly operations: readonly Operation[];
  readonly structures: readonly string[];
  readonly classes: readonly FailureClass[];
  readonly heap: HeapSummary;
  readonly slowestCallMs: number;
  readonly durationMs: number;
}

export const DEFAULT_HEAP_LIMIT_MB = 256;

export async function runFuzz(world: FuzzWorld, options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const operations = options.operations ?? OPERATIONS;
  const structures = options.structures ?? STRUCTURES.map((s) => s.name);
  const arbitrary = fuzzCase(structures);
  const classes = new Map<string, FailureClass>();
  const heap = watchHeap(options.heapLimitMb ?? DEFAULT_HEAP_LIMIT_MB);
  let slowest = 0;
  let run = 0;
  let skipped = 0;

  // Pass 1: every case runs (the property never fails), so all classes are counted, not just the first.
  await fc.check(
    fc.asyncProperty(arbitrary, async (input) => {
      const index = run++;
      const result = await runCase(world, input, operations).catch((error: unknown) => crashed(error));
      if (result.skipped !== undefined) skipped++;
      for (const op of result.operations) for (const r of op.results) slowest = Math.max(slowest, r.ms);
      for (const f of result.failures) {
        const known = classes.get(f.signature);
        if (known === undefined) classes.set(f.signature, { ...f, count: 1, first: { run: index, input } });
        else known.count++;
      }
      if (run % 50 === 0) heap.sample();
      options.onProgress?.(run, options.cases, classes.size);
      return true;
    }),
    { seed: options.seed, numRuns: options.cases },
  );
  heap.sample();

  // Pass 2: shrink the most frequent classes, each from its first case, for the same class only.
  // Unstable classes are not shrunk: they do not repeat, so shrinking would chase noise.
  const ranked = [...classes.values()].sort((a, b) => Number(isFailure(b)) - Number(isFailure(a)) || b.count - a.count);
  for (const cls of ranked.filter(isFailure).slice(0, options.maxShrunk ?? 10)) {
    cls.shrunk = await shrink(world, arbitrary, cls, options.seed, operations, options.shrinkTimeMs ?? 30_000);
  }
  return {
    seed: options.seed,
    cases: run,
    skipped,
    operations,
    structures,
    classes: ranked,
    heap: heap.summary(),
    slowestCallMs: slowest,
    durationMs: performance.now() - started,
  };
}

/**
 * A case that could not even be run (the producer refused the mutated message, or a mutator threw):
 * a class of its own, so the run goes on and the report shows it instead of stopping fast-check.
 */
function crashed(error: unknown): CaseResult {
  const e = error as { name?: unknown; code?: unknown; message?: unknown } | null;
  const what = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : typeof error;
  const message = typeof e?.message === 'string' ? e.message.slice(0, 120) : String(error).slice(0, 120);
  return { message: new Uint8Array(0), producer: '', operations: [], failures: [{ kind: 'untyped', signature: `case could not run: ${what}: ${message}` }] };
}

async function shrink(world: FuzzWorld, arbitrary: fc.Arbitrary<FuzzCase>, cls: FailureClass, seed: number, operations: readonly Operation[], timeMs: number): Promise<ShrunkFailure> {
  let last: { input: FuzzCase; result: CaseResult } = {
    input: cls.first.input,
    result: await runCase(world, cls.first.input, operations).catch((error: unknown) => crashed(error)),
  };
  let inflight: Promise<unknown> = Promise.resolve();
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (input) => {
      const running = runCase(world, input, operations).catch((error: unknown) => crashed(error));
      inflight = running;
      const result = await running;
      const same = result.failures.some((f) => f.signature === cls.signature);
      if (same) last = { input, result };
      return !same;
    }),
    { seed, path: String(cls.first.run), numRuns: 1, plugins: [fc.interruptAfterTimeLimit(timeMs)] },
  );
  // An interrupted run goes on in the background: let it end before the next class runs beside it.
  await inflight;
  // fast-check does not always try dropping each element of a list: one more greedy pass does.
  for (let i = last.input.mutations.length - 1; i >= 0 && last.input.mutations.length > 1; i--) {
    const input = { ...last.input, mutations: last.input.mutations.filter((_, j) => j !== i) };
    const result = await runCase(world, input, operations).catch((error: unknown) => crashed(error));
    if (result.failures.some((f) => f.signature === cls.signature)) last = { input, result };
  }
  const path = details.counterexamplePath ?? String(cls.first.run);
  const seedMessage = (await world.seed(last.input.structure, last.input.producer)).message;
  return { input: last.input, path, shrinks: details.numShrinks, result: last.result, targets: berTargets(seedMessage, last.input.mutations) };
}
