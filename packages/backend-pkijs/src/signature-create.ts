import type { DigestAlgorithm, SignatureScheme } from '@sealpost/core';
import { arrayBufferBacked, SealpostError } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { webCryptoHash } from './algorithms.js';
import type { Bytes } from './bytes.js';
import type { Context } from './context.js';
import { ecdsaSignatureToDer } from './ecdsa-signature.js';
import { CURVE25519_ALGORITHMS, type PrivateKeyFacts, unsupportedInRuntime } from './keys.js';

/** Signs `data` with WebCrypto and returns the signature as CMS carries it (ECDSA as DER). */
export async function createSignature(ctx: Context, key: PrivateKeyFacts, scheme: SignatureScheme, digest: DigestAlgorithm, data: Uint8Array): Promise<Bytes> {
  if (key.kind === 'ed25519') return signEd25519(ctx, key, data);
  if (key.kind === 'x25519') throw new SealpostError('ERR_UNSUPPORTED_KEY', 'an X25519 key cannot sign');
  const hash = webCryptoHash(digest);
  if (key.kind === 'rsa') {
    const name = scheme === 'rsa-pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5';
    const cryptoKey = await importPrivateKey(ctx, key, { name, hash });
    // The salt is as long as the hash, as RFC 4055 recommends and signingParams() declares.
    const algorithm = scheme === 'rsa-pss' ? { name, saltLength: kit.digestLength(digest) } : { name };
    return new Uint8Array(await ctx.subtle.sign(algorithm, cryptoKey, arrayBufferBacked(data)));
  }
  const cryptoKey = await importPrivateKey(ctx, key, { name: 'ECDSA', namedCurve: key.curve });
  return ecdsaSignatureToDer(new Uint8Array(await ctx.subtle.sign({ name: 'ECDSA', hash }, cryptoKey, arrayBufferBacked(data))));
}

/** PureEdDSA over the signed attributes (RFC 8419 3.1): 64 octets, as CMS carries them. */
async function signEd25519(ctx: Context, key: Extract<PrivateKeyFacts, { kind: 'ed25519' }>, data: Uint8Array): Promise<Bytes> {
  let cryptoKey: CryptoKey;
  try {
    cryptoKey = await ctx.keys.privateKey(key, 'sign:Ed25519', () => ctx.subtle.importKey('pkcs8', arrayBufferBacked(key.pkcs8), CURVE25519_ALGORITHMS.ed25519, false, ['sign']));
  } catch (error) {
    throw unsupportedInRuntime(error, 'ERR_UNSUPPORTED_SIGNATURE', 'Ed25519') ?? new SealpostError('ERR_KEY_MALFORMED', 'the private key could not be imported into WebCrypto');
  }
  return new Uint8Array(await ctx.subtle.sign(CURVE25519_ALGORITHMS.ed25519, cryptoKey, arrayBufferBacked(data)));
}

async function importPrivateKey(ctx: Context, key: PrivateKeyFacts, algorithm: RsaHashedImportParams | EcKeyImportParams): Promise<CryptoKey> {
  try {
    return await ctx.keys.privateKey(key, `sign:${JSON.stringify(algorithm)}`, () => ctx.subtle.importKey('pkcs8', arrayBufferBacked(key.pkcs8), algorithm, false, ['sign']));
  } catch {
    throw new SealpostError('ERR_KEY_MALFORMED', 'the private key could not be imported into WebCrypto');
  }
}
