import type { CryptoBackend, DigestRequest } from '@sealpost/core';
import { throwIfAborted } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { FORGE_CAPABILITIES } from './capabilities.js';
import { createContext } from './context.js';
import { computeDigest } from './digest.js';
import type { ForgeBackendOptions } from './options.js';
import { forgePrimitives } from './primitives.js';

/**
 * A CryptoBackend in pure JavaScript: node-forge for RSA arithmetic, AES and hashes, @noble/curves
 * for ECDSA, under core's CMS engine, which reads and writes the CMS. No WebCrypto, no native code,
 * no global state.
 */
export function createForgeBackend(options: ForgeBackendOptions = {}): CryptoBackend {
  const ctx = createContext(options);
  const primitives = forgePrimitives(ctx);
  const backend: CryptoBackend = {
    name: 'forge',
    capabilities: FORGE_CAPABILITIES,
    sign: (request) => kit.signContent(primitives, FORGE_CAPABILITIES, request),
    verify: (request) => kit.verifySignedData(primitives, FORGE_CAPABILITIES, request),
    encrypt: (request) => kit.encryptContent(primitives, FORGE_CAPABILITIES, request),
    decrypt: (request) => kit.decryptEnvelope(primitives, FORGE_CAPABILITIES, request),
    verifyCertificateSignature: (request) => kit.checkCertificateSignature(primitives, request),
    digest: async (request: DigestRequest) => {
      throwIfAborted(request.signal);
      if (!(request.data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
      kit.assertDigest(FORGE_CAPABILITIES, request.algorithm);
      return computeDigest(request.algorithm, request.data);
    },
  };
  return Object.freeze(backend);
}
