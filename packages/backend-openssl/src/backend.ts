import type { CryptoBackend } from '@sealpost/core';
import type { Context } from './context.js';
import { decryptCms } from './decrypt.js';
import { detectOpenssl } from './detect.js';
import { encryptCms } from './encrypt.js';
import { computeDigest, verifyCertificateSignature } from './node-crypto.js';
import { createOpenssl } from './openssl.js';
import { type OpensslBackendOptions, resolveOptions } from './options.js';
import { signCms } from './sign.js';
import { verifyCms } from './verify.js';

/** A CryptoBackend on the system's openssl binary, with the version it found. */
export interface OpensslBackend extends CryptoBackend {
  readonly name: 'openssl';
  /** The OpenSSL version detected at creation, e.g. "3.0.19". */
  readonly opensslVersion: string;
}

/**
 * Probes the openssl binary once (version 3.0 or later, then the algorithms the configured
 * providers offer) and returns a backend whose capabilities say what that setup can do.
 * Every later operation runs one openssl process (signing: one per signer), except digests and certificate signatures,
 * which node:crypto computes in-process.
 */
export async function createOpensslBackend(options: OpensslBackendOptions = {}): Promise<OpensslBackend> {
  const openssl = createOpenssl(resolveOptions(options));
  const { version, capabilities } = await detectOpenssl(openssl);
  const ctx: Context = { openssl, capabilities };
  const backend: OpensslBackend = {
    name: 'openssl',
    opensslVersion: version.text,
    capabilities,
    sign: (request) => signCms(ctx, request),
    verify: (request) => verifyCms(ctx, request),
    encrypt: (request) => encryptCms(ctx, request),
    decrypt: (request) => decryptCms(ctx, request),
    verifyCertificateSignature: (request) => verifyCertificateSignature(request),
    digest: (request) => computeDigest(ctx, request),
  };
  return Object.freeze(backend);
}
