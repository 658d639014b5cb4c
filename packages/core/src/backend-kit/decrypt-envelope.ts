import type { BackendCapabilities, DecryptRequest, DecryptResult, KeyAgreement } from '../backend.js';
import { decryptionFailed, SealpostError, throwIfAborted } from '../errors.js';
import { privateKeyInfo } from '../pki/keys.js';
import { assertKeyTransport, keyAgreementUnsupported, needsKeyAgreement, pkcs8Of } from './capabilities.js';
import { type CertificateFacts, certificateFactsOf } from './certificate-facts.js';
import { type KeyAgreeRecipient, type KeyTransRecipient, type ReceivedEnvelope, aesCipherOf, cipherNameOf, readEnvelope } from './cms-reader.js';
import { identifies, recipientFor } from './identifiers.js';
import { type KeyTransportParams, keyTransportOf } from './key-transport.js';
import type { DecryptPrimitives } from './primitives.js';
import { contentCipherFromOid } from './algorithms.js';

/**
 * The CMS engine's decryption: every structural, capability and addressing question is answered
 * here, before any key is used, the same way for every backend; the backend then only unwraps the
 * content-encryption key and runs the content cipher.
 */

export type DecryptionPlan =
  | {
      readonly kind: 'ktri';
      readonly envelope: ReceivedEnvelope;
      readonly certificate: CertificateFacts;
      readonly recipient: KeyTransRecipient;
      readonly transport: KeyTransportParams;
    }
  | {
      readonly kind: 'kari';
      readonly envelope: ReceivedEnvelope;
      readonly certificate: CertificateFacts;
      readonly recipient: KeyAgreeRecipient;
      readonly agreement: KeyAgreement;
    };

const AGREEMENT_BY_CURVE: Readonly<Record<string, KeyAgreement>> = { 'P-256': 'ecdh-p256', 'P-384': 'ecdh-p384', 'P-521': 'ecdh-p521' };

/**
 * Reads the envelope and decides who decrypts it how. Throws ERR_CMS_MALFORMED / ERR_LIMIT_* for the
 * structure, ERR_UNSUPPORTED_* for what the backend's capabilities leave out, ERR_NO_RECIPIENT when
 * nothing is addressed to `request.certificate`.
 */
export function planDecryption(capabilities: BackendCapabilities, request: DecryptRequest): DecryptionPlan {
  throwIfAborted(request.signal);
  const envelope = readEnvelope(request.cms, request.limits);
  const cipherName = envelope.cipher?.name ?? contentCipherFromOid(envelope.cipherOid);
  if (cipherName === null || !capabilities.contentCiphers.includes(cipherName))
    throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `content cipher ${cipherNameOf(envelope.cipherOid)} is not supported by this backend`);
  const certificate = certificateFactsOf(request.certificate);
  if (certificate === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', 'the recipient certificate is not a readable X.509 certificate');
  checkKeyReference(capabilities, request);

  const key = certificate.publicKey;
  if (needsKeyAgreement(key)) {
    const agreement = key?.kind === 'ec' && key.curve !== null ? AGREEMENT_BY_CURVE[key.curve] : undefined;
    if (agreement === undefined || !capabilities.keyAgreement.includes(agreement)) throw keyAgreementUnsupported();
    const recipient = envelope.recipients.find((r): r is KeyAgreeRecipient => r.kind === 'kari' && r.rids.some((rid) => identifies(rid, certificate)));
    if (recipient === undefined) throw new SealpostError('ERR_NO_RECIPIENT', 'the message is not encrypted to this certificate');
    return { kind: 'kari', envelope, certificate, recipient, agreement };
  }
  const recipient = recipientFor(
    envelope.recipients.filter((r): r is KeyTransRecipient => r.kind === 'ktri'),
    certificate,
  );
  const transport = keyTransportOf(recipient.keyEncryptionAlgorithm);
  assertKeyTransport(capabilities, transport.kind);
  if (key?.kind !== 'rsa' || key.pssOnly) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'key transport needs an RSA key');
  if (request.privateKey.type === 'pkcs8' && privateKeyInfo(request.privateKey).type !== 'rsa')
    throw new SealpostError('ERR_UNSUPPORTED_KEY', 'key transport needs an RSA private key');
  return { kind: 'ktri', envelope, certificate, recipient, transport };
}

/** PKCS#8 keys for every backend; key URIs only for a backend whose capabilities say it resolves them. */
function checkKeyReference(capabilities: BackendCapabilities, request: DecryptRequest): void {
  const key: unknown = request.privateKey;
  if (capabilities.keyUris && typeof key === 'object' && key !== null && (key as { type?: unknown }).type === 'uri') {
    if (typeof (key as { uri?: unknown }).uri !== 'string') throw new TypeError('privateKey.uri must be a string');
    return;
  }
  pkcs8Of(request.privateKey);
}

/** Decrypts with key transport through the backend's primitives (a backend with key agreement plans first). */
export async function decryptEnvelope(primitives: DecryptPrimitives, capabilities: BackendCapabilities, request: DecryptRequest): Promise<DecryptResult> {
  const plan = planDecryption(capabilities, request);
  if (plan.kind !== 'ktri') throw keyAgreementUnsupported();
  return decryptPlanned(primitives, plan, request);
}

export async function decryptPlanned(primitives: DecryptPrimitives, plan: Extract<DecryptionPlan, { kind: 'ktri' }>, request: DecryptRequest): Promise<DecryptResult> {
  const { envelope } = plan;
  const { cipher, parameters } = aesCipherOf(envelope);
  // RFC 5084: the tag is exactly aes-ICVlen (12 to 16) octets. A shorter one, which some GCM
  // implementations would compare as a prefix, is a failed tag like any other.
  if (parameters.mode === 'gcm' && envelope.mac?.length !== parameters.icvLength) throw decryptionFailed();
  throwIfAborted(request.signal);
  const key = await primitives.unwrapKey({
    transport: plan.transport,
    privateKey: request.privateKey,
    encryptedKey: plan.recipient.encryptedKey,
    keyLength: cipher.keyLength,
    signal: request.signal,
  });
  try {
    throwIfAborted(request.signal);
    const content = await primitives.decryptContent({
      cipher,
      key,
      parameters,
      ciphertext: envelope.ciphertext,
      mac: envelope.mac,
      additionalData: envelope.additionalData,
      signal: request.signal,
    });
    return { content };
  } finally {
    key.fill(0);
  }
}
