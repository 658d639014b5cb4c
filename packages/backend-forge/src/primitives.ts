import { SealpostError } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { decryptContent, encryptContent } from './content-encryption.js';
import type { Context } from './context.js';
import { computeDigest } from './digest.js';
import { deriveEphemeralSharedSecret, deriveSharedSecret, unwrapKeyAes, wrapKeyAes } from './key-agreement.js';
import { unwrapKey, wrapKey } from './key-transport.js';
import { privateKeyFacts } from './keys.js';
import { createSignature } from './signature-create.js';
import { verifySignature } from './signature-verify.js';

export type ForgePrimitives = kit.SignPrimitives & kit.DecryptPrimitives & kit.EncryptPrimitives & kit.KeyAgreementPrimitives & kit.KemPrimitives;

/**
 * node-forge (RSA arithmetic, AES, hashes), @noble/curves (ECDSA, ECDH), @noble/ciphers (AES key wrap) and
 * @noble/post-quantum (ML-KEM, ML-DSA)
 * as the primitives of core's CMS engine, which reads and writes every CMS structure; nothing here
 * parses received CMS.
 */
export function forgePrimitives(ctx: Context): ForgePrimitives {
  return {
    random: (length) => ctx.random(length),
    digest: (algorithm, data) => computeDigest(algorithm, data),
    verifySignature: (check) => (check.publicKey.kind === 'ml-dsa' ? kit.mlDsaVerify(check) : verifySignature(check.publicKey, check.params, check.data, check.signature)),
    sign: async (input) =>
      kit.isMlDsaScheme(input.params.scheme)
        ? kit.mlDsaSign(kit.pkcs8Of(input.privateKey), input.params.scheme, input.data)
        : createSignature(ctx, privateKeyFacts(kit.pkcs8Of(input.privateKey)), input.params, input.data),
    kemEncapsulate: async (input) => kit.kemEncapsulate(input),
    kemDecapsulate: async (input) => kit.kemDecapsulate(input),
    wrapKey: async (input) => wrapKey(ctx, input.transport, input.publicKey, input.key).encryptedKey,
    encryptContent: async (input) => encryptContent(input.cipher, input.key, input.parameters, input.content),
    unwrapKey: async (input) => {
      const key = privateKeyFacts(kit.pkcs8Of(input.privateKey));
      if (key.kind !== 'rsa') throw new SealpostError('ERR_UNSUPPORTED_KEY', 'key transport needs an RSA private key');
      return unwrapKey(ctx, input.transport, key, input.encryptedKey, input.keyLength);
    },
    deriveSharedSecret: async (input) => deriveSharedSecret(input),
    deriveEphemeralSharedSecret: async (input) => deriveEphemeralSharedSecret(ctx, input),
    wrapKeyAes: async (input) => wrapKeyAes(input),
    unwrapKeyAes: async (input) => unwrapKeyAes(input),
    // 3DES and RC2 through core's legacy ciphers, not node-forge's, so the same bytes fail the same way on
    // every backend: node-forge 1.4 takes an empty ciphertext as an empty plaintext, and stops its padding
    // check at the first wrong octet.
    decryptContent: async (input) =>
      kit.isLegacyCipher(input.cipher.name) ? kit.decryptLegacyContent(input) : decryptContent(input.cipher, input.key, input.parameters, input.ciphertext, input.mac, input.additionalData),
  };
}
