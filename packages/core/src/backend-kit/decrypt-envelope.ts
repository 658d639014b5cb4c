import type { BackendCapabilities, DecryptRequest, DecryptResult, KeyAgreement } from '../backend.js';
import { decryptionFailed, SealpostError, throwIfAborted } from '../errors.js';
import { privateKeyInfo } from '../pki/keys.js';
import { assertKeyTransport, keyAgreementUnsupported, needsKeyAgreement, pkcs8Of } from './capabilities.js';
import { type AgreementCurve, type CertificateFacts, certificateFactsOf } from './certificate-facts.js';
import { type KemRecipient, type KeyAgreeRecipient, type KeyTransRecipient, type ReceivedEnvelope, aesCipherOf, cipherNameOf, readEnvelope } from './cms-reader.js';
import { type KemRecipientParams, kemPrimitives, kemRecipientParams, kemUnwrapKey } from './kem-recipient.js';
import { type MlKemPrivateKey, mlKemPrivateKeyOf } from './post-quantum.js';
import { identifies, recipientFor } from './identifiers.js';
import { type KeyTransportParams, keyTransportOf } from './key-transport.js';
import { AGREEMENT_BY_CURVE, agreementCurveOf, agreementPrimitives, checkSchemeForCurve, type KeyAgreementParams, keyAgreementOf, keyEncryptionKey, originatorPublicKey } from './key-agreement.js';
import type { DecryptPrimitives, KemPrimitives, KeyAgreementPrimitives } from './primitives.js';
import { contentCipherFromOid } from './algorithms.js';
import { capabilityOf } from './legacy-content.js';

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
      readonly curve: AgreementCurve;
      readonly params: KeyAgreementParams;
      /** The sender's ephemeral point, checked for form (uncompressed, the curve's size; X25519: 32 octets). */
      readonly originatorKey: Uint8Array;
      /** The encryptedKey of the RecipientEncryptedKey that names the certificate. */
      readonly encryptedKey: Uint8Array;
    }
  | {
      readonly kind: 'kemri';
      readonly envelope: ReceivedEnvelope;
      readonly certificate: CertificateFacts;
      readonly recipient: KemRecipient;
      readonly params: KemRecipientParams;
      /** The caller's ML-KEM key, read and checked against the certificate's parameter set. */
      readonly privateKey: MlKemPrivateKey;
    };

/**
 * Reads the envelope and decides who decrypts it how. Throws ERR_CMS_MALFORMED / ERR_LIMIT_* for the
 * structure, ERR_UNSUPPORTED_* for what the backend's capabilities leave out, ERR_NO_RECIPIENT when
 * nothing is addressed to `request.certificate`.
 */
export function planDecryption(capabilities: BackendCapabilities, request: DecryptRequest): DecryptionPlan {
  throwIfAborted(request.signal);
  const envelope = readEnvelope(request.cms, request.limits);
  const cipherName = envelope.cipher?.name ?? contentCipherFromOid(envelope.cipherOid);
  if (cipherName === null || !capabilities.contentCiphers.includes(capabilityOf(cipherName)))
    throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `content cipher ${cipherNameOf(envelope.cipherOid)} is not supported by this backend`);
  const certificate = certificateFactsOf(request.certificate);
  if (certificate === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', 'the recipient certificate is not a readable X.509 certificate');
  checkKeyReference(capabilities, request);

  const key = certificate.publicKey;
  if (key?.kind === 'ml-kem') {
    if (!(capabilities.kem ?? []).includes(key.parameterSet)) throw new SealpostError('ERR_UNSUPPORTED_KEM', `${key.parameterSet} (KEMRecipientInfo) is not supported by this backend`);
    return planKem(request, envelope, certificate, key.parameterSet);
  }
  if (needsKeyAgreement(key)) {
    const curve = agreementCurveOf(key);
    if (curve === null || !capabilities.keyAgreement.includes(AGREEMENT_BY_CURVE[curve])) throw keyAgreementUnsupported();
    return planKeyAgreement(request, envelope, certificate, curve, AGREEMENT_BY_CURVE[curve]);
  }
  const recipient = recipientFor(
    envelope.recipients.filter((r): r is KeyTransRecipient => r.kind === 'ktri'),
    certificate,
  );
  const transport = keyTransportOf(recipient.keyEncryptionAlgorithm);
  assertKeyTransport(capabilities, transport.kind);
  if (key?.kind !== 'rsa' || key.pssOnly) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'key transport needs an RSA key');
  if (request.privateKey.type === 'pkcs8' && privateKeyInfo(request.privateKey).type !== 'rsa') throw new SealpostError('ERR_UNSUPPORTED_KEY', 'key transport needs an RSA private key');
  return { kind: 'ktri', envelope, certificate, recipient, transport };
}

/**
 * The first KeyAgreeRecipientInfo with a RecipientEncryptedKey naming the certificate, read in full
 * before any key is used: the scheme, the key wrap, the sender's key and the caller's own key type.
 */
function planKeyAgreement(request: DecryptRequest, envelope: ReceivedEnvelope, certificate: CertificateFacts, curve: AgreementCurve, agreement: KeyAgreement): DecryptionPlan {
  let index = -1;
  const recipient = envelope.recipients.find((r): r is KeyAgreeRecipient => {
    if (r.kind !== 'kari') return false;
    index = r.rids.findIndex((rid) => identifies(rid, certificate));
    return index >= 0;
  });
  const encryptedKey = recipient?.encryptedKeys[index];
  if (recipient === undefined || encryptedKey === undefined) throw new SealpostError('ERR_NO_RECIPIENT', 'the message is not encrypted to this certificate');
  const params = keyAgreementOf(recipient.keyEncryptionAlgorithm);
  checkSchemeForCurve(params, curve);
  const originatorKey = originatorPublicKey(recipient.originator, curve);
  if (request.privateKey.type === 'pkcs8') {
    const own = privateKeyInfo(request.privateKey);
    if (curve === 'X25519') {
      if (own.type !== 'x25519') throw new SealpostError('ERR_UNSUPPORTED_KEY', 'X25519 key agreement needs an X25519 private key');
      return { kind: 'kari', envelope, certificate, recipient, agreement, curve, params, originatorKey, encryptedKey };
    }
    if (own.type !== 'ec') throw new SealpostError('ERR_UNSUPPORTED_KEY', 'key agreement needs an EC private key');
    if (own.curve !== curve) throw new SealpostError('ERR_UNSUPPORTED_KEY', `the private key is on ${own.curve}, the certificate's key on ${curve}`);
  }
  return { kind: 'kari', envelope, certificate, recipient, agreement, curve, params, originatorKey, encryptedKey };
}

/**
 * The first KEMRecipientInfo naming the certificate (RFC 9629), read in full before any key is used: its KEM,
 * KDF and wrap, and the caller's key, which must be an ML-KEM PKCS#8 key of the certificate's parameter set.
 */
function planKem(request: DecryptRequest, envelope: ReceivedEnvelope, certificate: CertificateFacts, keySet: KemRecipientParams['parameterSet']): DecryptionPlan {
  const recipient = envelope.recipients.find((r): r is KemRecipient => r.kind === 'kemri' && identifies(r.rid, certificate));
  if (recipient === undefined) throw new SealpostError('ERR_NO_RECIPIENT', 'the message is not encrypted to this certificate');
  const params = kemRecipientParams(recipient, keySet);
  if (request.privateKey.type !== 'pkcs8') throw new SealpostError('ERR_UNSUPPORTED_KEY', 'ML-KEM decryption takes a PKCS#8 key');
  const own = privateKeyInfo(request.privateKey);
  if (own.type !== 'ml-kem') throw new SealpostError('ERR_UNSUPPORTED_KEY', 'KEMRecipientInfo with ML-KEM needs an ML-KEM private key');
  if (own.parameterSet !== keySet) throw new SealpostError('ERR_UNSUPPORTED_KEY', `the private key is ${own.parameterSet}, the certificate's key ${keySet}`);
  return { kind: 'kemri', envelope, certificate, recipient, params, privateKey: mlKemPrivateKeyOf(request.privateKey.der) };
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

/**
 * Decrypts through the backend's primitives: key transport always, key agreement when the backend
 * implements KeyAgreementPrimitives (its capabilities list the curve, or planning has refused already).
 */
export async function decryptEnvelope(
  primitives: DecryptPrimitives & Partial<KeyAgreementPrimitives> & Partial<KemPrimitives>,
  capabilities: BackendCapabilities,
  request: DecryptRequest,
): Promise<DecryptResult> {
  const plan = planDecryption(capabilities, request);
  if (plan.kind === 'kari') return decryptAgreed(agreementPrimitives(primitives), plan, request);
  if (plan.kind === 'kemri') return decryptEncapsulated(kemPrimitives(primitives), plan, request);
  return decryptPlanned(primitives, plan, request);
}

/** KEMRecipientInfo (RFC 9629, RFC 9936): decapsulate, HKDF, AES key unwrap, then the content. */
export async function decryptEncapsulated(primitives: DecryptPrimitives & KemPrimitives, plan: Extract<DecryptionPlan, { kind: 'kemri' }>, request: DecryptRequest): Promise<DecryptResult> {
  const { cipher } = checkedCipher(plan.envelope);
  throwIfAborted(request.signal);
  const key = await kemUnwrapKey(primitives, plan.recipient, plan.params, plan.privateKey, cipher.keyLength, request.signal);
  return decryptWithKey(primitives, plan.envelope, key, request);
}

/** The envelope's AES cipher, after the tag length check RFC 5084 asks for. */
function checkedCipher(envelope: ReceivedEnvelope): ReturnType<typeof aesCipherOf> {
  const checked = aesCipherOf(envelope);
  // RFC 5084: the tag is exactly aes-ICVlen (12 to 16) octets. A shorter one, which some GCM
  // implementations would compare as a prefix, is a failed tag like any other.
  if (checked.parameters.mode === 'gcm' && envelope.mac?.length !== checked.parameters.icvLength) throw decryptionFailed();
  return checked;
}

export async function decryptPlanned(primitives: DecryptPrimitives, plan: Extract<DecryptionPlan, { kind: 'ktri' }>, request: DecryptRequest): Promise<DecryptResult> {
  const { cipher } = checkedCipher(plan.envelope);
  throwIfAborted(request.signal);
  const key = await primitives.unwrapKey({
    transport: plan.transport,
    privateKey: request.privateKey,
    encryptedKey: plan.recipient.encryptedKey,
    keyLength: cipher.keyLength,
    signal: request.signal,
  });
  return decryptWithKey(primitives, plan.envelope, key, request);
}

/**
 * ECDH (RFC 5753, RFC 8418): the shared secret with the sender's ephemeral key, the X9.63 KDF or HKDF
 * over ECC-CMS-SharedInfo, then AES key unwrap of the content key. An all-zero X25519 secret, a wrapped
 * key of the wrong length, a failed unwrap and an unwrapped key of the wrong length are all the one
 * decryption failure.
 */
export async function decryptAgreed(primitives: DecryptPrimitives & KeyAgreementPrimitives, plan: Extract<DecryptionPlan, { kind: 'kari' }>, request: DecryptRequest): Promise<DecryptResult> {
  const { cipher } = checkedCipher(plan.envelope);
  const { params } = plan;
  throwIfAborted(request.signal);
  const sharedSecret = await primitives.deriveSharedSecret({ curve: plan.curve, privateKey: request.privateKey, publicKey: plan.originatorKey, signal: request.signal });
  let kek: Uint8Array;
  try {
    kek = await keyEncryptionKey(primitives.digest, params, plan.curve, sharedSecret, plan.recipient.ukm, decryptionFailed);
  } finally {
    sharedSecret.fill(0);
  }
  let key: Uint8Array;
  try {
    if (plan.encryptedKey.length !== cipher.keyLength + 8) throw decryptionFailed();
    throwIfAborted(request.signal);
    key = await primitives.unwrapKeyAes({ kek, key: plan.encryptedKey });
  } finally {
    kek.fill(0);
  }
  if (key.length !== cipher.keyLength) {
    key.fill(0);
    throw decryptionFailed();
  }
  return decryptWithKey(primitives, plan.envelope, key, request);
}

/** Runs the content cipher with the recovered key, and zeroes the key whatever happens. */
async function decryptWithKey(primitives: DecryptPrimitives, envelope: ReceivedEnvelope, key: Uint8Array, request: DecryptRequest): Promise<DecryptResult> {
  const { cipher, parameters } = checkedCipher(envelope);
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
