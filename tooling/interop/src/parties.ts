import type { Identity } from '@sealpost/core';
import type { TestIdentity, TestPki } from '@sealpost/fixtures';
import { interopEntity, interopMessage } from './test-message.js';

/** Who takes part in every cell: alice signs and sends, bob receives, the test root is the only anchor. */
export interface Parties {
  readonly pki: TestPki;
  readonly sender: TestIdentity;
  readonly recipient: TestIdentity;
  /** The whole message before sealing, From alice To bob. */
  readonly message: Uint8Array;
  /** Its content entity: the bytes every consumer must recover exactly. */
  readonly entity: Uint8Array;
}

export function partiesOf(pki: TestPki): Parties {
  const sender = pki.identities.alice;
  const recipient = pki.identities.bob;
  const message = interopMessage(`Alice Example <${sender.email}>`, `Bob Example <${recipient.email}>`);
  return { pki, sender, recipient, message, entity: interopEntity(message) };
}

/** A fixture identity as core takes it. */
export function sealpostIdentity(identity: TestIdentity): Identity {
  return { certificate: identity.cert, privateKey: { type: 'pkcs8', der: identity.keyDer } };
}
