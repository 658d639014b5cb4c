// The raw RSA hook the sealpost CLI gives the pkijs backend on Node (apps/sealpost/src/backends.ts):
// OpenSSL does c^d mod n with no padding, the backend checks the PKCS#1 v1.5 padding itself.
import { constants, createPrivateKey, privateDecrypt } from 'node:crypto';

export async function nodeRsaDecryptRaw(pkcs8, ciphertext) {
  const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  return new Uint8Array(privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, ciphertext));
}
