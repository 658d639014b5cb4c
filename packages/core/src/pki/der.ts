/**
 * A minimal DER writer for the structures pki/ produces (certificates, PKCS#8, PKCS#12). Every
 * function returns the complete encoding of one value, so structures read like their ASN.1.
 */
import { concatBytes, utf8Encode } from './bytes.js';

function lengthOctets(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One TLV with a single identifier octet (tag numbers below 31, which is all pki/ needs). */
export function tlv(identifier: number, content: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(identifier), lengthOctets(content.length), content);
}

export function sequence(...items: readonly Uint8Array[]): Uint8Array {
  return tlv(0x30, concatBytes(...items));
}

/** SET OF in DER order: elements sorted by their encodings (X.690 11.6). */
export function setOf(items: readonly Uint8Array[]): Uint8Array {
  const sorted = [...items].sort(compareEncodings);
  return tlv(0x31, concatBytes(...sorted));
}

function compareEncodings(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

export function explicit(tagNumber: number, inner: Uint8Array): Uint8Array {
  return tlv(0xa0 | tagNumber, inner);
}

/** [n] IMPLICIT over a primitive type: the content octets under a context-specific tag. */
export function implicitPrimitive(tagNumber: number, content: Uint8Array): Uint8Array {
  return tlv(0x80 | tagNumber, content);
}

export function oid(dotted: string): Uint8Array {
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

/** INTEGER from a non-negative value. */
export function integer(value: bigint | number): Uint8Array {
  const big = BigInt(value);
  if (big < 0n) throw new RangeError('integer: negative values are not written by pki/');
  let hex = big.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const bytes = Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
  return unsignedInteger(bytes);
}

/** INTEGER from big-endian magnitude bytes (leading zeros dropped, a sign octet added if needed). */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  let content = magnitude.subarray(start);
  if (content.length === 0) content = Uint8Array.of(0);
  if ((content[0] ?? 0) & 0x80) content = concatBytes(Uint8Array.of(0), content);
  return tlv(0x02, content);
}

export function octetString(bytes: Uint8Array): Uint8Array {
  return tlv(0x04, bytes);
}

export function bitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  return tlv(0x03, concatBytes(Uint8Array.of(unusedBits), bytes));
}

/** BIT STRING for a NamedBitList: trailing zero bits dropped, as DER requires (X.690 11.2.2). */
export function namedBits(bitNumbers: readonly number[]): Uint8Array {
  if (bitNumbers.length === 0) return bitString(new Uint8Array(0));
  const highest = Math.max(...bitNumbers);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const bit of bitNumbers) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  return bitString(bytes, 7 - (highest & 7));
}

export function nullValue(): Uint8Array {
  return Uint8Array.of(0x05, 0x00);
}

export function boolean(value: boolean): Uint8Array {
  return Uint8Array.of(0x01, 0x01, value ? 0xff : 0x00);
}

export function utf8String(text: string): Uint8Array {
  return tlv(0x0c, utf8Encode(text));
}

/** BMPString: UTF-16 big-endian code units (PKCS#12 friendlyName). */
export function bmpString(text: string): Uint8Array {
  return tlv(0x1e, utf16be(text));
}

export function utf16be(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[i * 2] = unit >> 8;
    out[i * 2 + 1] = unit & 0xff;
  }
  return out;
}

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, UTC. */
export function time(date: Date): Uint8Array {
  if (Number.isNaN(date.getTime())) throw new RangeError('time: invalid Date');
  const year = date.getUTCFullYear();
  const rest = [date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join('');
  if (year >= 1950 && year < 2050) return tlv(0x17, utf8Encode(`${String(year % 100).padStart(2, '0')}${rest}Z`));
  if (year < 0 || year > 9999) throw new RangeError('time: year out of range');
  return tlv(0x18, utf8Encode(`${String(year).padStart(4, '0')}${rest}Z`));
}

export function algorithmIdentifier(algorithm: string, parameters?: Uint8Array): Uint8Array {
  return parameters === undefined ? sequence(oid(algorithm)) : sequence(oid(algorithm), parameters);
}

