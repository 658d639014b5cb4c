import { leftPad, SealpostError } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import type { Context } from './context.js';
import { computeDigest } from './digest.js';
import { ecdsaSign } from './ecdsa.js';
import { ed25519Sign } from './ed25519.js';
import { emsaPkcs1v15 } from './emsa-pkcs1.js';
import { emsaPssEncode } from './emsa-pss.js';
import type { PrivateKeyFacts } from './keys.js';
import { rsaPrivateBlock } from './rsa.js';

/** Signs `data` and returns the signature as CMS carries it (ECDSA as a DER ECDSA-Sig-Value). */
export function createSignature(ctx: Context, key: PrivateKeyFacts, params: kit.SignatureParams, data: Uint8Array): Uint8Array {
  if (key.kind === 'ed25519' || key.kind === 'x25519') {
    if (key.kind === 'x25519' || params.scheme !== 'ed25519') throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', `${params.scheme} cannot be made with an ${key.kind} key`);
    try {
      return ed25519Sign(key.key, data);
    } finally {
      key.key.fill(0);
    }
  }
  if (params.scheme === 'ed25519') throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', 'ed25519 needs an Ed25519 key');
  // ML-DSA never comes here: primitives.ts hands it to core's kit.mlDsaSign.
  if (params.scheme !== 'rsa-pkcs1' && params.scheme !== 'rsa-pss' && params.scheme !== 'ecdsa') throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', `${params.scheme} is not signed here`);
  const hash = computeDigest(params.hash, data);
  if (key.kind === 'ec') {
    if (params.scheme !== 'ecdsa') throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', `${params.scheme} needs an RSA key`);
    return ecdsaSign(key.curve, key.scalar, hash, ctx.random(32));
  }
  if (params.scheme === 'ecdsa') throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', 'ecdsa needs an EC key');
  let encoded: Uint8Array;
  try {
    encoded = params.scheme === 'rsa-pkcs1' ? emsaPkcs1v15(params.hash, hash, key.size) : leftPad(emsaPssEncode(params.hash, hash, key.key.n.bitLength() - 1, ctx.random(params.saltLength)), key.size);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new SealpostError('ERR_UNSUPPORTED_KEY', `the RSA key is too small for ${params.scheme} with ${params.hash}`);
  }
  try {
    return rsaPrivateBlock(key, encoded);
  } catch {
    throw new SealpostError('ERR_KEY_MALFORMED', 'the RSA private key could not sign');
  }
}
