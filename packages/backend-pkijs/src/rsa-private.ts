import * as kit from '@sealpost/core/backend-kit';
import { bigIntToBytes, byteLength, bytesToBigInt, modInverse, modPow } from '@sealpost/core/backend-kit';
import type { Bytes } from './bytes.js';

/**
 * The RSA private-key operation in BigInt arithmetic, for runtimes whose WebCrypto has no raw RSA.
 * It is not constant-time. Two kinds of blinding keep its timing from depending on the attacker's
 * ciphertext or on fixed exponent bits: the base is multiplied by r^e for a fresh random r, and each
 * CRT exponent gets a random multiple of (p-1) or (q-1) added. The result is checked against the
 * public key, so a faulty computation never leaves this function.
 */

interface RsaPrivateKey {
  readonly n: bigint;
  readonly e: bigint;
  readonly p: bigint;
  readonly q: bigint;
  readonly dp: bigint;
  readonly dq: bigint;
  readonly qInv: bigint;
  readonly size: number;
}

/** RSAPrivateKey (RFC 8017 A.1.2), two-prime only; null if malformed. */
function parseRsaPrivateKey(der: Uint8Array): RsaPrivateKey | null {
  const parts = kit.childrenOf(kit.decodeElement(der) ?? undefined);
  if (parts === null || parts.length !== 9 || kit.smallIntegerOf(parts[0]) !== 0) return null;
  const values: bigint[] = [];
  for (const node of parts.slice(1)) {
    const magnitude = kit.unsignedIntegerOf(node);
    if (magnitude === null) return null;
    values.push(bytesToBigInt(magnitude));
  }
  const [n, e, , p, q, dp, dq, qInv] = values as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
  if (n < 3n || e < 3n || p < 3n || q < 3n) return null;
  return { n, e, p, q, dp, dq, qInv, size: byteLength(n) };
}

const BLINDING_BITS = 64n;

function randomBelow(limit: bigint, random: (length: number) => Bytes): bigint {
  // 8 extra bytes make the bias of the reduction negligible.
  return bytesToBigInt(random(byteLength(limit) + 8)) % limit;
}

/**
 * Computes the raw block c^d mod n of `ciphertext` (left-padded to the modulus length), or null
 * when the key is malformed, the ciphertext is not smaller than n, or the result fails its check.
 */
export function rsaPrivateRaw(rsaPrivateKey: Uint8Array, ciphertext: Uint8Array, random: (length: number) => Bytes): Bytes | null {
  const key = parseRsaPrivateKey(rsaPrivateKey);
  if (key === null) return null;
  const { n, e, p, q, dp, dq, qInv } = key;
  const c = bytesToBigInt(ciphertext);
  if (c >= n) return null;

  let r = 0n;
  let rInv: bigint | null = null;
  while (rInv === null || r < 2n) {
    r = randomBelow(n, random);
    rInv = modInverse(r, n);
  }
  const blinded = (c * modPow(r, e, n)) % n;

  const k1 = bytesToBigInt(random(Number(BLINDING_BITS / 8n)));
  const k2 = bytesToBigInt(random(Number(BLINDING_BITS / 8n)));
  const m1 = modPow(blinded % p, dp + k1 * (p - 1n), p);
  const m2 = modPow(blinded % q, dq + k2 * (q - 1n), q);
  const h = (((qInv * (m1 - m2)) % p) + p) % p;
  const m = ((m2 + h * q) * rInv) % n;

  if (modPow(m, e, n) !== c) return null;
  return bigIntToBytes(m, key.size);
}
