import { type Sealpost, createSealpost, isSealpostError } from '@sealpost/core';
import { IDENTITY_NAMES, type TestPki, ensureTestPki } from '@sealpost/fixtures';
import { BACKEND_FACTORIES, type BackendUnderTest, createBackendsUnderTest } from './backends.js';
import { type ExtraIdentities, loadExtraIdentities } from './identities.js';
import { materialize } from './materialize.js';
import type { FuzzCase } from './mutation.js';
import { type CallSettings, type Failure, LEGACY_OPERATIONS, type Operation, type OperationResult, failuresOf, runOperations } from './outcome.js';
import { PRODUCERS, type ProducerName, type RecipientName, type Seed, identityOf, structureNamed } from './structures.js';

/** Everything a run needs once: the test PKI, the backends under test, producers, and the seed messages. */
export interface FuzzWorld {
  readonly pki: TestPki;
  readonly extra: ExtraIdentities;
  readonly backends: readonly BackendUnderTest[];
  /** For bob, who decrypts unless a structure names another recipient. */
  readonly settings: CallSettings;
  /** The same settings with `recipient` decrypting (decrypt's identity, open's identities). */
  settingsFor(recipient: RecipientName): CallSettings;
  seed(structure: string, producer: number): Promise<Seed & { readonly producer: string }>;
}

export interface CaseResult {
  /** The bytes every backend was given. */
  readonly message: Uint8Array;
  readonly producer: string;
  readonly operations: readonly OperationResult[];
  readonly failures: readonly Failure[];
  /** Why the case did not reach the backends under test, if it did not. */
  readonly skipped?: string;
}

export const DEFAULT_CALL_TIMEOUT_MS = 10_000;

export async function createFuzzWorld(options: { readonly timeoutMs?: number } = {}): Promise<FuzzWorld> {
  const pki = await ensureTestPki();
  const extra = await loadExtraIdentities();
  const backends = await createBackendsUnderTest();
  const producers = Object.fromEntries(
    await Promise.all(
      PRODUCERS.map(async (name) => {
        const factory = BACKEND_FACTORIES.find((f) => f.name === name)!;
        return [name, createSealpost({ backend: await factory.create() })] as const;
      }),
    ),
  ) as Record<ProducerName, Sealpost>;
  const seeds = new Map<string, Promise<Seed & { producer: string }>>();
  // The LAMPS Ed25519 CA and the ML-DSA test CA are trusted beside the test root: each is only the
  // root of its own structures' signers, so the verdicts on the others are the same with or without them.
  const trustAnchors = [pki.ca.cert, ...extra.anchors];
  const settingsFor = (recipient: RecipientName): CallSettings => ({
    identity: isTestPkiName(recipient) ? identityOf(pki, recipient) : { certificate: extra.identities[recipient].certificate, privateKey: extra.identities[recipient].privateKey },
    trustAnchors,
    timeoutMs: options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
  });
  return {
    pki,
    extra,
    backends,
    settings: settingsFor('bob'),
    settingsFor,
    seed(structure, producerIndex) {
      const s = structureNamed(structure);
      const producer = s.producers[producerIndex % s.producers.length]!;
      const key = `${structure}/${producer}`;
      let pending = seeds.get(key);
      if (pending === undefined) {
        const sealpost = isProducerName(producer) ? producers[producer] : null;
        pending = s.build({ pki, producers, extra }, sealpost, producer).then((seed) => ({ ...seed, producer }));
        seeds.set(key, pending);
      }
      return pending;
    },
  };
}

function isTestPkiName(name: RecipientName): name is (typeof IDENTITY_NAMES)[number] {
  return (IDENTITY_NAMES as readonly string[]).includes(name);
}

function isProducerName(name: string): name is ProducerName {
  return (PRODUCERS as readonly string[]).includes(name);
}

/**
 * Runs one case: the structure's recipient decrypts, and decrypt-legacy and open-legacy run only on
 * structures that carry a legacy cipher (elsewhere they would repeat decrypt and open).
 */
export async function runCase(world: FuzzWorld, c: FuzzCase, requested: readonly Operation[]): Promise<CaseResult> {
  const structure = structureNamed(c.structure);
  const operations = structure.legacy === true ? requested : requested.filter((op) => !LEGACY_OPERATIONS.includes(op));
  const settings = world.settingsFor(structure.recipient ?? 'bob');
  const seed = await world.seed(c.structure, c.producer);
  const mutated = materialize(seed.message, c.mutations);
  let message = mutated;
  if (seed.finish !== undefined) {
    try {
      message = await seed.finish(mutated);
    } catch (error) {
      // The producer refused the mutated message with a typed error (say, MIME it cannot parse):
      // nothing reached the backends under test, so there is nothing to compare.
      if (!isSealpostError(error)) throw error;
      return { message: mutated, producer: seed.producer, operations: [], failures: [], skipped: `the producer refused it: ${error.code}` };
    }
  }
  return { ...(await runMessage(world, message, operations, settings)), producer: seed.producer };
}

/** Runs one message; a disagreement counts only if a second run of the same bytes repeats it. */
export async function runMessage(world: FuzzWorld, message: Uint8Array, operations: readonly Operation[], settings: CallSettings = world.settings): Promise<CaseResult> {
  const first = await runOnce(world, message, operations, settings);
  if (!first.failures.some((f) => f.kind === 'disagreement')) return first;
  const repeated = new Set((await runOnce(world, message, operations, settings)).failures.map((f) => f.signature));
  return {
    ...first,
    failures: first.failures.map((f) => (f.kind !== 'disagreement' || repeated.has(f.signature) ? f : { kind: 'unstable', signature: f.signature })),
  };
}

async function runOnce(world: FuzzWorld, message: Uint8Array, operations: readonly Operation[], settings: CallSettings): Promise<CaseResult> {
  const results = await runOperations(world.backends, message, operations, settings);
  return { message, producer: '', operations: results, failures: results.flatMap((r) => failuresOf(r, settings.timeoutMs)) };
}
