import { concatBytes, type Bytes } from './bytes.js';

/**
 * A minimal DER writer. Output structures are assembled from exact bytes (certificates, names and
 * serial numbers are copied verbatim from their source), so nothing is decoded and re-encoded on the
 * way out, and SET OF is sorted as DER requires.
 */

export function encodeLength(length: number): Bytes {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Uint8Array.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...contents: readonly Uint8Array[]): Bytes {
  const body = concatBytes(contents);
  return concatBytes([Uint8Array.of(tag), encodeLength(body.length), body]);
}

export function sequence(...items: readonly Uint8Array[]): Bytes {
  return tlv(0x30, ...items);
}

/** DER SET OF: elements in ascending order of their encodings. */
export function setOf(items: readonly Uint8Array[], tag = 0x31): Bytes {
  return tlv(tag, ...[...items].sort(compareEncodings));
}

function compareEncodings(a: Uint8Array, b: Uint8Array): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function objectIdentifier(oid: string): Bytes {
  const arcs = oid.split('.').map((a) => BigInt(a));
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined) throw new RangeError(`not an object identifier: ${oid}`);
  const out: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) out.push(...base128(arc));
  return tlv(0x06, Uint8Array.from(out));
}

function base128(value: bigint): number[] {
  const digits = [Number(value & 0x7fn)];
  for (let v = value >> 7n; v > 0n; v >>= 7n) digits.unshift(Number(v & 0x7fn) | 0x80);
  return digits;
}

export function integer(value: number | bigint): Bytes {
  let v = BigInt(value);
  if (v < 0n) throw new RangeError('negative integers are not needed here');
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  return tlv(0x02, Uint8Array.from(bytes));
}

export function octetString(bytes: Uint8Array): Bytes {
  return tlv(0x04, bytes);
}

export function derNull(): Bytes {
  return Uint8Array.of(0x05, 0x00);
}

/** [n] EXPLICIT: a constructed context-specific wrapper. */
export function explicit(tagNumber: number, ...items: readonly Uint8Array[]): Bytes {
  return tlv(0xa0 | tagNumber, ...items);
}

/** [n] IMPLICIT on a primitive type: the content bytes under a context-specific primitive tag. */
export function implicitPrimitive(tagNumber: number, content: Uint8Array): Bytes {
  return tlv(0x80 | tagNumber, content);
}

export function algorithmIdentifier(oid: string, parameters?: Uint8Array): Bytes {
  return parameters === undefined ? sequence(objectIdentifier(oid)) : sequence(objectIdentifier(oid), parameters);
}

/** RFC 5652 Time: UTCTime for 1950..2049, GeneralizedTime otherwise, whole seconds, UTC. */
export function time(date: Date): Bytes {
  if (Number.isNaN(date.getTime())) throw new RangeError('signingTime is not a valid date');
  const year = date.getUTCFullYear();
  const two = (n: number): string => String(n).padStart(2, '0');
  const rest = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  if (year >= 1950 && year < 2050) return tlv(0x17, new TextEncoder().encode(`${two(year % 100)}${rest}`));
  if (year < 0 || year > 9999) throw new RangeError('signingTime is out of range');
  return tlv(0x18, new TextEncoder().encode(`${String(year).padStart(4, '0')}${rest}`));
}
