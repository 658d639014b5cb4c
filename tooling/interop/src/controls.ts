import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { createSealpost, latin1Encode } from '@sealpost/core';
import { type Operation, operationById } from './operations.js';
import { type Parties, sealpostIdentity } from './parties.js';
import { interopMessage } from './test-message.js';

/** A message every consumer must refuse, made once by the reference backend (PKI.js). */
export interface Control {
  readonly id: string;
  readonly title: string;
  /** How consumers read it. */
  readonly operation: Operation;
  make(parties: Parties): Promise<Uint8Array>;
}

export const CONTROLS: readonly Control[] = [
  {
    id: 'tampered-content',
    title: 'detached signature over content changed after signing',
    operation: operationById('sign-detached'),
    async make(parties) {
      const signed = await reference().sign(parties.message, { signer: sealpostIdentity(parties.sender), detached: true });
      return withOneByteChanged(signed, 'Hello Bob');
    },
  },
  {
    id: 'untrusted-signer',
    title: 'valid signature by a certificate from a root nobody trusts (mallory)',
    operation: operationById('sign-detached'),
    async make(parties) {
      const mallory = parties.pki.identities.mallory;
      const message = interopMessage(`Mallory Example <${mallory.email}>`, `Bob Example <${parties.recipient.email}>`);
      return reference().sign(message, { signer: sealpostIdentity(mallory), detached: true });
    },
  },
  {
    id: 'other-recipient',
    title: "AES-256-CBC message encrypted for alice only (consumers hold bob's key)",
    operation: operationById('encrypt-cbc'),
    make: (parties) => reference().encrypt(parties.message, { recipients: [parties.sender.cert], cipher: 'aes-256-cbc', keyTransport: 'rsa-pkcs1' }),
  },
];

function reference() {
  return createSealpost({ backend: createPkijsBackend() });
}

/** MESSAGE with the first byte of the first occurrence of TEXT replaced. */
function withOneByteChanged(message: Uint8Array, text: string): Uint8Array {
  const needle = latin1Encode(text);
  const at = message.findIndex((_, i) => needle.every((b, j) => message[i + j] === b));
  if (at === -1) throw new Error(`control message lacks ${JSON.stringify(text)}`);
  const changed = message.slice();
  changed[at] = (changed[at] ?? 0) ^ 0x02;
  return changed;
}
