/**
 * Shape-checked reading of certificates, keys and PKCS#12 on core's BER reader, which keeps the
 * exact received bytes of every value (names, SubjectPublicKeyInfo, TBSCertificate). The helpers
 * throw Asn1ShapeError naming the structure that did not fit; `readAs` turns that (or any other
 * failure) into a SealpostError with the caller's code.
 */
import { CONTEXT, TAG, UNIVERSAL, oidText, parseBer, parseBerSequence, type BerNode } from '../asn1/ber-reader.js';
import { joinBytes, latin1Decode, stripLeadingZeros } from '../bytes.js';
import { SealpostError, isSealpostError, type ErrorCode } from '../errors.js';

export type Asn1 = BerNode;

export class Asn1ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Asn1ShapeError';
  }
}

export function shapeError(what: string): never {
  throw new Asn1ShapeError(what);
}

/** Parses exactly one value filling all of `bytes` (BER accepted: PKCS#12 files are often BER). */
export function decodeAsn1(bytes: Uint8Array, what: string): Asn1 {
  if (bytes.length === 0) shapeError(`${what}: empty input`);
  let node: BerNode;
  try {
    node = parseBer(plainView(bytes));
  } catch {
    return shapeError(`${what}: not one well-formed ASN.1 value`);
  }
  assertWellFormed(node, what);
  return node;
}

// Values read out are views into the input; a subclass (Node's Buffer) would make them that
// subclass too, and callers are promised plain Uint8Arrays.
function plainView(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Refuses, anywhere in the value and not only in the fields read later, what X.690 forbids: reserved
 * universal tags, constructed forms of primitive-only types, string segments of another type, BIT
 * STRINGs with more than seven unused bits, truncated OBJECT IDENTIFIERs. A malformed file then
 * fails as a whole.
 */
function assertWellFormed(node: BerNode, what: string): void {
  if (node.cls === UNIVERSAL) {
    const tag = node.tagNumber;
    if ((tag === 0 && node.constructed && node.contents.length > 0) || tag === 15 || tag >= 37) shapeError(`${what}: reserved universal tag`);
    if (node.constructed && PRIMITIVE_ONLY.has(tag)) shapeError(`${what}: constructed encoding of a primitive type`);
    if (node.constructed && (tag === TAG.OCTET_STRING || tag === TAG.BIT_STRING)) {
      if (node.children.some((segment) => !hasTag(segment, tag))) shapeError(`${what}: bad constructed segment`);
    }
    if (!node.constructed && tag === TAG.BIT_STRING && (node.contents[0] ?? 0) > 7) shapeError(`${what}: bad BIT STRING`);
    if (!node.constructed && tag === TAG.OID && node.contents.length > 0 && oidText(node.contents) === null) shapeError(`${what}: bad OBJECT IDENTIFIER`);
  }
  for (const child of node.children) assertWellFormed(child, what);
}

// BOOLEAN, INTEGER, NULL, OBJECT IDENTIFIER, REAL, RELATIVE-OID, TIME, UTCTime, GeneralizedTime, DATE..DURATION.
const PRIMITIVE_ONLY: ReadonlySet<number> = new Set([1, 2, 5, 6, 9, 13, 14, 23, 24, 31, 32, 33, 34]);

export function readAs<T>(code: ErrorCode, message: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw toSealpostError(error, code, message);
  }
}

export async function readAsAsync<T>(code: ErrorCode, message: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw toSealpostError(error, code, message);
  }
}

function toSealpostError(error: unknown, code: ErrorCode, message: string): SealpostError {
  // Bytes decrypted with a wrong password parse as garbage in a random way: any detail about how they
  // failed to parse would tell the wrong passwords apart, so these errors carry none.
  if (code === 'ERR_PKCS12_PASSWORD') return new SealpostError(code, message);
  if (isSealpostError(error)) return error;
  // Shape messages name structures only, never content, so they are safe to pass on.
  if (error instanceof Asn1ShapeError) return new SealpostError(code, `${message} (${error.message})`);
  return new SealpostError(code, message);
}

export function hasTag(node: Asn1, tagNumber: number): boolean {
  return node.cls === UNIVERSAL && node.tagNumber === tagNumber;
}

export function isContextTag(node: Asn1, tagNumber: number): boolean {
  return node.cls === CONTEXT && node.tagNumber === tagNumber;
}

/** The elements of any constructed value. */
export function childrenOf(node: Asn1, what: string): readonly Asn1[] {
  if (!node.constructed) shapeError(`${what}: expected a constructed value`);
  return node.children;
}

export function sequenceOf(node: Asn1, what: string): readonly Asn1[] {
  if (!hasTag(node, TAG.SEQUENCE)) shapeError(`${what}: expected SEQUENCE`);
  return childrenOf(node, what);
}

export function setOf(node: Asn1, what: string): readonly Asn1[] {
  if (!hasTag(node, TAG.SET)) shapeError(`${what}: expected SET`);
  return childrenOf(node, what);
}

/** Element `index` of a list, or a shape error naming what was expected there. */
export function at<T>(list: readonly T[], index: number, what: string): T {
  const item = list[index];
  if (item === undefined) shapeError(`${what}: missing`);
  return item;
}

/** The inner value of an [n] EXPLICIT tag. */
export function explicitInner(node: Asn1, tagNumber: number, what: string): Asn1 {
  if (!isContextTag(node, tagNumber)) shapeError(`${what}: expected [${tagNumber}]`);
  const inner = childrenOf(node, what);
  if (inner.length !== 1) shapeError(`${what}: expected one value inside [${tagNumber}]`);
  return at(inner, 0, what);
}

function primitiveContent(node: Asn1, what: string): Uint8Array {
  if (node.constructed) shapeError(`${what}: expected a primitive value`);
  return node.contents;
}

export function oidOf(node: Asn1, what: string): string {
  if (!hasTag(node, TAG.OID)) shapeError(`${what}: expected OBJECT IDENTIFIER`);
  return oidText(primitiveContent(node, what)) ?? shapeError(`${what}: bad OBJECT IDENTIFIER`);
}

export function integerOf(node: Asn1, what: string): bigint {
  return twosComplement(integerContent(node, what));
}

/** The content octets of an INTEGER (two's complement, as encoded). */
export function integerContent(node: Asn1, what: string): Uint8Array {
  if (!hasTag(node, TAG.INTEGER)) shapeError(`${what}: expected INTEGER`);
  const content = primitiveContent(node, what);
  if (content.length === 0) shapeError(`${what}: empty INTEGER`);
  return content;
}

function twosComplement(content: Uint8Array): bigint {
  let value = 0n;
  for (const byte of content) value = (value << 8n) | BigInt(byte);
  if (((content[0] ?? 0) & 0x80) !== 0) value -= 1n << BigInt(content.length * 8);
  return value;
}

/** A non-negative INTEGER no larger than `max`, as a number (versions, counts, lengths). */
export function smallIntegerOf(node: Asn1, what: string, max: number): number {
  const value = integerOf(node, what);
  if (value < 0n || value > BigInt(max)) shapeError(`${what}: out of range`);
  return Number(value);
}

/** Big-endian magnitude of a non-negative INTEGER, without sign octets. */
export function unsignedIntegerOf(node: Asn1, what: string): Uint8Array {
  const content = integerContent(node, what);
  if (((content[0] ?? 0) & 0x80) !== 0) shapeError(`${what}: negative INTEGER`);
  return stripLeadingZeros(content);
}

export function booleanOf(node: Asn1, what: string): boolean {
  if (!hasTag(node, TAG.BOOLEAN)) shapeError(`${what}: expected BOOLEAN`);
  const content = primitiveContent(node, what);
  if (content.length !== 1) shapeError(`${what}: bad BOOLEAN`);
  return content[0] !== 0;
}

/** OCTET STRING contents, joining the segments of a BER constructed encoding. */
export function octetsOf(node: Asn1, what: string): Uint8Array {
  if (!hasTag(node, TAG.OCTET_STRING)) shapeError(`${what}: expected OCTET STRING`);
  return contentOctets(node, what);
}

/**
 * Content octets of a string-like value whatever its tag (for [n] IMPLICIT OCTET STRING); a
 * constructed encoding is the concatenation of its OCTET STRING segments.
 */
export function contentOctets(node: Asn1, what: string): Uint8Array {
  if (!node.constructed) return primitiveContent(node, what);
  const segments = childrenOf(node, what).map((segment) => {
    if (!hasTag(segment, TAG.OCTET_STRING)) shapeError(`${what}: bad constructed segment`);
    return contentOctets(segment, what);
  });
  return joinBytes(segments);
}

export interface BitStringValue {
  readonly bytes: Uint8Array;
  readonly unusedBits: number;
}

export function bitStringOf(node: Asn1, what: string): BitStringValue {
  if (!hasTag(node, TAG.BIT_STRING) || node.constructed) shapeError(`${what}: expected BIT STRING`);
  // The first contents octet counts the unused bits of the last; an empty BIT STRING may omit it.
  const unusedBits = node.contents[0] ?? 0;
  const bytes = node.contents.subarray(1);
  if (unusedBits > 7 || (bytes.length === 0 && unusedBits !== 0)) shapeError(`${what}: bad BIT STRING`);
  return { bytes, unusedBits };
}

/** BIT STRING holding whole octets (keys, signatures). */
export function bitStringBytesOf(node: Asn1, what: string): Uint8Array {
  const value = bitStringOf(node, what);
  if (value.unusedBits !== 0) shapeError(`${what}: BIT STRING is not a whole number of octets`);
  return value.bytes;
}

/** The complete encoding of a value, identifier and length included. */
export function encodingOf(node: Asn1): Uint8Array {
  return node.raw;
}

/** Text of a directory or IA5 string, or null when `node` is not a string type. */
export function stringOf(node: Asn1, what: string): string | null {
  if (node.cls !== UNIVERSAL) return null;
  const tagNumber = node.tagNumber;
  const known: readonly number[] = [
    TAG.UTF8_STRING,
    TAG.NUMERIC_STRING,
    TAG.PRINTABLE_STRING,
    TAG.TELETEX_STRING,
    TAG.IA5_STRING,
    TAG.VISIBLE_STRING,
    TAG.UNIVERSAL_STRING,
    TAG.BMP_STRING,
  ];
  if (!known.includes(tagNumber)) return null;
  const content = contentOctets(node, what);
  switch (tagNumber) {
    case TAG.UTF8_STRING:
      return utf8Strict(content, what);
    case TAG.BMP_STRING:
      return utf16beDecode(content, what);
    case TAG.UNIVERSAL_STRING:
      return utf32beDecode(content, what);
    default:
      // PrintableString, IA5String, VisibleString are ASCII; TeletexString is read as Latin-1, as most tools do.
      return latin1Decode(content);
  }
}

function utf8Strict(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return shapeError(`${what}: invalid UTF-8`);
  }
}

function utf16beDecode(bytes: Uint8Array, what: string): string {
  if (bytes.length % 2 !== 0) shapeError(`${what}: odd-length BMPString`);
  let out = '';
  for (let i = 0; i < bytes.length; i += 2) out += String.fromCharCode(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  return out;
}

function utf32beDecode(bytes: Uint8Array, what: string): string {
  if (bytes.length % 4 !== 0) shapeError(`${what}: bad UniversalString`);
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    const point = (((bytes[i] ?? 0) << 24) | ((bytes[i + 1] ?? 0) << 16) | ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0)) >>> 0;
    if (point > 0x10ffff) shapeError(`${what}: bad UniversalString`);
    out += String.fromCodePoint(point);
  }
  return out;
}

/** UTCTime (years 1950-2049, RFC 5280) or GeneralizedTime, both in UTC ("Z"). */
export function timeOf(node: Asn1, what: string): Date {
  const text = latin1Decode(contentOctets(node, what));
  let match: RegExpExecArray | null;
  let year: number;
  if (hasTag(node, TAG.UTC_TIME)) {
    match = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text);
    if (match === null) shapeError(`${what}: bad UTCTime`);
    const yy = Number(match[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (hasTag(node, TAG.GENERALIZED_TIME)) {
    match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(text);
    if (match === null) shapeError(`${what}: bad GeneralizedTime`);
    year = Number(match[1]);
  } else {
    return shapeError(`${what}: expected a time`);
  }
  const [month, day, hour, minute, second] = [2, 3, 4, 5, 6].map((i) => Number(match[i] ?? '0')) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) shapeError(`${what}: time out of range`);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year);
  return date;
}

/** Splits concatenated top-level values (a DER certificate bundle) into their encodings. */
export function splitConcatenated(bytes: Uint8Array, what: string): Uint8Array[] {
  let nodes: BerNode[];
  try {
    nodes = parseBerSequence(plainView(bytes));
  } catch {
    return shapeError(`${what}: not well-formed ASN.1`);
  }
  for (const node of nodes) assertWellFormed(node, what);
  return nodes.map((node) => node.raw);
}
