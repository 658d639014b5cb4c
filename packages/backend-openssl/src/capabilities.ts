import type { BackendCapabilities, ContentCipher, DigestAlgorithm, KeyTransport, SignatureScheme } from '@sealpost/core';
import { SealpostError } from '@sealpost/core';
import { CURVES } from './algorithms.js';
import type { KeyKind } from './certificates.js';

/** Typed refusals for anything the detected capabilities do not list, before any process starts. */

export function assertDigest(caps: BackendCapabilities, digest: DigestAlgorithm): void {
  if (!caps.digests.includes(digest)) throw new SealpostError('ERR_UNSUPPORTED_DIGEST', `digest ${String(digest)} is not supported by this OpenSSL setup`);
}

export function assertScheme(caps: BackendCapabilities, scheme: SignatureScheme): void {
  if (!caps.signatureSchemes.includes(scheme))
    throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', `signature scheme ${String(scheme)} is not supported by this backend`);
}

export function assertCipher(caps: BackendCapabilities, cipher: ContentCipher | string): void {
  if (!caps.contentCiphers.includes(cipher as ContentCipher))
    throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `content cipher ${cipher} is not supported by this OpenSSL setup`);
}

export function assertKeyTransport(caps: BackendCapabilities, transport: KeyTransport | string): void {
  if (!caps.keyTransport.includes(transport as KeyTransport))
    throw new SealpostError('ERR_UNSUPPORTED_KEY_TRANSPORT', `key transport ${transport} is not supported by this backend`);
}

/** The signature scheme a signer uses: the one asked for if it fits the key, else the key's default. */
export function schemeFor(caps: BackendCapabilities, key: KeyKind, asked: SignatureScheme | undefined): SignatureScheme {
  if (asked !== undefined) assertScheme(caps, asked);
  if (key.kind === 'ec') {
    const curve = CURVES.find((c) => c.curve === key.curve);
    if (curve === undefined || !caps.keyTypes.includes(curve.keyType))
      throw new SealpostError('ERR_UNSUPPORTED_KEY', `EC keys on ${key.curve} are not supported by this backend`);
    if (asked !== undefined && asked !== 'ecdsa') throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', `signature scheme ${asked} cannot be used with an EC key`);
    assertScheme(caps, 'ecdsa');
    return 'ecdsa';
  }
  if (key.kind === 'rsa') {
    if (!caps.keyTypes.includes('rsa')) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'RSA keys are not supported by this OpenSSL setup');
    const scheme = asked ?? (key.pssOnly ? 'rsa-pss' : 'rsa-pkcs1');
    if (scheme !== 'rsa-pkcs1' && scheme !== 'rsa-pss') throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', `signature scheme ${scheme} cannot be used with an RSA key`);
    if (key.pssOnly && scheme !== 'rsa-pss') throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', 'an RSASSA-PSS key signs with rsa-pss only');
    assertScheme(caps, scheme);
    return scheme;
  }
  // Ed25519/Ed448: OpenSSL 3.0 fails to sign CMS with signed attributes ("invalid digest").
  throw new SealpostError('ERR_UNSUPPORTED_KEY', `${key.name} keys cannot sign CMS through this backend`);
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
