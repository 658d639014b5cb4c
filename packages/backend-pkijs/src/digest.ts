import type { DigestAlgorithm } from '@sealpost/core';
import { arrayBufferBacked } from '@sealpost/core';
import { webCryptoHash } from './algorithms.js';
import type { Bytes } from './bytes.js';
import type { Context } from './context.js';

/** The digest of `data` (WebCrypto's, or the `digest` option's); ERR_UNSUPPORTED_DIGEST for MD5 and SHA-224, which WebCrypto lacks. */
export async function computeDigest(ctx: Context, digest: DigestAlgorithm, data: Uint8Array): Promise<Bytes> {
  const name = webCryptoHash(digest);
  if (ctx.digest !== undefined) return arrayBufferBacked(await ctx.digest(name, data));
  return new Uint8Array(await ctx.subtle.digest(name, arrayBufferBacked(data)));
}
