import type { ContentCipher, KeyAgreement, KeyTransport } from '@sealpost/core';
import type { Abilities, Need } from './abilities.js';
import { type Operation, ciphersOf } from './operations.js';

/** What a producer is asked to make for an operation. */
export interface Plan {
  /** For encrypting operations: the content cipher asked for. */
  readonly cipher?: ContentCipher;
  readonly keyTransport?: KeyTransport;
  readonly keyAgreement?: KeyAgreement;
}

/**
 * The strongest cipher of the operation's preferred families that both sides have (when the consumer is
 * known), else the producer's strongest. A producer with none of them is still asked for the first
 * choice, so that its refusal can be observed.
 */
export function planFor(operation: Operation, produces: Abilities, consumes?: Abilities): Plan {
  if (operation.keyTransport === null && operation.keyAgreement === undefined) return {};
  const candidates = operation.cipherFamilies.flatMap((family) => ciphersOf(family));
  const cipher =
    candidates.find((c) => produces.ciphers.includes(c) && (consumes === undefined || consumes.ciphers.includes(c))) ?? candidates.find((c) => produces.ciphers.includes(c)) ?? candidates[0];
  if (cipher === undefined) throw new RangeError(`operation ${operation.id} names no cipher family`);
  if (operation.keyAgreement !== undefined) return { cipher, keyAgreement: operation.keyAgreement };
  return { cipher, ...(operation.keyTransport === null ? {} : { keyTransport: operation.keyTransport }) };
}

export function needOfPlan(operation: Operation, plan: Plan): Need {
  return {
    signature: operation.verifies,
    ...(plan.cipher === undefined ? {} : { cipher: plan.cipher }),
    ...(plan.keyTransport === undefined ? {} : { keyTransport: plan.keyTransport }),
    ...(plan.keyAgreement === undefined ? {} : { keyAgreement: plan.keyAgreement }),
  };
}
