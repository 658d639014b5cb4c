import type { BackendCapabilities, ContentCipher, DigestAlgorithm, KeyTransport } from '@sealpost/core';
import { SealpostError } from '@sealpost/core';
import { CURVES } from './algorithms.js';
import type { KeyKind } from './certificates.js';

/** Typed refusals for anything the detected capabilities do not list, before any process starts. */

export function assertDigest(caps: BackendCapabilities, digest: DigestAlgorithm): void {
  if (!caps.digests.includes(digest)) throw new SealpostError('ERR_UNSUPPORTED_DIGEST', `digest ${String(digest)} is not supported by this OpenSSL setup`);
}

export function assertCipher(caps: BackendCapabilities, cipher: ContentCipher | string): void {
  if (!caps.contentCiphers.includes(cipher as ContentCipher)) throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `content cipher ${cipher} is not supported by this OpenSSL setup`);
}

export function assertKeyTransport(caps: BackendCapabilities, transport: KeyTransport | string): void {
  if (!caps.keyTransport.includes(transport as KeyTransport)) throw new SealpostError('ERR_UNSUPPORTED_KEY_TRANSPORT', `key transport ${transport} is not supported by this backend`);
}

/** The key agreement a recipient with an EC key needs; typed error when it is not claimed. */
export function assertKeyAgreement(caps: BackendCapabilities, key: KeyKind): void {
  const curve = key.kind === 'ec' ? CURVES.find((c) => c.curve === key.curve) : undefined;
  if (curve === undefined || !caps.keyAgreement.includes(curve.agreement)) {
    const what = key.kind === 'ec' ? `EC keys on ${key.curve}` : key.kind === 'other' ? `${key.name} keys` : 'this key';
    throw new SealpostError('ERR_UNSUPPORTED_KEY_AGREEMENT', `key agreement with ${what} is not supported by this backend`);
  }
}

/** True for recipient keys that need key agreement rather than key transport. */
export function needsKeyAgreement(key: KeyKind): boolean {
  return key.kind === 'ec' || (key.kind === 'other' && (key.name === 'x25519' || key.name === 'x448'));
}
