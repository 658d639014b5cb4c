import { isSealpostError } from '@sealpost/core';
import { ensureTestPki, withTempDir } from '@sealpost/fixtures';
import { type Shortfall, shortfalls } from './abilities.js';
import type { Actor, ActorFactory, Verdict } from './actor.js';
import { BACKENDS, type BackendEntry } from './backends.js';
import { CONTROLS } from './controls.js';
import { type Facts, deliveryGap, describeFacts, factsOf, needOfFacts } from './facts.js';
import { privateDir } from './files.js';
import { createLimiter, type Limiter } from './limit.js';
import { OPERATIONS, type Operation, type OperationId, operationById } from './operations.js';
import { type Parties, partiesOf } from './parties.js';
import { PEER_FACTORIES, PEER_IDS, type PeerId } from './peers/peer-list.js';
import { type Plan, needOfPlan, planFor } from './plan.js';
import type { ActorSummary, CellResult, ControlResult, MatrixResult, ProductionResult, Refusal } from './results.js';
import { sealpostActorFactory } from './sealpost.js';

export interface MatrixOptions {
  /** Sealpost backends to include; default every backend in BACKENDS. */
  readonly backends?: readonly BackendEntry[];
  /** Peers to include; default all (openssl, nss, gpgsm). */
  readonly peers?: readonly PeerId[];
  /** Operations to run; default all. */
  readonly operations?: readonly OperationId[];
  /** Cells in flight at once; default 4 (most of the time is spent waiting for peer processes). */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

const DEFAULT_CONCURRENCY = 4;

interface Slot {
  readonly factory: ActorFactory;
  readonly actor: Actor | null;
  readonly setupError: string | null;
}

interface Production {
  readonly result: ProductionResult;
  readonly message: Uint8Array | null;
}

/**
 * Every producer x every consumer x every operation. A producer makes each operation's message once per
 * plan (the plan differs only where the cipher follows the consumer, as for RSA-OAEP), or is shown to
 * refuse it; every consumer then reads the message meant for it. Nothing is skipped: a declared limit is
 * tried anyway and must really fail.
 */
export async function runMatrix(options: MatrixOptions = {}): Promise<MatrixResult> {
  const started = Date.now();
  const parties = partiesOf(await ensureTestPki());
  const factories = [...(options.backends ?? BACKENDS).map(sealpostActorFactory), ...(options.peers ?? PEER_IDS).map((id) => PEER_FACTORIES[id])];
  const operations = options.operations === undefined ? OPERATIONS : options.operations.map(operationById);
  const limit = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY);
  const { signal } = options;
  return withTempDir('sealpost-interop-', async (dir) => {
    const slots = await Promise.all(factories.map((factory) => openSlot(factory, parties, dir, signal)));
    try {
      // One production per producer, operation and plan, shared by every consumer it suits. All are
      // queued before any consumption, so producers start first.
      const productions = new Map<string, Promise<Production>>();
      const productionFor = (slot: Slot, op: Operation, plan: Plan): Promise<Production> => {
        const key = [slot.factory.id, op.id, plan.cipher, plan.keyTransport].join(' ');
        let production = productions.get(key);
        if (production === undefined) {
          production = limit(() => produce(slot, op, plan, signal));
          productions.set(key, production);
        }
        return production;
      };
      const cells = operations.flatMap((op) =>
        slots.flatMap((producer) =>
          slots.map(async (consumer) => {
            const plan = producer.actor === null ? {} : planFor(op, producer.actor.produces, consumer.actor?.consumes);
            const production = await productionFor(producer, op, plan);
            return limit(() => consumeCell(production, consumer, op, signal));
          }),
        ),
      );
      const [cellResults, productionResults, controls] = await Promise.all([Promise.all(cells), Promise.all([...productions.values()]), runControls(slots, parties, limit, signal)]);
      return {
        startedAt: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        actors: slots.map(summaryOf),
        operations,
        productions: productionResults.map((p) => p.result),
        cells: cellResults,
        controls,
      };
    } finally {
      await Promise.all(slots.map((slot) => slot.actor?.dispose().catch(() => undefined)));
    }
  });
}

async function openSlot(factory: ActorFactory, parties: Parties, dir: string, signal: AbortSignal | undefined): Promise<Slot> {
  try {
    const actorDir = await privateDir(dir, factory.id);
    const actor = await factory.open({ parties, dir: actorDir, ...(signal === undefined ? {} : { signal }) });
    return { factory, actor, setupError: null };
  } catch (error) {
    return { factory, actor: null, setupError: messageOf(error) };
  }
}

function summaryOf(slot: Slot): ActorSummary {
  const { id, label, kind } = slot.factory;
  return { id, label, kind, version: slot.actor?.version ?? null, setupError: slot.setupError };
}

async function produce(slot: Slot, operation: Operation, plan: Plan, signal: AbortSignal | undefined): Promise<Production> {
  const base = { producer: slot.factory.id, operation: operation.id };
  const actor = slot.actor;
  if (actor === null) return { result: { ...base, plan, status: 'failed', detail: `setup failed: ${slot.setupError ?? ''}`, facts: null, refusals: [] }, message: null };
  const declared = shortfalls(actor.produces, needOfPlan(operation, plan));
  let message: Uint8Array | null = null;
  let error: unknown;
  try {
    message = await actor.produce(operation, plan, signal);
  } catch (thrown) {
    error = thrown;
  }
  const facts = message === null ? null : readFacts(message);
  const gap = message === null ? `threw ${messageOf(error)}` : facts === null ? 'made a message core cannot read' : deliveryGap(operation, plan, facts);
  const made = { ...base, plan, facts, refusals: [] };
  if (declared.length === 0) {
    if (gap === null) return { result: { ...made, status: 'made', detail: describeFacts(facts!) }, message };
    return { result: { ...made, status: 'failed', detail: gap }, message: null };
  }
  if (gap === null) return { result: { ...made, status: 'unexpected', detail: `declared unsupported (${reasons(declared)}) but made ${describeFacts(facts!)}` }, message };
  if (actor.typedRefusals && !isUnsupportedError(error))
    return { result: { ...made, status: 'failed', detail: `declared unsupported, but ${gap} instead of a typed ERR_UNSUPPORTED_* error` }, message: null };
  const refusals = declared.map((s) => refusalOf(actor.id, 'producer', s, gap));
  return { result: { ...made, status: 'refused', detail: gap, refusals }, message: null };
}

async function consumeCell(production: Production, slot: Slot, operation: Operation, signal: AbortSignal | undefined): Promise<CellResult> {
  const { result: made, message } = production;
  const base = {
    producer: made.producer,
    consumer: slot.factory.id,
    operation: operation.id,
    cipher: made.facts?.cipher ?? null,
    keyTransport: made.facts?.keyTransport ?? made.facts?.keyAgreement ?? null,
  };
  if (made.status === 'failed') return { ...base, status: 'fail', detail: `producer failed: ${made.detail}`, refusals: [] };
  const actor = slot.actor;
  if (made.status === 'refused' || message === null) {
    // Nothing to consume; the consumer's own declared limits are listed for the record.
    const own = actor === null ? [] : shortfalls(actor.consumes, needOfPlan(operation, made.plan)).map((s) => refusalOf(actor.id, 'consumer', s, null));
    return { ...base, status: 'unsupported', detail: made.detail, refusals: [...made.refusals, ...own] };
  }
  if (actor === null) return { ...base, status: 'fail', detail: `setup failed: ${slot.setupError ?? ''}`, refusals: [] };
  const declared = shortfalls(actor.consumes, needOfFacts(operation, made.facts!));
  const verdict = await consumeSafely(actor, operation, message, signal);
  const unexpectedProducer = made.status === 'unexpected' ? `${made.producer} ${made.detail}; ` : '';
  if (declared.length === 0) {
    if (!verdict.ok) return { ...base, status: 'fail', detail: verdict.detail, refusals: [] };
    return { ...base, status: unexpectedProducer === '' ? 'pass' : 'unexpected', detail: `${unexpectedProducer}${verdict.detail}`, refusals: [] };
  }
  if (verdict.ok) return { ...base, status: 'unexpected', detail: `${unexpectedProducer}declared unsupported (${reasons(declared)}) but: ${verdict.detail}`, refusals: [] };
  if (actor.typedRefusals && !(verdict.codes ?? []).some((c) => c.startsWith('ERR_UNSUPPORTED_')))
    return { ...base, status: 'fail', detail: `declared unsupported, but refused without a typed ERR_UNSUPPORTED_* error: ${verdict.detail}`, refusals: [] };
  return { ...base, status: 'unsupported', detail: verdict.detail, refusals: declared.map((s) => refusalOf(actor.id, 'consumer', s, verdict.detail)) };
}

async function runControls(slots: readonly Slot[], parties: Parties, limit: Limiter, signal: AbortSignal | undefined): Promise<ControlResult[]> {
  const consumers = slots.filter((slot) => slot.actor !== null);
  const results = CONTROLS.map(async (control) => {
    const message = await control.make(parties);
    return Promise.all(
      consumers.map((slot) =>
        limit(async () => {
          const verdict = await consumeSafely(slot.actor!, control.operation, message, signal);
          return { control: control.id, title: control.title, consumer: slot.factory.id, rejected: !verdict.ok, detail: verdict.detail };
        }),
      ),
    );
  });
  return (await Promise.all(results)).flat();
}

async function consumeSafely(actor: Actor, operation: Operation, message: Uint8Array, signal: AbortSignal | undefined): Promise<Verdict> {
  try {
    return await actor.consume(operation, message, signal);
  } catch (error) {
    return { ok: false, detail: `threw ${messageOf(error)}` };
  }
}

function readFacts(message: Uint8Array): Facts | null {
  try {
    return factsOf(message);
  } catch {
    return null;
  }
}

function refusalOf(actor: string, role: Refusal['role'], shortfall: Shortfall, observed: string | null): Refusal {
  return { actor, role, feature: shortfall.feature, reason: shortfall.reason, observed };
}

function reasons(declared: readonly Shortfall[]): string {
  return declared.map((s) => s.reason).join('; ');
}

function isUnsupportedError(error: unknown): boolean {
  return isSealpostError(error) && error.code.startsWith('ERR_UNSUPPORTED_');
}

function messageOf(error: unknown): string {
  if (isSealpostError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
