import type { Feature } from './abilities.js';
import type { ActorKind } from './actor.js';
import type { Facts } from './facts.js';
import type { Operation, OperationId } from './operations.js';
import type { Plan } from './plan.js';

/**
 * pass: the expected verdict with the exact content. fail: anything else where both sides claim support.
 * unsupported: a side declared it cannot, and trying it anyway failed. unexpected: a side declared it
 * cannot, yet it worked (the declaration is wrong).
 */
export type CellStatus = 'pass' | 'fail' | 'unsupported' | 'unexpected';

export interface ActorSummary {
  readonly id: string;
  readonly label: string;
  readonly kind: ActorKind;
  readonly version: string | null;
  /** Why the actor could not be set up (a missing program...); all its cells then fail. */
  readonly setupError: string | null;
}

/** One declared limit, and what trying it anyway showed. */
export interface Refusal {
  readonly actor: string;
  readonly role: 'producer' | 'consumer';
  readonly feature: Feature;
  readonly reason: string;
  /** The failure observed when tried anyway; null when there was nothing to try (the producer refused). */
  readonly observed: string | null;
}

export interface ProductionResult {
  readonly producer: string;
  readonly operation: OperationId;
  readonly plan: Plan;
  /** made: as asked. refused: declared unsupported and confirmed. failed / unexpected: see CellStatus. */
  readonly status: 'made' | 'refused' | 'failed' | 'unexpected';
  readonly detail: string;
  readonly facts: Facts | null;
  readonly refusals: readonly Refusal[];
}

export interface CellResult {
  readonly producer: string;
  readonly consumer: string;
  readonly operation: OperationId;
  readonly status: CellStatus;
  readonly detail: string;
  readonly refusals: readonly Refusal[];
  /** The content cipher and key transport actually used, for encrypting operations. */
  readonly cipher: string | null;
  readonly keyTransport: string | null;
}

/** A message every consumer must refuse: proof that a consumer's "pass" means something. */
export interface ControlResult {
  readonly control: string;
  readonly title: string;
  readonly consumer: string;
  readonly rejected: boolean;
  readonly detail: string;
}

export interface MatrixResult {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly actors: readonly ActorSummary[];
  readonly operations: readonly Operation[];
  readonly productions: readonly ProductionResult[];
  readonly cells: readonly CellResult[];
  readonly controls: readonly ControlResult[];
}
