import { fromHex } from '../bytes.js';

/**
 * The encoding rules of an Ed25519 signature and key that core decides before any backend checks one, so
 * that every backend agrees on the inputs where Ed25519 implementations differ (RFC 8032 5.1.7 leaves
 * some choices open; OpenSSL decodes a non-canonical key that @noble/curves refuses, and neither refuses
 * the same small-order keys): the signature is R || S with S reduced (S < L), R and the key A are
 * canonical point encodings, and A is not one of the eight points of small order, for which one
 * signature can verify for many messages.
 */

const FIELD_PRIME = 2n ** 255n - 19n;
/** L, the order of the base point (RFC 8032 5.1). */
const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

/** The canonical encodings of the points of order 1, 2, 4 and 8. */
const SMALL_ORDER_POINTS: readonly Uint8Array[] = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
].map(fromHex);

export const ED25519_SIGNATURE_LENGTH = 64;

function littleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] ?? 0);
  return value;
}

/**
 * y below the field prime, and no sign bit on x = 0 (y = 1 or y = -1), the two ways RFC 8032 5.1.3
 * leaves to encode a point twice.
 */
function isCanonicalPoint(encoding: Uint8Array): boolean {
  if (encoding.length !== 32) return false;
  const sign = ((encoding[31] ?? 0) & 0x80) !== 0;
  const y = littleEndian(encoding) & ((1n << 255n) - 1n);
  return y < FIELD_PRIME && !(sign && (y === 1n || y === FIELD_PRIME - 1n));
}

function isSmallOrder(encoding: Uint8Array): boolean {
  return SMALL_ORDER_POINTS.some((point) => point.every((byte, i) => byte === encoding[i]));
}

/** Whether `key` is an Ed25519 public key a signature may be checked with: canonical, not of small order. */
export function isUsableEd25519Key(key: Uint8Array): boolean {
  return isCanonicalPoint(key) && !isSmallOrder(key);
}

/** Whether `signature` has the one shape a valid Ed25519 signature has (64 octets, canonical R, S < L). */
export function ed25519SignatureShapeFits(signature: Uint8Array): boolean {
  return signature.length === ED25519_SIGNATURE_LENGTH && isCanonicalPoint(signature.subarray(0, 32)) && littleEndian(signature.subarray(32)) < GROUP_ORDER;
}
