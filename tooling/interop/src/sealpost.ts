import {
  type BackendCapabilities,
  type CryptoBackend,
  type DecryptReport,
  type OpenReport,
  type ReportError,
  type Sealpost,
  type VerifyReport,
  type ContentCipher,
  bytesEqual,
  createSealpost,
  isSealpostError,
  splitMessage,
} from '@sealpost/core';
import { isLegacyCipher } from '@sealpost/core/backend-kit';
import type { Abilities } from './abilities.js';
import type { Actor, ActorContext, ActorFactory, Verdict } from './actor.js';
import type { BackendEntry } from './backends.js';
import { familyOf, type Operation } from './operations.js';
import { type Parties, recipientOf, sealpostIdentity } from './parties.js';
import type { Plan } from './plan.js';

/** A Sealpost backend as producer and consumer: core's createSealpost on whole messages. */
export function sealpostActorFactory(entry: BackendEntry): ActorFactory {
  const id = `sealpost-${entry.name}`;
  const label = `Sealpost ${entry.name}`;
  return {
    id,
    label,
    kind: 'sealpost',
    async open(context: ActorContext): Promise<Actor> {
      const backend = await entry.create();
      const sealpost = createSealpost({ backend });
      const abilities = abilitiesOf(backend);
      return {
        id,
        label,
        kind: 'sealpost',
        version: `this workspace; ciphers ${backend.capabilities.contentCiphers.join(', ')}; key transport ${backend.capabilities.keyTransport.join(', ')}; key agreement ${backend.capabilities.keyAgreement.join(', ') || 'none'}`,
        // 3DES and RC2 are claimed for reading ('rc2-cbc' for every key size), never written.
        produces: { ...abilities, ciphers: abilities.ciphers.filter((c) => !isLegacyCipher(c)) },
        consumes: { ...abilities, ciphers: abilities.ciphers.flatMap((c): ContentCipher[] => (c === 'rc2-cbc' ? ['rc2-40-cbc', 'rc2-64-cbc', 'rc2-128-cbc'] : [c])) },
        typedRefusals: true,
        produce: (operation, plan, signal) => produce(sealpost, context.parties, operation, plan, signal),
        consume: (operation, message, signal) => consume(sealpost, context.parties, operation, message, signal),
        dispose: async () => {},
      };
    },
  };
}

function abilitiesOf(backend: CryptoBackend): Abilities {
  const caps: BackendCapabilities = backend.capabilities;
  const missing = `not in the capabilities of the ${backend.name} backend`;
  return {
    signs: caps.digests.includes('sha-256') && caps.signatureSchemes.includes('rsa-pkcs1') && caps.keyTypes.includes('rsa'),
    ciphers: caps.contentCiphers,
    keyTransports: caps.keyTransport,
    keyAgreements: caps.keyAgreement,
    why: {
      signature: `RSA PKCS#1 v1.5 / SHA-256 signing is ${missing}`,
      'aes-cbc': `this AES-CBC key size is ${missing}`,
      'aes-gcm': `AES-GCM is ${missing}`,
      'des-ede3': 'Sealpost reads 3DES (under the legacy policy) but never writes it',
      rc2: 'Sealpost reads RC2 (under the legacy policy) but never writes it',
      'rsa-oaep': `RSA-OAEP is ${missing}`,
      'rsa-pkcs1': `RSA PKCS#1 v1.5 key transport is ${missing}`,
      ecdh: `ECDH key agreement on P-256 is ${missing}`,
    },
  };
}

async function produce(sealpost: Sealpost, parties: Parties, operation: Operation, plan: Plan, signal?: AbortSignal): Promise<Uint8Array> {
  const signer = sealpostIdentity(parties.sender);
  const recipients = [recipientOf(parties, operation).cert];
  const aborts = signal === undefined ? {} : { signal };
  // Key agreement is chosen by the recipient's key; there is nothing to ask for.
  const encryption = { recipients, ...(plan.cipher === undefined ? {} : { cipher: plan.cipher }), ...(plan.keyTransport === undefined ? {} : { keyTransport: plan.keyTransport }) };
  switch (operation.id) {
    case 'sign-detached':
      return sealpost.sign(parties.message, { signer, detached: true, ...aborts });
    case 'sign-opaque':
      return sealpost.sign(parties.message, { signer, detached: false, ...aborts });
    case 'sign-encrypt':
      return sealpost.signAndEncrypt(parties.message, { signer, detached: true, ...encryption, ...aborts });
    default:
      return sealpost.encrypt(parties.message, { ...encryption, ...aborts });
  }
}

async function consume(sealpost: Sealpost, parties: Parties, operation: Operation, message: Uint8Array, signal?: AbortSignal): Promise<Verdict> {
  const trustAnchors = [parties.pki.ca.cert];
  const identity = sealpostIdentity(recipientOf(parties, operation));
  const aborts = signal === undefined ? {} : { signal };
  try {
    if (operation.id === 'sign-encrypt') return openVerdict(await sealpost.open(message, { identities: [identity], trustAnchors, ...aborts }), parties);
    if (operation.verifies) return verifyVerdict(await sealpost.verify(message, { trustAnchors, ...aborts }), operation, parties);
    const policy = operation.legacy === true ? { policy: { legacy: true } } : {};
    return decryptVerdict(await sealpost.decrypt(message, { identity, ...policy, ...aborts }), parties);
  } catch (error) {
    // Reports carry verdicts; a throw means the message could not even be read.
    const code = isSealpostError(error) ? error.code : 'thrown';
    return { ok: false, detail: `${code}: ${error instanceof Error ? error.message : String(error)}`, codes: [code] };
  }
}

function verifyVerdict(report: VerifyReport, operation: Operation, parties: Parties): Verdict {
  const form = operation.id === 'sign-opaque' ? 'opaque' : 'detached';
  const codes = report.errors.map((e) => e.code);
  if (report.status !== 'valid') return { ok: false, detail: `verify: ${report.status}${errorList(report.errors)}`, codes };
  if (report.form !== form) return { ok: false, detail: `verify: valid, but read as ${report.form ?? 'unknown'} instead of ${form}`, codes };
  if (report.content === undefined || !bytesEqual(report.content, parties.entity)) return { ok: false, detail: 'verify: valid, but the returned content differs from the signed entity', codes };
  return { ok: true, detail: 'verify: valid, content exact', codes };
}

function decryptVerdict(report: DecryptReport, parties: Parties): Verdict {
  const codes = report.errors.map((e) => e.code);
  if (report.status !== 'decrypted') return { ok: false, detail: `decrypt: ${report.status}${errorList(report.errors)}`, codes };
  const authenticated = typeof report.cipher === 'string' && familyOf(report.cipher) === 'aes-gcm';
  if (report.authenticated !== authenticated) return { ok: false, detail: `decrypt: ${String(report.cipher)} reported authenticated=${String(report.authenticated)}`, codes };
  if (report.content === undefined || !bytesEqual(splitMessage(report.content).entity, parties.entity))
    return { ok: false, detail: 'decrypt: decrypted, but the content differs from the encrypted entity', codes };
  return { ok: true, detail: `decrypt: decrypted ${String(report.cipher)}, authenticated=${String(authenticated)}, content exact`, codes };
}

function openVerdict(report: OpenReport, parties: Parties): Verdict {
  const codes = report.errors.map((e) => e.code);
  const shape = report.layers.map((l) => `${l.type}:${l.status}`).join(' > ');
  if (report.status !== 'valid' || shape !== 'enveloped:decrypted > signed:valid') return { ok: false, detail: `open: ${report.status} (${shape})${errorList(report.errors)}`, codes };
  if (report.content === undefined || !bytesEqual(splitMessage(report.content).entity, parties.entity))
    return { ok: false, detail: 'open: valid, but the content differs from the signed entity', codes };
  return { ok: true, detail: `open: ${shape}, content exact`, codes };
}

function errorList(errors: readonly ReportError[]): string {
  return errors.length === 0 ? '' : ` (${errors.map((e) => `${e.code}: ${e.message}`).join('; ')})`;
}
