import type { BackendCapabilities, EncryptRequest } from '../backend.js';
import { SealpostError, throwIfAborted } from '../errors.js';
import { type AesCipherSpec, aesCipherByName } from './algorithms.js';
import { assertContentCipher, assertKeyTransport, keyAgreementUnsupported, needsKeyAgreement } from './capabilities.js';
import { type AgreementCurve, type CertificateFacts, type PublicKeyFacts, certificateFactsOf } from './certificate-facts.js';
import { GCM_NONCE_LENGTH } from './cms-reader.js';
import { type ContentParameters, cbcParameters, gcmParameters } from './content-parameters.js';
import { envelopeContentInfo, keyAgreeRecipientInfo, keyTransRecipientInfo } from './envelope-writer.js';
import { AGREEMENT_BY_CURVE, agreementCurveOf, agreementPrimitives, agreementPublicKey, keyAgreementChoice, keyAgreementIdentifier, keyEncryptionKey, originatorKey } from './key-agreement.js';
import { oaepKeyTransportIdentifier, rsaPkcs1KeyTransportIdentifier } from './key-transport.js';
import { isLegacyCipher, legacyCipherNotWritten } from './legacy-content.js';
import type { EncryptPrimitives, KemPrimitives, KeyAgreementPrimitives } from './primitives.js';
import { kemPrimitives, kemRecipientInfo } from './kem-recipient.js';
import type { MlKemParameterSet } from '../backend.js';

/**
 * The CMS engine's encryption: request and capability checks, the content key, IV or nonce, and the
 * envelope are core's; the backend wraps the key for each recipient and runs the content cipher.
 * ContentInfo(EnvelopedData) for CBC, ContentInfo(AuthEnvelopedData) for GCM (RFC 5083, RFC 5084),
 * one KeyTransRecipientInfo (version 0, issuerAndSerialNumber) per RSA recipient and one
 * KeyAgreeRecipientInfo with its own ephemeral key per EC (RFC 5753 ECDH) or X25519 (RFC 8418) recipient.
 */

const GCM_TAG_LENGTH = 16;

export interface RsaRecipient {
  readonly certificate: CertificateFacts;
  readonly publicKey: Extract<PublicKeyFacts, { kind: 'rsa' }>;
}

/** A key-agreement recipient: an EC key on a NIST curve, or an X25519 key. */
export interface EcRecipient {
  readonly certificate: CertificateFacts;
  readonly publicKey: Extract<PublicKeyFacts, { kind: 'ec' | 'x25519' }>;
  readonly curve: AgreementCurve;
}

/** An ML-KEM recipient (RFC 9936): a KEMRecipientInfo. */
export interface KemRecipient {
  readonly certificate: CertificateFacts;
  readonly parameterSet: MlKemParameterSet;
  readonly publicKey: Uint8Array;
}

/**
 * Checks the request against the capabilities: each recipient holds an RSA key-transport key, an EC
 * or X25519 key on a curve the backend's `keyAgreement` lists, or an ML-KEM key its `kem` lists.
 */
export function checkEncryptRequest(capabilities: BackendCapabilities, request: EncryptRequest): { cipher: AesCipherSpec; recipients: (RsaRecipient | EcRecipient | KemRecipient)[] } {
  throwIfAborted(request.signal);
  // A backend may claim a legacy cipher for reading; none is ever written.
  if (typeof request.cipher === 'string' && isLegacyCipher(request.cipher)) throw legacyCipherNotWritten(request.cipher);
  assertContentCipher(capabilities, request.cipher);
  assertKeyTransport(capabilities, request.keyTransport);
  const cipher = aesCipherByName(request.cipher);
  if (cipher === null) throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `content cipher ${request.cipher} is not written by this backend`);
  if (!(request.content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  if (!Array.isArray(request.recipients) || request.recipients.length === 0) throw new TypeError('at least one recipient is required');
  return { cipher, recipients: request.recipients.map((r) => recipientOf(capabilities, r?.certificate)) };
}

function recipientOf(capabilities: BackendCapabilities, certificateDer: Uint8Array | undefined): RsaRecipient | EcRecipient | KemRecipient {
  const certificate = certificateDer === undefined ? null : certificateFactsOf(certificateDer);
  if (certificate === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', 'the recipient certificate is not a readable X.509 certificate');
  const publicKey = certificate.publicKey;
  if (publicKey === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', "the recipient certificate's public key is malformed");
  if (publicKey.kind === 'rsa' && publicKey.pssOnly) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'the recipient key is an RSASSA-PSS key, which is for signatures only');
  if (publicKey.kind === 'rsa') return { certificate, publicKey };
  if (publicKey.kind === 'ml-kem') {
    if (!(capabilities.kem ?? []).includes(publicKey.parameterSet)) throw new SealpostError('ERR_UNSUPPORTED_KEM', `${publicKey.parameterSet} (KEMRecipientInfo) is not supported by this backend`);
    return { certificate, parameterSet: publicKey.parameterSet, publicKey: publicKey.key };
  }
  const curve = agreementCurveOf(publicKey);
  if ((publicKey.kind === 'ec' || publicKey.kind === 'x25519') && curve !== null && capabilities.keyAgreement.includes(AGREEMENT_BY_CURVE[curve])) return { certificate, publicKey, curve };
  if (needsKeyAgreement(publicKey)) throw keyAgreementUnsupported();
  throw new SealpostError('ERR_UNSUPPORTED_KEY', `recipient keys of type ${publicKey.kind === 'other' ? publicKey.oid : publicKey.kind} are not supported for encryption by this backend`);
}

export async function encryptContent(
  primitives: EncryptPrimitives & Partial<KeyAgreementPrimitives> & Partial<KemPrimitives>,
  capabilities: BackendCapabilities,
  request: EncryptRequest,
): Promise<Uint8Array> {
  const { cipher, recipients } = checkEncryptRequest(capabilities, request);
  const key = primitives.random(cipher.keyLength);
  try {
    const keyEncryptionAlgorithm = request.keyTransport === 'rsa-oaep' ? oaepKeyTransportIdentifier('sha-256') : rsaPkcs1KeyTransportIdentifier();
    const recipientInfos: Uint8Array[] = [];
    for (const recipient of recipients) {
      if ('parameterSet' in recipient) {
        recipientInfos.push(await kemRecipientInfo(kemPrimitives(primitives), recipient, key, request.signal));
      } else if ('curve' in recipient) {
        recipientInfos.push(await agreedRecipientInfo(agreementPrimitives(primitives), recipient, cipher, key, request.signal));
      } else {
        const { certificate, publicKey } = recipient;
        const encryptedKey = await primitives.wrapKey({ transport: request.keyTransport, publicKey, spki: certificate.spki, key, signal: request.signal });
        recipientInfos.push(keyTransRecipientInfo(certificate, keyEncryptionAlgorithm, encryptedKey));
      }
      throwIfAborted(request.signal);
    }
    const parameters: ContentParameters =
      cipher.mode === 'cbc' ? { mode: 'cbc', iv: copy(primitives.random(16)) } : { mode: 'gcm', nonce: copy(primitives.random(GCM_NONCE_LENGTH)), icvLength: GCM_TAG_LENGTH };
    const { ciphertext, mac } = await primitives.encryptContent({ cipher, key, parameters, content: request.content, signal: request.signal });
    const encodedParameters = parameters.mode === 'cbc' ? cbcParameters(parameters.iv) : gcmParameters(parameters.nonce, parameters.icvLength);
    return envelopeContentInfo({ recipientInfos, cipherOid: cipher.oid, parameters: encodedParameters, ciphertext, mac });
  } finally {
    // An abort or a failed wrap leaves no copy of the content key behind either.
    key.fill(0);
  }
}

/**
 * One KeyAgreeRecipientInfo: a fresh ephemeral key for this recipient alone (RFC 5753 3.1.1, RFC 8418
 * 3.1), the KEK from the X9.63 KDF over the shared secret, and the content key wrapped with it.
 */
async function agreedRecipientInfo(primitives: KeyAgreementPrimitives, recipient: EcRecipient, cipher: AesCipherSpec, key: Uint8Array, signal: AbortSignal | undefined): Promise<Uint8Array> {
  const choice = keyAgreementChoice(recipient.curve, cipher.keyLength);
  const { ephemeralPublicKey, sharedSecret } = await primitives.deriveEphemeralSharedSecret({ curve: recipient.curve, publicKey: agreementPublicKey(recipient.publicKey), signal });
  let kek: Uint8Array;
  try {
    // An all-zero X25519 secret means the certificate holds a key of small order: no key to encrypt to.
    const smallOrder = () => new SealpostError('ERR_CERTIFICATE_MALFORMED', "the recipient certificate's X25519 key is of small order");
    kek = await keyEncryptionKey(primitives.digest, choice, recipient.curve, sharedSecret, null, smallOrder);
  } finally {
    sharedSecret.fill(0);
  }
  let encryptedKey: Uint8Array;
  try {
    encryptedKey = await primitives.wrapKeyAes({ kek, key });
  } finally {
    kek.fill(0);
  }
  return keyAgreeRecipientInfo(recipient.certificate, originatorKey(ephemeralPublicKey, recipient.curve), keyAgreementIdentifier(choice.hash, choice.wrapAlgorithm), encryptedKey);
}

function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}
