import { createCipheriv, createDecipheriv } from 'node:crypto';
import { decryptionFailed } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';

/**
 * AES-CBC, AES-GCM and 3DES-CBC content decryption (and AES encryption) in-process on node:crypto: no
 * private key is involved, so no provider has to see it. Every failure (bad padding, bad tag, wrong
 * length) is the one generic error, and GCM output is released only after `final()` has checked the
 * tag. RC2 is only in OpenSSL's legacy provider, which Node does not load: core's RC2 reads it, as on
 * the other backends.
 */
export function decryptContent(input: kit.ContentDecryption): Uint8Array {
  const { cipher, parameters } = input;
  if (kit.isLegacyCipher(cipher.name) && cipher.name !== 'des-ede3-cbc') return kit.decryptLegacyContent(input);
  try {
    if (parameters.mode === 'cbc') {
      const decipher = createDecipheriv(cipher.name, input.key, parameters.iv);
      return new Uint8Array(Buffer.concat([decipher.update(input.ciphertext), decipher.final()]));
    }
    if (input.mac === null || input.mac.length !== parameters.icvLength) throw decryptionFailed();
    const decipher = createDecipheriv(cipher.name as 'aes-256-gcm', input.key, parameters.nonce, { authTagLength: parameters.icvLength });
    decipher.setAuthTag(input.mac);
    if (input.additionalData !== null) decipher.setAAD(input.additionalData);
    const head = decipher.update(input.ciphertext);
    const tail = decipher.final();
    return new Uint8Array(Buffer.concat([head, tail]));
  } catch {
    throw decryptionFailed();
  }
}

/** AES-CBC or AES-GCM encryption in node:crypto with the key and the fresh IV or nonce core chose. */
export function encryptContent(input: kit.ContentEncryption): { ciphertext: Uint8Array; mac: Uint8Array | null } {
  const { cipher, parameters } = input;
  if (parameters.mode === 'cbc') {
    const encipher = createCipheriv(cipher.name, input.key, parameters.iv);
    return { ciphertext: new Uint8Array(Buffer.concat([encipher.update(input.content), encipher.final()])), mac: null };
  }
  const encipher = createCipheriv(cipher.name as 'aes-256-gcm', input.key, parameters.nonce, { authTagLength: parameters.icvLength });
  const ciphertext = new Uint8Array(Buffer.concat([encipher.update(input.content), encipher.final()]));
  return { ciphertext, mac: new Uint8Array(encipher.getAuthTag()) };
}
