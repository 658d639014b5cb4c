import type { CryptoBackend, DigestRequest } from '@sealpost/core';
import { throwIfAborted } from '@sealpost/core';
import { PKIJS_CAPABILITIES } from './capabilities.js';
import { verifyCertificateSignatureWith } from './certificate-signature.js';
import { createContext } from './context.js';
import { decryptCms } from './decrypt.js';
import { computeDigest } from './digest.js';
import { encryptCms } from './encrypt.js';
import type { PkijsBackendOptions } from './options.js';
import { signCms } from './sign.js';
import { verifyCms } from './verify.js';

/**
 * A CryptoBackend on PKI.js and WebCrypto. It keeps no global state: the WebCrypto implementation
 * (and the optional raw RSA hook) are captured here and passed to every operation.
 */
export function createPkijsBackend(options: PkijsBackendOptions = {}): CryptoBackend {
  const ctx = createContext(options);
  const backend: CryptoBackend = {
    name: 'pkijs',
    capabilities: PKIJS_CAPABILITIES,
    sign: (request) => signCms(ctx, request),
    verify: (request) => verifyCms(ctx, request),
    encrypt: (request) => encryptCms(ctx, request),
    decrypt: (request) => decryptCms(ctx, request),
    verifyCertificateSignature: (request) => verifyCertificateSignatureWith(ctx, request),
    digest: async (request: DigestRequest) => {
      throwIfAborted(request.signal);
      if (!(request.data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
      return computeDigest(ctx, request.algorithm, request.data);
    },
  };
  return Object.freeze(backend);
}
