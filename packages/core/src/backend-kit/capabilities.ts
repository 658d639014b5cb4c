import type { BackendCapabilities, ContentCipher, DigestAlgorithm, KeyTransport, PrivateKeyRef, SignatureScheme } from '../backend.js';
import { SealpostError } from '../errors.js';
import { OID } from '../asn1/oids.js';

/**
 * The typed refusals of a backend, checked against its own capabilities: a request outside them is
 * the ERR_UNSUPPORTED_* error the conformance suite expects, never a crash deeper down.
 */

export function assertDigest(capabilities: BackendCapabilities, digest: DigestAlgorithm): void {
  if (!capabilities.digests.includes(digest)) throw new SealpostError('ERR_UNSUPPORTED_DIGEST', `digest ${String(digest)} is not supported by this backend`);
}

export function assertSignatureScheme(capabilities: BackendCapabilities, scheme: SignatureScheme): void {
  if (!capabilities.signatureSchemes.includes(scheme)) throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', `signature scheme ${String(scheme)} is not supported by this backend`);
}

export function assertContentCipher(capabilities: BackendCapabilities, cipher: ContentCipher): void {
  if (!capabilities.contentCiphers.includes(cipher)) throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `content cipher ${String(cipher)} is not supported by this backend`);
}

export function assertKeyTransport(capabilities: BackendCapabilities, transport: KeyTransport): void {
  if (!capabilities.keyTransport.includes(transport)) throw new SealpostError('ERR_UNSUPPORTED_KEY_TRANSPORT', `key transport ${String(transport)} is not supported by this backend`);
}

/** The PKCS#8 bytes of a key reference, for backends that do not resolve key URIs. */
export function pkcs8Of(key: PrivateKeyRef): Uint8Array {
  if (typeof key === 'object' && key !== null) {
    if (key.type === 'pkcs8' && key.der instanceof Uint8Array) return key.der;
    if (key.type === 'uri') throw new SealpostError('ERR_UNSUPPORTED_KEY', 'this backend takes PKCS#8 keys, not key URIs');
  }
  throw new TypeError('privateKey must be { type: "pkcs8", der: Uint8Array } or { type: "uri", uri }');
}

/** Whether a recipient key needs key agreement (EC, X25519, X448) rather than key transport. */
export function needsKeyAgreement(key: { readonly kind: string; readonly oid?: string } | null): boolean {
  return key !== null && (key.kind === 'ec' || key.kind === 'x25519' || (key.kind === 'other' && (key.oid === OID.x25519 || key.oid === OID.x448)));
}

/** The typed refusal of a backend that implements key transport only. */
export function keyAgreementUnsupported(): SealpostError {
  return new SealpostError('ERR_UNSUPPORTED_KEY_AGREEMENT', 'recipients with EC or X25519/X448 keys need key agreement, which this backend does not support');
}
