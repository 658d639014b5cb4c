import type { BackendCapabilities, EncryptRequest } from '../backend.js';
import { SealpostError, throwIfAborted } from '../errors.js';
import { type CipherSpec, aesCipherByName } from './algorithms.js';
import { assertContentCipher, assertKeyTransport, keyAgreementUnsupported, needsKeyAgreement } from './capabilities.js';
import { type CertificateFacts, type PublicKeyFacts, certificateFactsOf } from './certificate-facts.js';
import { GCM_NONCE_LENGTH } from './cms-reader.js';
import { type ContentParameters, cbcParameters, gcmParameters } from './content-parameters.js';
import { envelopeContentInfo, keyTransRecipientInfo } from './envelope-writer.js';
import { oaepKeyTransportIdentifier, rsaPkcs1KeyTransportIdentifier } from './key-transport.js';
import type { EncryptPrimitives } from './primitives.js';

/**
 * The CMS engine's encryption: request and capability checks, the content key, IV or nonce, and the
 * envelope are core's; the backend wraps the key for each recipient and runs the content cipher.
 * ContentInfo(EnvelopedData) for CBC, ContentInfo(AuthEnvelopedData) for GCM (RFC 5083, RFC 5084),
 * one KeyTransRecipientInfo (version 0, issuerAndSerialNumber) per recipient.
 */

const GCM_TAG_LENGTH = 16;

export interface RsaRecipient {
  readonly certificate: CertificateFacts;
  readonly publicKey: Extract<PublicKeyFacts, { kind: 'rsa' }>;
}

/** Checks the request against the capabilities; each recipient must hold an RSA key-transport key. */
export function checkEncryptRequest(capabilities: BackendCapabilities, request: EncryptRequest): { cipher: CipherSpec; recipients: RsaRecipient[] } {
  throwIfAborted(request.signal);
  assertContentCipher(capabilities, request.cipher);
  assertKeyTransport(capabilities, request.keyTransport);
  const cipher = aesCipherByName(request.cipher);
  if (cipher === null) throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `content cipher ${request.cipher} is not written by this backend`);
  if (!(request.content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  if (!Array.isArray(request.recipients) || request.recipients.length === 0) throw new TypeError('at least one recipient is required');
  return { cipher, recipients: request.recipients.map((r) => rsaRecipient(r?.certificate)) };
}

function rsaRecipient(certificateDer: Uint8Array | undefined): RsaRecipient {
  const certificate = certificateDer === undefined ? null : certificateFactsOf(certificateDer);
  if (certificate === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', 'the recipient certificate is not a readable X.509 certificate');
  const publicKey = certificate.publicKey;
  if (publicKey === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', "the recipient certificate's public key is malformed");
  if (publicKey.kind === 'rsa' && publicKey.pssOnly) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'the recipient key is an RSASSA-PSS key, which is for signatures only');
  if (publicKey.kind === 'rsa') return { certificate, publicKey };
  if (needsKeyAgreement(publicKey)) throw keyAgreementUnsupported();
  throw new SealpostError('ERR_UNSUPPORTED_KEY', `recipient keys of type ${publicKey.kind === 'other' ? publicKey.oid : publicKey.kind} are not supported by this backend`);
}

export async function encryptContent(primitives: EncryptPrimitives, capabilities: BackendCapabilities, request: EncryptRequest): Promise<Uint8Array> {
  const { cipher, recipients } = checkEncryptRequest(capabilities, request);
  const key = primitives.random(cipher.keyLength);
  try {
    const keyEncryptionAlgorithm = request.keyTransport === 'rsa-oaep' ? oaepKeyTransportIdentifier('sha-256') : rsaPkcs1KeyTransportIdentifier();
    const recipientInfos: Uint8Array[] = [];
    for (const { certificate, publicKey } of recipients) {
      const encryptedKey = await primitives.wrapKey({ transport: request.keyTransport, publicKey, spki: certificate.spki, key, signal: request.signal });
      recipientInfos.push(keyTransRecipientInfo(certificate, keyEncryptionAlgorithm, encryptedKey));
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

function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}
