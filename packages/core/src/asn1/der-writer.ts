/**
 * A minimal DER writer. Every function returns the complete encoding of one value, so structures
 * read like their ASN.1, and parts taken from received data (names, serial numbers, certificates)
 * are copied in as exact bytes rather than decoded and re-encoded. Identifiers are single octets:
 * tag numbers below 31, which covers everything CMS, PKIX and PKCS#12 use.
 */
import { concatBytes, joinBytes, stripLeadingZeros, utf16beEncode, utf8Encode } from '../bytes.js';

type Bytes = Uint8Array<ArrayBuffer>;

/** The length octets of a definite-length encoding, in the shortest form (X.690 10.1). */
export function encodeLength(length: number): Bytes {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('encodeLength: invalid length');
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One TLV whose contents are the concatenation of `contents`. */
export function tlv(identifier: number, ...contents: readonly Uint8Array[]): Bytes {
  const body = joinBytes(contents);
  return concatBytes(Uint8Array.of(identifier), encodeLength(body.length), body);
}

export function sequence(...items: readonly Uint8Array[]): Bytes {
  return tlv(0x30, ...items);
}

/**
 * SET OF in DER order: elements sorted by their encodings (X.690 11.6). `identifier` replaces the
 * SET tag for an [n] IMPLICIT SET OF (0xa0 | n), as CMS uses for certificates and signed attributes.
 */
export function setOf(items: readonly Uint8Array[], identifier = 0x31): Bytes {
  return tlv(identifier, ...[...items].sort(compareEncodings));
}

// X.690 compares the encodings as octet strings, the shorter padded at its end with zero octets.
function compareEncodings(a: Uint8Array, b: Uint8Array): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

/** [n] EXPLICIT: a constructed context-specific wrapper around complete encodings. */
export function explicit(tagNumber: number, ...inner: readonly Uint8Array[]): Bytes {
  return tlv(0xa0 | contextTagNumber(tagNumber), ...inner);
}

/** [n] IMPLICIT over a primitive type: the content octets under a context-specific tag. */
export function implicitPrimitive(tagNumber: number, content: Uint8Array): Bytes {
  return tlv(0x80 | contextTagNumber(tagNumber), content);
}

/** [n] IMPLICIT over a constructed type (SEQUENCE, SET): its elements under a context-specific tag. */
export function implicitConstructed(tagNumber: number, ...elements: readonly Uint8Array[]): Bytes {
  return tlv(0xa0 | contextTagNumber(tagNumber), ...elements);
}

function contextTagNumber(tagNumber: number): number {
  if (!Number.isInteger(tagNumber) || tagNumber < 0 || tagNumber > 30) throw new RangeError('context tag number must be 0..30');
  return tagNumber;
}

/** OBJECT IDENTIFIER from its dotted form ("1.2.840.113549.1.7.2"). */
export function oid(dotted: string): Bytes {
  // The same few dozen identifiers are written into every structure: each is encoded once (a copy is handed out).
  const known = OID_ENCODINGS.get(dotted);
  if (known !== undefined) return known.slice();
  const encoded = encodeOid(dotted);
  if (OID_ENCODINGS.size < 256) OID_ENCODINGS.set(dotted, encoded.slice());
  return encoded;
}

const OID_ENCODINGS = new Map<string, Bytes>();

function encodeOid(dotted: string): Bytes {
  const arcs = dotted.split('.').map((arc) => {
    if (!/^\d+$/.test(arc)) throw new TypeError(`oid: invalid arc in ${dotted}`);
    return BigInt(arc);
  });
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined || first > 2n) throw new TypeError(`oid: invalid ${dotted}`);
  const out: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) out.push(...base128(arc));
  return tlv(0x06, Uint8Array.from(out));
}

function base128(value: bigint): number[] {
  const digits = [Number(value & 0x7fn)];
  for (let rest = value >> 7n; rest > 0n; rest >>= 7n) digits.unshift(Number(rest & 0x7fn) | 0x80);
  return digits;
}

/** INTEGER from a non-negative value (versions, counts, lengths). */
export function integer(value: bigint | number): Bytes {
  const big = BigInt(value);
  if (big < 0n) throw new RangeError('integer: negative values are not supported');
  let hex = big.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const bytes = Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
  return unsignedInteger(bytes);
}

/** INTEGER from big-endian magnitude bytes (leading zeros dropped, a sign octet added if needed). */
export function unsignedInteger(magnitude: Uint8Array): Bytes {
  let content = stripLeadingZeros(magnitude);
  if (content.length === 0) content = Uint8Array.of(0);
  if ((content[0] ?? 0) & 0x80) content = concatBytes(Uint8Array.of(0), content);
  return tlv(0x02, content);
}

export function octetString(bytes: Uint8Array): Bytes {
  return tlv(0x04, bytes);
}

export function bitString(bytes: Uint8Array, unusedBits = 0): Bytes {
  return tlv(0x03, Uint8Array.of(unusedBits), bytes);
}

/** BIT STRING for a NamedBitList: trailing zero bits dropped, as DER requires (X.690 11.2.2). */
export function namedBits(bitNumbers: readonly number[]): Bytes {
  if (bitNumbers.length === 0) return bitString(new Uint8Array(0));
  const highest = Math.max(...bitNumbers);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const bit of bitNumbers) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  return bitString(bytes, 7 - (highest & 7));
}

export function nullValue(): Bytes {
  return Uint8Array.of(0x05, 0x00);
}

export function boolean(value: boolean): Bytes {
  return Uint8Array.of(0x01, 0x01, value ? 0xff : 0x00);
}

export function utf8String(text: string): Bytes {
  return tlv(0x0c, utf8Encode(text));
}

/** BMPString: UTF-16 big-endian code units (PKCS#12 friendlyName). */
export function bmpString(text: string): Bytes {
  return tlv(0x1e, utf16beEncode(text));
}

/**
 * RFC 5280 4.1.2.5 and RFC 5652 Time: UTCTime for 1950 through 2049, GeneralizedTime otherwise;
 * whole seconds, UTC.
 */
export function time(date: Date): Bytes {
  if (Number.isNaN(date.getTime())) throw new RangeError('time: invalid Date');
  const year = date.getUTCFullYear();
  const rest = [date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()].map((n) => String(n).padStart(2, '0')).join('');
  if (year >= 1950 && year < 2050) return tlv(0x17, utf8Encode(`${String(year % 100).padStart(2, '0')}${rest}Z`));
  if (year < 0 || year > 9999) throw new RangeError('time: year out of range');
  return tlv(0x18, utf8Encode(`${String(year).padStart(4, '0')}${rest}Z`));
}

/** AlgorithmIdentifier; `parameters` is a complete encoding (often nullValue()), or absent. */
export function algorithmIdentifier(algorithm: string, parameters?: Uint8Array): Bytes {
  return parameters === undefined ? sequence(oid(algorithm)) : sequence(oid(algorithm), parameters);
}
