import { constantTimeEqual, SealpostError } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { FORGE_CAPABILITIES } from './capabilities.js';
import { computeDigest } from './digest.js';
import { ecdsaVerify } from './ecdsa.js';
import { ed25519Verify } from './ed25519.js';
import { emsaPkcs1v15Candidates } from './emsa-pkcs1.js';
import { emsaPssVerify } from './emsa-pss.js';
import type { PublicKeyFacts } from './keys.js';
import { modulusBits, rsaPublicBlock } from './rsa.js';

/**
 * True iff `signature` over `data` verifies with `key` under `params`. The algorithm must fit the
 * key (an ECDSA signature is never checked with an RSA key, nor the reverse): a mismatch throws
 * ERR_SIGNATURE_INVALID; a key or digest this backend cannot use throws ERR_UNSUPPORTED_*.
 */
export function verifySignature(key: PublicKeyFacts | null, params: kit.SignatureParams, data: Uint8Array, signature: Uint8Array): boolean {
  if (key === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', "the certificate's public key is malformed");
  if (key.kind === 'other') throw new SealpostError('ERR_UNSUPPORTED_KEY', `public keys of type ${key.oid} are not supported by this backend`);
  const wanted = params.scheme === 'ecdsa' ? 'ec' : params.scheme === 'ed25519' ? 'ed25519' : 'rsa';
  if (wanted !== key.kind) throw new SealpostError('ERR_SIGNATURE_INVALID', `a ${params.scheme} signature cannot come from an ${key.kind.toUpperCase()} key`);
  // PureEdDSA signs the data itself: no digest here.
  if (key.kind === 'ed25519') return ed25519Verify(key.key, data, signature);
  kit.assertDigest(FORGE_CAPABILITIES, params.hash);
  const hash = computeDigest(params.hash, data);

  if (key.kind === 'ec') {
    if (key.curve === null) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'only the named curves P-256, P-384 and P-521 are supported');
    return ecdsaVerify(key.curve, key.point, hash, signature);
  }
  if (key.pssOnly && params.scheme !== 'rsa-pss') throw new SealpostError('ERR_SIGNATURE_INVALID', 'an RSASSA-PSS key cannot make PKCS#1 v1.5 signatures');
  const block = rsaPublicBlock(key, signature);
  if (block === null) return false;
  if (params.scheme === 'rsa-pss') return emsaPssVerify(params.hash, hash, block, modulusBits(key.modulus), params.saltLength);
  // The whole block against encodings built here: nothing received is parsed.
  let candidates: Uint8Array[];
  try {
    candidates = emsaPkcs1v15Candidates(params.hash, hash, block.length);
  } catch {
    return false;
  }
  return candidates.map((expected) => constantTimeEqual(block, expected)).some(Boolean);
}
