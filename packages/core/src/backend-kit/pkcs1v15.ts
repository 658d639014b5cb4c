/** RSAES-PKCS1-v1_5 encoding (RFC 8017 7.2) and the RFC 3218 decoding of a content-encryption key. */

/** EM = 0x00 || 0x02 || PS (non-zero random octets, at least 8) || 0x00 || M */
export function pkcs1v15Pad(message: Uint8Array, size: number, random: (length: number) => Uint8Array): Uint8Array<ArrayBuffer> {
  const psLength = size - message.length - 3;
  if (psLength < 8) throw new RangeError('the key is too small for this message');
  const em = new Uint8Array(size);
  em[1] = 0x02;
  let filled = 0;
  while (filled < psLength) {
    for (const b of random(psLength - filled)) if (b !== 0 && filled < psLength) em[2 + filled++] = b;
  }
  em.set(message, size - message.length);
  return em;
}

/** 1 if x is zero, else 0, for x in 0..255, with no branch. */
function isZero(x: number): number {
  return ((x - 1) >>> 31) & 1;
}

/**
 * The `keyLength`-octet key that `em` encodes, or `fallback` when `em` is not a valid encoding of a
 * key of exactly that length. Every octet is examined whatever the content, and the choice is made
 * with masks: neither the result nor the time says which check failed, so a wrong key surfaces only
 * as content that does not decrypt (RFC 3218 2.3.2).
 */
export function pkcs1v15UnpadKey(em: Uint8Array, keyLength: number, fallback: Uint8Array): Uint8Array<ArrayBuffer> {
  if (fallback.length !== keyLength) throw new RangeError('the fallback key has the wrong length');
  const size = em.length;
  // The content cipher fixes the key length, so a valid block has its separator at one known place.
  const separator = size - keyLength - 1;
  // Only public facts (block and key sizes) decide this directly.
  let good = separator >= 10 ? 1 : 0;
  const at = (i: number): number => (i >= 0 && i < size ? (em[i] ?? 0) : 0xff);
  good &= isZero(at(0));
  good &= isZero(at(1) ^ 0x02);
  for (let i = 2; i < separator; i++) good &= 1 - isZero(at(i));
  good &= isZero(at(separator));
  const mask = -good & 0xff;
  const out = new Uint8Array(keyLength);
  for (let i = 0; i < keyLength; i++) out[i] = (at(separator + 1 + i) & mask) | ((fallback[i] ?? 0) & ~mask & 0xff);
  return out;
}
