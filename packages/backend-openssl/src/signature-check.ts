import { type KeyObject, constants, createPublicKey, verify } from 'node:crypto';
import { SealpostError } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { digestByName } from './algorithms.js';

/**
 * Signature checks in-process through node:crypto (Node's own OpenSSL 3): they need no private key, so
 * no provider and no process. `key` is a SubjectPublicKeyInfo (DER) or a KeyObject.
 */
export function signatureMatchesKey(key: KeyObject, params: kit.SignatureParams, data: Uint8Array, signature: Uint8Array): boolean {
  const hash = digestByName(params.hash)?.openssl;
  if (hash === undefined) return false;
  try {
    // PureEdDSA: no digest (RFC 8419); core has checked the encodings, and fits the key to the scheme.
    if (params.scheme === 'ed25519') return key.asymmetricKeyType === 'ed25519' && verify(null, data, key, signature);
    if (params.scheme === 'ecdsa') return verify(hash, data, { key, dsaEncoding: 'der' }, signature);
    if (params.scheme === 'rsa-pss') return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength }, signature);
    return verify(hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    // A key or algorithm Node cannot check is no evidence that the signature is good.
    return false;
  }
}

/**
 * The public key of a SubjectPublicKeyInfo; ERR_UNSUPPORTED_KEY when Node cannot load it. RSA keys go
 * in as a JWK (some 20 times cheaper than OpenSSL 3's SPKI decoding, which a campaign pays per recipient).
 */
export function publicKeyOf(spki: Uint8Array): KeyObject {
  try {
    const jwk = kit.rsaPublicJwkOfSpki(spki);
    if (jwk !== null) return createPublicKey({ key: jwk, format: 'jwk' });
    return createPublicKey({ key: Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength), format: 'der', type: 'spki' });
  } catch (error) {
    throw new SealpostError('ERR_UNSUPPORTED_KEY', 'the public key could not be loaded', { cause: error });
  }
}
