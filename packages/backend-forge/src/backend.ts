import type { CryptoBackend, DigestRequest } from '@sealpost/core';
import { backendKit as kit, throwIfAborted } from '@sealpost/core';
import { FORGE_CAPABILITIES } from './capabilities.js';
import { verifyCertificateSignatureWith } from './certificate-signature.js';
import { createContext } from './context.js';
import { decryptCms } from './decrypt.js';
import { computeDigest } from './digest.js';
import { encryptCms } from './encrypt.js';
import type { ForgeBackendOptions } from './options.js';
import { signCms } from './sign.js';
import { verifyCms } from './verify.js';

/**
 * A CryptoBackend in pure JavaScript: node-forge for RSA arithmetic, AES and hashes, @noble/curves
 * for ECDSA, and CMS written and read here. No WebCrypto, no native code, no global state.
 */
export function createForgeBackend(options: ForgeBackendOptions = {}): CryptoBackend {
  const ctx = createContext(options);
  const backend: CryptoBackend = {
    name: 'forge',
    capabilities: FORGE_CAPABILITIES,
    sign: async (request) => signCms(ctx, request),
    verify: async (request) => verifyCms(request),
    encrypt: async (request) => encryptCms(ctx, request),
    decrypt: async (request) => decryptCms(ctx, request),
    verifyCertificateSignature: async (request) => verifyCertificateSignatureWith(request),
    digest: async (request: DigestRequest) => {
      throwIfAborted(request.signal);
      if (!(request.data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
      kit.assertDigest(FORGE_CAPABILITIES, request.algorithm);
      return computeDigest(request.algorithm, request.data);
    },
  };
  return Object.freeze(backend);
}
