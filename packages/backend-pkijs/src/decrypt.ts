import type { DecryptRequest, DecryptResult } from '@sealpost/core';
import { arrayBufferBacked, backendKit as kit, SealpostError } from '@sealpost/core';
import { PKIJS_CAPABILITIES } from './capabilities.js';
import { decryptContent } from './content-encryption.js';
import type { Context } from './context.js';
import { unwrapKey } from './key-transport.js';
import { privateKeyFacts } from './keys.js';

/** WebCrypto (and the raw RSA hook or BigInt RSA for PKCS#1 v1.5) as the CMS engine's decryption primitives. */
function primitivesFor(ctx: Context): kit.DecryptPrimitives {
  return {
    unwrapKey: async (input) => {
      const key = privateKeyFacts(kit.pkcs8Of(input.privateKey));
      if (key.kind !== 'rsa') throw new SealpostError('ERR_UNSUPPORTED_KEY', 'key transport needs an RSA private key');
      return unwrapKey(ctx, input.transport, key.pkcs8, key.rsaPrivateKey, arrayBufferBacked(input.encryptedKey), input.keyLength);
    },
    decryptContent: (input) => decryptContent(ctx, input.cipher, arrayBufferBacked(input.key), input.parameters, input.ciphertext, input.mac, input.additionalData),
  };
}

/**
 * Decrypts EnvelopedData (AES-CBC) or AuthEnvelopedData (AES-GCM) for the recipient `certificate`:
 * core's CMS engine reads the envelope and finds the recipient before any key is touched; once it
 * has, every failure is the one `decryptionFailed()` error.
 */
export function decryptCms(ctx: Context, request: DecryptRequest): Promise<DecryptResult> {
  return kit.decryptEnvelope(primitivesFor(ctx), PKIJS_CAPABILITIES, request);
}
