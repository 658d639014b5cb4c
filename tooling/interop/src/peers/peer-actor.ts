import { bytesEqual } from '@sealpost/core';
import type { Actor, Verdict } from '../actor.js';
import type { Operation } from '../operations.js';
import { type Parties, recipientOf } from '../parties.js';
import type { Plan } from '../plan.js';
import { multipartSigned, pkcs7Mime, pkcs7MimeBody, signatureParts, withEntity } from '../smime-parts.js';
import type { EncryptPlan, PeerDriver } from './driver.js';

/**
 * A peer program as a matrix actor. As producer its CMS is wrapped into the message exactly as a mail
 * client would (multipart/signed around the exact entity, or application/pkcs7-mime); as consumer it gets
 * the CMS (and the detached content) taken out of the message.
 */
export function peerActor(id: string, label: string, driver: PeerDriver, parties: Parties): Actor {
  return {
    id,
    label,
    kind: 'peer',
    version: driver.version,
    produces: driver.produces,
    consumes: driver.consumes,
    typedRefusals: false,
    produce: (operation, plan, signal) => produce(driver, parties, operation, plan, signal),
    consume: (operation, message, signal) => consume(driver, parties, operation, message, signal),
    dispose: () => driver.dispose(),
  };
}

async function produce(driver: PeerDriver, parties: Parties, operation: Operation, plan: Plan, signal?: AbortSignal): Promise<Uint8Array> {
  const { entity, message } = parties;
  switch (operation.id) {
    case 'sign-detached':
      return withEntity(message, multipartSigned(entity, await driver.sign(entity, true, signal)));
    case 'sign-opaque':
      return withEntity(message, pkcs7Mime(await driver.sign(entity, false, signal)));
    case 'sign-encrypt': {
      const signed = multipartSigned(entity, await driver.sign(entity, true, signal));
      return withEntity(message, pkcs7Mime(await driver.encrypt(signed, encryptPlan(plan, parties, operation), signal)));
    }
    default:
      return withEntity(message, pkcs7Mime(await driver.encrypt(entity, encryptPlan(plan, parties, operation), signal)));
  }
}

function encryptPlan(plan: Plan, parties: Parties, operation: Operation): EncryptPlan {
  if (plan.cipher === undefined || (plan.keyTransport === undefined && plan.keyAgreement === undefined))
    throw new TypeError('an encrypting operation needs a cipher and a key transport or key agreement');
  const recipient = recipientOf(parties, operation);
  if (plan.keyAgreement !== undefined) return { cipher: plan.cipher, keyAgreement: plan.keyAgreement, recipient };
  return { cipher: plan.cipher, ...(plan.keyTransport === undefined ? {} : { keyTransport: plan.keyTransport }), recipient };
}

async function consume(driver: PeerDriver, parties: Parties, operation: Operation, message: Uint8Array, signal?: AbortSignal): Promise<Verdict> {
  try {
    if (operation.id === 'sign-encrypt') {
      const decrypted = await driver.decrypt(pkcs7MimeBody(message), recipientOf(parties, operation), signal);
      if (!decrypted.ok || decrypted.content === undefined) return { ok: false, detail: `decrypt: ${decrypted.detail}` };
      return await verifySigned(driver, parties, decrypted.content, signal);
    }
    if (operation.verifies) return await verifySigned(driver, parties, message, signal);
    const decrypted = await driver.decrypt(pkcs7MimeBody(message), recipientOf(parties, operation), signal);
    if (!decrypted.ok || decrypted.content === undefined) return { ok: false, detail: `decrypt: ${decrypted.detail}` };
    if (!bytesEqual(decrypted.content, parties.entity)) return { ok: false, detail: 'decrypt: ok, but the content differs from the encrypted entity' };
    return { ok: true, detail: `decrypt: ${decrypted.detail}, content exact` };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

async function verifySigned(driver: PeerDriver, parties: Parties, signed: Uint8Array, signal?: AbortSignal): Promise<Verdict> {
  const { cms, content } = signatureParts(signed);
  const verdict = await driver.verify(cms, content, signal);
  if (!verdict.ok) return { ok: false, detail: `verify: ${verdict.detail}` };
  const recovered = content ?? verdict.content;
  if (recovered === undefined || !bytesEqual(recovered, parties.entity)) return { ok: false, detail: 'verify: ok, but the signed content differs from the entity' };
  return { ok: true, detail: `verify: ${verdict.detail}, content exact` };
}
