import type { Identity } from '@sealpost/core';
import type { TestIdentity, TestPki } from '@sealpost/fixtures';
import type { Operation } from './operations.js';
import { interopEntity, interopMessage } from './test-message.js';

/** Who takes part in every cell: alice signs and sends, bob receives, the test root is the only anchor. */
export interface Parties {
  readonly pki: TestPki;
  readonly sender: TestIdentity;
  readonly recipient: TestIdentity;
  /** The recipient of the key-agreement operations: carol, EC P-256. */
  readonly ecRecipient: TestIdentity;
  /** The whole message before sealing, From alice To bob. */
  readonly message: Uint8Array;
  /** Its content entity: the bytes every consumer must recover exactly. */
  readonly entity: Uint8Array;
}

export function partiesOf(pki: TestPki): Parties {
  const sender = pki.identities.alice;
  const recipient = pki.identities.bob;
  const message = interopMessage(`Alice Example <${sender.email}>`, `Bob Example <${recipient.email}>`);
  return { pki, sender, recipient, ecRecipient: pki.identities.carol, message, entity: interopEntity(message) };
}

/** Who an operation encrypts to: carol for key agreement, bob otherwise. */
export function recipientOf(parties: Parties, operation: Operation): TestIdentity {
  return operation.keyAgreement === undefined ? parties.recipient : parties.ecRecipient;
}

/** A fixture identity as core takes it. */
export function sealpostIdentity(identity: TestIdentity): Identity {
  return { certificate: identity.cert, privateKey: { type: 'pkcs8', der: identity.keyDer } };
}
