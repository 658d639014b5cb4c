import { arrayBufferBacked, SealpostError } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { decryptContent, encryptContent } from './content-encryption.js';
import type { Context } from './context.js';
import { computeDigest } from './digest.js';
import { deriveEphemeralSharedSecret, deriveSharedSecret, unwrapKeyAes, wrapKeyAes } from './key-agreement.js';
import { unwrapKey, wrapKey } from './key-transport.js';
import { createSignature } from './signature-create.js';
import { verifySignature } from './signature-verify.js';

export type PkijsPrimitives = kit.SignPrimitives & kit.DecryptPrimitives & kit.EncryptPrimitives & kit.KeyAgreementPrimitives & kit.KemPrimitives;

/**
 * WebCrypto (and, for RSA PKCS#1 v1.5 key transport, the raw-RSA hook or BigInt RSA) as the primitives
 * of core's CMS engine, which reads and writes every CMS structure; nothing here parses received CMS.
 * Key agreement is WebCrypto's ECDH and AES-KW (key-agreement.ts); ML-KEM and ML-DSA, which WebCrypto
 * lacks, are @noble/post-quantum's, run by core's backend kit (noble-post-quantum.ts).
 */
export function pkijsPrimitives(ctx: Context): PkijsPrimitives {
  const rsaKey = (input: { readonly spki: Uint8Array }) => {
    // WebCrypto takes the SubjectPublicKeyInfo; RSASSA-PSS keys come back rewrapped as rsaEncryption.
    const key = ctx.keys.publicFacts(input.spki);
    if (key === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', "the certificate's public key is malformed");
    return key;
  };
  return {
    // WebCrypto's RSA is OpenSSL's, BoringSSL's or NSS's, each of which verifies its CRT result.
    checksOwnSignatures: true,
    random: (length) => ctx.random(length),
    digest: (algorithm, data) => computeDigest(ctx, algorithm, data),
    verifySignature: (check) => (check.publicKey.kind === 'ml-dsa' ? kit.mlDsaVerify(check) : verifySignature(ctx, rsaKey(check), check.params, check.data, check.signature)),
    sign: async (input) =>
      kit.isMlDsaScheme(input.params.scheme)
        ? kit.mlDsaSign(kit.pkcs8Of(input.privateKey), input.params.scheme, input.data)
        : createSignature(ctx, ctx.keys.privateFacts(kit.pkcs8Of(input.privateKey)), input.params.scheme, input.params.hash, input.data),
    kemEncapsulate: async (input) => kit.kemEncapsulate(input),
    kemDecapsulate: async (input) => kit.kemDecapsulate(input),
    wrapKey: async (input) => {
      const key = rsaKey(input);
      if (key.kind !== 'rsa') throw new SealpostError('ERR_UNSUPPORTED_KEY', 'key transport needs an RSA key');
      return (await wrapKey(ctx, input.transport, key, arrayBufferBacked(input.key))).encryptedKey;
    },
    encryptContent: (input) => encryptContent(ctx, input.cipher, arrayBufferBacked(input.key), input.parameters, input.content),
    unwrapKey: async (input) => {
      const key = ctx.keys.privateFacts(kit.pkcs8Of(input.privateKey));
      if (key.kind !== 'rsa') throw new SealpostError('ERR_UNSUPPORTED_KEY', 'key transport needs an RSA private key');
      return unwrapKey(ctx, input.transport, key, arrayBufferBacked(input.encryptedKey), input.keyLength);
    },
    deriveSharedSecret: (input) => deriveSharedSecret(ctx, input),
    deriveEphemeralSharedSecret: (input) => deriveEphemeralSharedSecret(ctx, input),
    wrapKeyAes: (input) => wrapKeyAes(ctx, input),
    unwrapKeyAes: (input) => unwrapKeyAes(ctx, input),
    // WebCrypto has neither 3DES nor RC2: core's legacy ciphers read them, as on every backend.
    decryptContent: async (input) =>
      kit.isLegacyCipher(input.cipher.name)
        ? kit.decryptLegacyContent(input)
        : decryptContent(ctx, input.cipher, arrayBufferBacked(input.key), input.parameters, input.ciphertext, input.mac, input.additionalData),
  };
}
