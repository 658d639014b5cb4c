import { decryptionFailed } from '../errors.js';
import type { BlockDecrypt } from './des.js';

/** The block size of DES, TDEA and RC2. */
export const LEGACY_BLOCK_LENGTH = 8;

/**
 * CBC decryption with an 8-octet block cipher and the RFC 5652 6.3 padding removed. Every failure
 * (a length that is not a whole number of blocks, bad padding) is the one generic decryption error.
 * The padding is judged over the whole last block without branching on its octets, and the single
 * decision comes at the end, as for PKCS#1 v1.5 in `pkcs1v15UnpadKey`.
 */
export function cbcDecrypt(decryptBlock: BlockDecrypt, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  if (iv.length !== LEGACY_BLOCK_LENGTH) throw new RangeError('the IV must be 8 octets');
  if (ciphertext.length === 0 || ciphertext.length % LEGACY_BLOCK_LENGTH !== 0) throw decryptionFailed();
  const out = Uint8Array.from(ciphertext);
  for (let offset = 0; offset < out.length; offset += LEGACY_BLOCK_LENGTH) {
    decryptBlock(out, offset);
    const previous = offset === 0 ? iv : ciphertext.subarray(offset - LEGACY_BLOCK_LENGTH, offset);
    for (let i = 0; i < LEGACY_BLOCK_LENGTH; i++) out[offset + i]! ^= previous[i]!;
  }
  const length = out.length - paddingLength(out);
  return out.subarray(0, length);
}

/** The padding length n (1 to 8) when the last n octets all equal n; otherwise the generic error. */
function paddingLength(plaintext: Uint8Array): number {
  const n = plaintext[plaintext.length - 1]!;
  // bad becomes 1 for n = 0, for n > 8 and for any padding octet that differs from n.
  let bad = ((n - 1) >>> 31) | ((LEGACY_BLOCK_LENGTH - n) >>> 31);
  for (let i = 1; i <= LEGACY_BLOCK_LENGTH; i++) {
    const inPadding = ((i - n - 1) >>> 31) & 1;
    const differs = plaintext[plaintext.length - i]! ^ n;
    bad |= inPadding & ((differs | -differs) >>> 31);
  }
  if (bad !== 0) {
    plaintext.fill(0);
    throw decryptionFailed();
  }
  return n;
}
