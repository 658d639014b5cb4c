// The raw RSA hook the sealpost CLI gives the pkijs backend on Node (apps/sealpost/src/backends.ts):
// OpenSSL does c^d mod n with no padding, the backend checks the PKCS#1 v1.5 padding itself. The
// backend hands over the same key array for the same key, so each key is loaded once, as the CLI does.
import { constants, createPrivateKey, privateDecrypt } from 'node:crypto';

const keys = new WeakMap();

export async function nodeRsaDecryptRaw(pkcs8, ciphertext) {
  let key = keys.get(pkcs8);
  if (key === undefined) {
    key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
    keys.set(pkcs8, key);
  }
  return new Uint8Array(privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, ciphertext));
}
