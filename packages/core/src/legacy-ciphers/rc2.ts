import type { BlockDecrypt } from './des.js';

/**
 * RC2 (RFC 2268) decryption, for old S/MIME messages (RFC 3370 4.3.2) and PKCS#12 files (RFC 7292
 * appendix C). The effective key bits are a parameter of their own: an RC2-40 message carries a
 * 5-octet key searched in hours, whatever its length on the wire.
 */

// RFC 2268 section 2: PITABLE, a permutation of 0..255 from the digits of pi.
const PITABLE = Uint8Array.from(
  (
    'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32' +
    'bd8f40eb86b77b0bf09521225c6b4e8254d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626' +
    '6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed708e8eade8052eef784aa72ac354d6a2a' +
    '961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
    '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2e' +
    'c5f3db47e5a59c770aa62068fe7fc1ad'
  )
    .match(/../g)!
    .map((hex) => parseInt(hex, 16)),
);

/** RFC 2268 section 2: the 64 16-bit key words for `key` (1 to 128 octets) and `effectiveBits` (1 to 1024). */
function expandKey(key: Uint8Array, effectiveBits: number): Uint16Array {
  if (key.length < 1 || key.length > 128) throw new RangeError('an RC2 key is 1 to 128 octets');
  if (!Number.isInteger(effectiveBits) || effectiveBits < 1 || effectiveBits > 1024) throw new RangeError('RC2 effective key bits are 1 to 1024');
  const t = key.length;
  const t8 = (effectiveBits + 7) >> 3;
  const tm = 0xff >> (8 * t8 - effectiveBits);
  const l = new Uint8Array(128);
  l.set(key);
  for (let i = t; i < 128; i++) l[i] = PITABLE[(l[i - 1]! + l[i - t]!) & 0xff]!;
  l[128 - t8] = PITABLE[l[128 - t8]! & tm]!;
  for (let i = 127 - t8; i >= 0; i--) l[i] = PITABLE[l[i + 1]! ^ l[i + t8]!]!;
  const words = new Uint16Array(64);
  for (let i = 0; i < 64; i++) words[i] = l[2 * i]! | (l[2 * i + 1]! << 8);
  l.fill(0);
  return words;
}

const ROTATIONS = [1, 2, 3, 5];

/** RC2 block decryption (RFC 2268 section 4) with the given key and effective key bits. */
export function rc2Decryptor(key: Uint8Array, effectiveBits: number): BlockDecrypt {
  const k = expandKey(key, effectiveBits);
  const r = new Uint16Array(4);
  let j = 63;
  // 4.1 backwards: R[i] = (R[i] ror s[i]) - K[j] - (R[i-1] & R[i-2]) - (~R[i-1] & R[i-3]), for i = 3 down to 0.
  const mixRound = (): void => {
    for (let i = 3; i >= 0; i--) {
      const s = ROTATIONS[i]!;
      const v = r[i]!;
      const a = r[(i + 3) & 3]!;
      r[i] = ((v >>> s) | (v << (16 - s))) - k[j]! - (a & r[(i + 2) & 3]!) - (~a & r[(i + 1) & 3]!);
      j--;
    }
  };
  // 4.3 backwards: R[i] = R[i] - K[R[i-1] & 63], for i = 3 down to 0.
  const mashRound = (): void => {
    for (let i = 3; i >= 0; i--) r[i] = r[i]! - k[r[(i + 3) & 3]! & 63]!;
  };
  return (data, offset) => {
    for (let i = 0; i < 4; i++) r[i] = data[offset + 2 * i]! | (data[offset + 2 * i + 1]! << 8);
    j = 63;
    for (let n = 0; n < 5; n++) mixRound();
    mashRound();
    for (let n = 0; n < 6; n++) mixRound();
    mashRound();
    for (let n = 0; n < 5; n++) mixRound();
    for (let i = 0; i < 4; i++) {
      data[offset + 2 * i] = r[i]! & 0xff;
      data[offset + 2 * i + 1] = r[i]! >>> 8;
    }
  };
}
