/**
 * BigInt arithmetic for the RSA operations WebCrypto does not offer: backend-pkijs's PKCS #1 v1.5
 * decryption without a raw-RSA hook, and core's own check of signatures over SHA-224 and MD5.
 */

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}

/** Big-endian, left-padded to `length`; RangeError if the value does not fit. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array<ArrayBuffer> {
  const hex = value.toString(16);
  if (value < 0n || hex.length > length * 2) throw new RangeError('integer does not fit the requested length');
  const padded = hex.padStart(length * 2, '0');
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Number.parseInt(padded.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * base^exponent mod modulus. Every exponent bit costs one squaring and one multiplication, so the
 * operation count does not depend on the exponent's bits (BigInt itself is not constant-time).
 */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus === 1n) return 0n;
  const b = ((base % modulus) + modulus) % modulus;
  let result = 1n;
  for (const bit of exponent.toString(2)) {
    result = (result * result) % modulus;
    const product = (result * b) % modulus;
    result = bit === '1' ? product : result;
  }
  return result;
}

/** The inverse of a modulo m, or null when gcd(a, m) is not 1. */
export function modInverse(a: bigint, m: bigint): bigint | null {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) return null;
  return ((oldS % m) + m) % m;
}

export function byteLength(value: bigint): number {
  return Math.ceil(value.toString(16).length / 2);
}
