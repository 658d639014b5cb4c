import { arrayBufferBacked, SealpostError } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { webCryptoHash } from './algorithms.js';
import type { Context } from './context.js';
import { ecdsaSignatureToRaw } from './ecdsa-signature.js';
import { CURVE25519_ALGORITHMS, curveSize, importPublicKey, type PublicKeyFacts, unsupportedInRuntime } from './keys.js';

/**
 * True iff `signature` over `data` verifies with `key` under `params`. The algorithm must fit the
 * key type (an ECDSA signature is never checked with an RSA key, nor the reverse): a mismatch
 * throws ERR_SIGNATURE_INVALID, a key this backend cannot use ERR_UNSUPPORTED_KEY.
 */
export async function verifySignature(ctx: Context, key: PublicKeyFacts | null, params: kit.SignatureParams, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (key === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', "the certificate's public key is malformed");
  if (key.kind === 'other') throw new SealpostError('ERR_UNSUPPORTED_KEY', `public keys of type ${key.oid} are not supported by this backend`);
  const wanted = params.scheme === 'ecdsa' ? 'ec' : params.scheme === 'ed25519' ? 'ed25519' : 'rsa';
  if (wanted !== key.kind) throw new SealpostError('ERR_SIGNATURE_INVALID', `a ${params.scheme} signature cannot come from a ${key.kind.toUpperCase()} key`);
  if (key.kind === 'ed25519') return verifyEd25519(ctx, key, data, signature);
  const hash = webCryptoHash(params.hash);

  if (key.kind === 'rsa') {
    if (key.pssOnly && params.scheme !== 'rsa-pss') throw new SealpostError('ERR_SIGNATURE_INVALID', 'an RSASSA-PSS key cannot make PKCS#1 v1.5 signatures');
    const name = params.scheme === 'rsa-pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5';
    const publicKey = await verifyingKey(ctx, key, { name, hash });
    const algorithm = params.scheme === 'rsa-pss' ? { name, saltLength: params.saltLength } : { name };
    return verifyOrFalse(ctx, algorithm, publicKey, signature, data);
  }
  if (key.curve === null) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'only named curves P-256, P-384 and P-521 are supported');
  const raw = ecdsaSignatureToRaw(signature, curveSize(key.curve));
  if (raw === null) return false;
  const publicKey = await verifyingKey(ctx, key, { name: 'ECDSA', namedCurve: key.curve });
  return verifyOrFalse(ctx, { name: 'ECDSA', hash }, publicKey, raw, data);
}

/** PureEdDSA (RFC 8032, no context) with WebCrypto's Ed25519; core has checked the key's and signature's encodings. */
async function verifyEd25519(ctx: Context, key: Extract<PublicKeyFacts, { kind: 'ed25519' }>, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  let publicKey: CryptoKey;
  try {
    publicKey = await ctx.keys.publicKey(key.spki, 'verify:Ed25519', () => importPublicKey(ctx, key, CURVE25519_ALGORITHMS.ed25519, 'verify'));
  } catch (error) {
    throw unsupportedInRuntime(error, 'ERR_UNSUPPORTED_SIGNATURE', 'Ed25519') ?? new SealpostError('ERR_UNSUPPORTED_KEY', 'the public key could not be imported into WebCrypto');
  }
  return verifyOrFalse(ctx, CURVE25519_ALGORITHMS.ed25519, publicKey, signature, data);
}

async function verifyingKey(ctx: Context, key: Exclude<PublicKeyFacts, { kind: 'other' }>, algorithm: RsaHashedImportParams | EcKeyImportParams): Promise<CryptoKey> {
  try {
    return await ctx.keys.publicKey(key.spki, `verify:${JSON.stringify(algorithm)}`, () => importPublicKey(ctx, key, algorithm, 'verify'));
  } catch {
    throw new SealpostError('ERR_UNSUPPORTED_KEY', 'the public key could not be imported into WebCrypto');
  }
}

async function verifyOrFalse(ctx: Context, algorithm: AlgorithmIdentifier | RsaPssParams | EcdsaParams, key: CryptoKey, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  try {
    return await ctx.subtle.verify(algorithm, key, arrayBufferBacked(signature), arrayBufferBacked(data));
  } catch {
    return false;
  }
}
