import type { CryptoBackend, DigestRequest } from '@sealpost/core';
import { throwIfAborted } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { PKIJS_CAPABILITIES } from './capabilities.js';
import { createContext } from './context.js';
import { computeDigest } from './digest.js';
import type { PkijsBackendOptions } from './options.js';
import { pkijsPrimitives } from './primitives.js';

/**
 * A CryptoBackend on WebCrypto under core's CMS engine, which reads and writes the CMS. It keeps no
 * global state: the WebCrypto implementation (and the optional raw RSA hook) are captured here and
 * passed to every operation.
 */
export function createPkijsBackend(options: PkijsBackendOptions = {}): CryptoBackend {
  const ctx = createContext(options);
  const primitives = pkijsPrimitives(ctx);
  const backend: CryptoBackend = {
    name: 'pkijs',
    capabilities: PKIJS_CAPABILITIES,
    sign: (request) => kit.signContent(primitives, PKIJS_CAPABILITIES, request),
    verify: (request) => kit.verifySignedData(primitives, PKIJS_CAPABILITIES, request),
    encrypt: (request) => kit.encryptContent(primitives, PKIJS_CAPABILITIES, request),
    decrypt: (request) => kit.decryptEnvelope(primitives, PKIJS_CAPABILITIES, request),
    verifyCertificateSignature: (request) => kit.checkCertificateSignature(primitives, request),
    digest: async (request: DigestRequest) => {
      throwIfAborted(request.signal);
      if (!(request.data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
      return computeDigest(ctx, request.algorithm, request.data);
    },
  };
  return Object.freeze(backend);
}
