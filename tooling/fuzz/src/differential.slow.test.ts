import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HEAP_LIMIT_MB, type FuzzReport, runFuzz } from './fuzz.js';
import { type HeapWatch, watchHeap } from './heap.js';
import { describeMutation } from './mutation.js';
import { isFailure } from './outcome.js';
import { STRUCTURES } from './structures.js';
import { type FuzzWorld, createFuzzWorld } from './world.js';

/**
 * The promise of pluggable backends, checked on every structure: mutated messages through verify,
 * decrypt and open on pkijs, forge and openssl give the same status and error codes, only typed
 * errors, within the time bound. Fixed seeds, so CI runs the same cases every time; `pnpm fuzz`
 * runs more. Budget: 52 structures x 20 cases x 9 calls (15 on the four 3DES and RC2 structures,
 * which also run decrypt and open under the legacy policy), about the time 41 structures x 24 cases
 * took (16 to 20 s on a 2-core machine beside other test runs; the eleven Ed25519, X25519, ML-KEM and
 * ML-DSA structures cost a fifth of the other 41 together), 45 s allowed for (sign-then-encrypt-inner,
 * which encrypts every case, is the slowest structure).
 */
const CASES_PER_STRUCTURE = 20;
const BASE_SEED = 20_260_401;

let world: FuzzWorld;
let heap: HeapWatch;

beforeAll(async () => {
  world = await createFuzzWorld();
  heap = watchHeap(DEFAULT_HEAP_LIMIT_MB);
});

function explain(report: FuzzReport): string[] {
  return report.classes.filter(isFailure).map((c) => {
    const input = c.shrunk?.input ?? c.first.input;
    const mutations = input.mutations.map((m, j) => describeMutation(m, c.shrunk?.targets[j]));
    return `${c.kind} ${c.signature} <- ${input.structure}: ${mutations.join('; ')}`;
  });
}

describe('differential fuzzing: every backend agrees on mutated messages', () => {
  STRUCTURES.forEach((structure, i) => {
    it(`${structure.name} (seed ${BASE_SEED + i})`, async () => {
      const report = await runFuzz(world, {
        cases: CASES_PER_STRUCTURE,
        seed: BASE_SEED + i,
        structures: [structure.name],
        maxShrunk: 1,
        shrinkTimeMs: 5_000,
      });
      expect(report.cases).toBe(CASES_PER_STRUCTURE);
      expect(explain(report)).toEqual([]);
      expect(report.heap.exceeded).toBe(false);
    });
  });

  it(`heap growth over all structures stays under ${DEFAULT_HEAP_LIMIT_MB} MiB after GC`, () => {
    heap.sample();
    expect(heap.summary().exceeded).toBe(false);
  });
});
