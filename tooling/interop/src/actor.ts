import type { Abilities } from './abilities.js';
import type { Operation } from './operations.js';
import type { Parties } from './parties.js';
import type { Plan } from './plan.js';

export type ActorKind = 'sealpost' | 'peer';

/** How a consumer judged one message. */
export interface Verdict {
  /** True only for the expected verdict with exactly the expected content bytes. */
  readonly ok: boolean;
  /** One line: the status or error that decided it. */
  readonly detail: string;
  /** Sealpost error codes seen (a refusal must carry an ERR_UNSUPPORTED_* code). */
  readonly codes?: readonly string[];
}

/** One producer and consumer of S/MIME messages: a Sealpost backend or a peer program. */
export interface Actor {
  readonly id: string;
  readonly label: string;
  readonly kind: ActorKind;
  /** For the report: a peer's version ("OpenSSL 3.0.19 ..."), a backend's declared capabilities. */
  readonly version: string;
  readonly produces: Abilities;
  readonly consumes: Abilities;
  /**
   * True when refusing something unsupported must be a typed ERR_UNSUPPORTED_* error (Sealpost backends);
   * a peer only has to fail.
   */
  readonly typedRefusals: boolean;
  /** A whole message (outer headers kept) for OPERATION; rejects when the actor cannot make it. */
  produce(operation: Operation, plan: Plan, signal?: AbortSignal): Promise<Uint8Array>;
  consume(operation: Operation, message: Uint8Array, signal?: AbortSignal): Promise<Verdict>;
  /** Stops background processes and forgets state; the matrix removes the folder afterwards. */
  dispose(): Promise<void>;
}

export interface ActorContext {
  readonly parties: Parties;
  /** A private folder for this actor's databases and homes, removed after the run. */
  readonly dir: string;
  readonly signal?: AbortSignal;
}

export interface ActorFactory {
  readonly id: string;
  readonly label: string;
  readonly kind: ActorKind;
  open(context: ActorContext): Promise<Actor>;
}
