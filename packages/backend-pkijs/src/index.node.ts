import type { CryptoBackend } from '@sealpost/core';
import { createPkijsBackend as createWithOptions } from './backend.js';
import { nodeDigest, nodeRsaDecryptRaw, nodeRsaEncryptRaw } from './node-rsa.node.js';
import type { PkijsBackendOptions } from './options.js';

export { PKIJS_CAPABILITIES } from './capabilities.js';
export type { PkijsBackendOptions } from './options.js';

/**
 * The package's entry on Node (the `node` export condition): the same backend, with Node's OpenSSL
 * doing the raw RSA operations of PKCS#1 v1.5 key transport (both ways) and the digests, unless
 * `options.rsaDecryptRaw`, `options.rsaEncryptRaw` or `options.digest` names another. WebCrypto has no RSAES-PKCS1-v1_5, and the portable BigInt fallback is some ten times slower;
 * Deno and Bun resolve the `node` condition too and load this entry on their node:crypto (tooling/runtimes
 * runs it there); bundlers for browsers and workers take the portable entry.
 */
export function createPkijsBackend(options: PkijsBackendOptions = {}): CryptoBackend {
  return createWithOptions({ rsaDecryptRaw: nodeRsaDecryptRaw, rsaEncryptRaw: nodeRsaEncryptRaw, digest: nodeDigest, ...options });
}
