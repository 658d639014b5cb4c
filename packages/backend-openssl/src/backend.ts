import { randomBytes } from 'node:crypto';
import type { CryptoBackend } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { encryptContent } from './content-cipher.js';
import type { Context } from './context.js';
import { decryptCms } from './decrypt.js';
import { detectOpenssl } from './detect.js';
import { encryptCms } from './encrypt.js';
import { wrapKey } from './key-transport.js';
import { computeDigest, digestOf } from './node-crypto.js';
import { createOpenssl } from './openssl.js';
import { type OpensslBackendOptions, resolveOptions } from './options.js';
import { signWithOpenssl } from './sign.js';
import { publicKeyOf, signatureMatchesKey } from './signature-check.js';

/** A CryptoBackend on the system's openssl binary, with the version it found. */
export interface OpensslBackend extends CryptoBackend {
  readonly name: 'openssl';
  /** The OpenSSL version detected at creation, e.g. "3.0.19". */
  readonly opensslVersion: string;
}

/**
 * Probes the openssl binary once (version 3.0 or later, then the algorithms the configured
 * providers offer) and returns a backend whose capabilities say what that setup can do.
 * Every private-key operation runs one openssl process (signing: one per signer); what needs no
 * private key (verification, digests, certificate signatures, encryption to RSA keys, AES) runs
 * in-process on node:crypto.
 */
export async function createOpensslBackend(options: OpensslBackendOptions = {}): Promise<OpensslBackend> {
  const openssl = createOpenssl(resolveOptions(options));
  const { version, capabilities } = await detectOpenssl(openssl);
  const ctx: Context = { openssl, capabilities };
  const primitives = opensslPrimitives(ctx);
  const backend: OpensslBackend = {
    name: 'openssl',
    opensslVersion: version.text,
    capabilities,
    sign: (request) => kit.signContent(primitives, capabilities, request),
    verify: (request) => kit.verifySignedData(primitives, capabilities, request),
    encrypt: (request) => encryptCms(ctx, primitives, request),
    decrypt: (request) => decryptCms(ctx, request),
    verifyCertificateSignature: (request) => kit.checkCertificateSignature(primitives, request),
    digest: (request) => computeDigest(ctx, request),
  };
  return Object.freeze(backend);
}

/**
 * The primitives core's CMS engine runs on: openssl (`pkeyutl`) for every private-key operation,
 * node:crypto, Node's own OpenSSL 3, for everything public.
 */
function opensslPrimitives(ctx: Context): kit.SignPrimitives & kit.EncryptPrimitives {
  // (ML-DSA, which OpenSSL 3.0 lacks, runs in-process: kit.mlDsaSign.)
  return {
    // OpenSSL verifies its RSA-CRT result; a key URI's signature is still checked by core.
    checksOwnSignatures: true,
    random: (length) => new Uint8Array(randomBytes(length)),
    digest: (algorithm, data) => digestOf(algorithm, data),
    verifySignature: (check) => (check.publicKey.kind === 'ml-dsa' ? kit.mlDsaVerify(check) : signatureMatchesKey(publicKeyOf(check.spki), check.params, check.data, check.signature)),
    // ML-DSA has no OpenSSL 3.0 implementation: @noble/post-quantum signs in-process (core's backend-kit, noble-post-quantum.ts).
    sign: async (input) => (kit.isMlDsaScheme(input.params.scheme) ? kit.mlDsaSign(kit.pkcs8Of(input.privateKey), input.params.scheme, input.data) : signWithOpenssl(ctx, input)),
    wrapKey: async (input) => wrapKey(input),
    encryptContent: async (input) => encryptContent(input),
  };
}
