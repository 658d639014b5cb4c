/**
 * The PKCS#12 key derivation (RFC 7292 appendix B.2), which the PKCS#12 MAC uses even in files
 * whose bags use PBES2. Iterated hashing needs a synchronous hash to be fast, hence @noble/hashes.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { CHash } from '@noble/hashes/utils.js';
import { concatBytes, utf16beEncode } from '../bytes.js';
import { OID } from '../asn1/oids.js';

export type MacHash = CHash;

const MAC_HASHES: Readonly<Record<string, MacHash>> = {
  [OID.sha1]: sha1,
  [OID.sha224]: sha224,
  [OID.sha256]: sha256,
  [OID.sha384]: sha384,
  [OID.sha512]: sha512,
};

export function macHash(digestOid: string): MacHash | null {
  return MAC_HASHES[digestOid] ?? null;
}

/** Purpose byte of the derivation (RFC 7292 B.3). */
export const KDF_PURPOSE = { key: 1, iv: 2, mac: 3 } as const;

/** RFC 7292 B.1: the password as a BMPString with a two-octet terminator. */
export function bmpPassword(password: string): Uint8Array {
  const units = utf16beEncode(password);
  const out = new Uint8Array(units.length + 2);
  out.set(units);
  return out;
}

function repeatToMultiple(input: Uint8Array, blockLength: number): Uint8Array {
  if (input.length === 0) return input;
  const out = new Uint8Array(Math.ceil(input.length / blockLength) * blockLength);
  for (let i = 0; i < out.length; i++) out[i] = input[i % input.length] ?? 0;
  return out;
}

export function pkcs12Kdf(hash: MacHash, password: Uint8Array, salt: Uint8Array, purpose: number, iterations: number, length: number): Uint8Array {
  const u = hash.outputLen;
  const v = hash.blockLen;
  const diversifier = new Uint8Array(v).fill(purpose);
  const input = concatBytes(repeatToMultiple(salt, v), repeatToMultiple(password, v));
  const out = new Uint8Array(Math.ceil(length / u) * u);
  for (let block = 0; block * u < length; block++) {
    let a: Uint8Array = hash(concatBytes(diversifier, input));
    for (let i = 1; i < iterations; i++) a = hash(a);
    out.set(a, block * u);
    addBlockPlusOne(input, repeatToMultiple(a, v), v);
  }
  return out.subarray(0, length);
}

/** I_j = (I_j + B + 1) mod 2^(8v) for every v-octet block of I (RFC 7292 B.2 step 6C). */
function addBlockPlusOne(input: Uint8Array, b: Uint8Array, v: number): void {
  for (let offset = 0; offset < input.length; offset += v) {
    let carry = 1;
    for (let i = v - 1; i >= 0; i--) {
      const sum = (input[offset + i] ?? 0) + (b[i] ?? 0) + carry;
      input[offset + i] = sum & 0xff;
      carry = sum >> 8;
    }
  }
}

/** The PKCS#12 MAC: HMAC keyed by the PKCS#12 KDF (purpose 3) over the authSafe contents. */
export function pkcs12Mac(hash: MacHash, password: Uint8Array, salt: Uint8Array, iterations: number, data: Uint8Array): Uint8Array {
  const key = pkcs12Kdf(hash, password, salt, KDF_PURPOSE.mac, iterations, hash.outputLen);
  return hmac(hash, key, data);
}
