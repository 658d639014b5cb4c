/**
 * Throwing readers for certificates, keys and PKCS#12: thin wrappers over the accessors in
 * accessors.ts (one reader, one set of accessors), for callers that want an error naming the
 * structure that did not fit rather than a null. They throw Asn1ShapeError; `readAs` turns that (or
 * any other failure) into a SealpostError with the caller's code.
 */
import { latin1Decode, stripLeadingZeros } from '../bytes.js';
import { SealpostError, isSealpostError, type ErrorCode } from '../errors.js';
import { bitStringOf, booleanOf, childrenOf, explicitOf, integerContents, isContext, isUniversal, octetsOf, type BitStringValue } from './accessors.js';
import { TAG, UNIVERSAL, oidText, parseBer, parseBerSequence, type BerNode } from './ber-reader.js';
import { timeOf } from './time.js';

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
export function decodeAsn1(bytes: Uint8Array, what: string): BerNode {
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
      if (node.children.some((segment) => !isUniversal(segment, tag))) shapeError(`${what}: bad constructed segment`);
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

/** The elements of any constructed value. */
export function expectChildren(node: BerNode, what: string): readonly BerNode[] {
  return childrenOf(node) ?? shapeError(`${what}: expected a constructed value`);
}

export function expectSequence(node: BerNode, what: string): readonly BerNode[] {
  if (!isUniversal(node, TAG.SEQUENCE)) shapeError(`${what}: expected SEQUENCE`);
  return expectChildren(node, what);
}

export function expectSet(node: BerNode, what: string): readonly BerNode[] {
  if (!isUniversal(node, TAG.SET)) shapeError(`${what}: expected SET`);
  return expectChildren(node, what);
}

/** Element `index` of a list, or a shape error naming what was expected there. */
export function at<T>(list: readonly T[], index: number, what: string): T {
  const item = list[index];
  if (item === undefined) shapeError(`${what}: missing`);
  return item;
}

/** The inner value of an [n] EXPLICIT tag. */
export function expectExplicit(node: BerNode, tagNumber: number, what: string): BerNode {
  if (!isContext(node, tagNumber)) shapeError(`${what}: expected [${tagNumber}]`);
  return explicitOf(node, tagNumber) ?? shapeError(`${what}: expected one value inside [${tagNumber}]`);
}

/**
 * Dotted OID text. Certificates, keys and PKCS#12 have always been read without the CMS engine's
 * check that no arc starts with 0x80 (accessors' oidOf); that leniency is kept here as it was.
 */
export function expectOid(node: BerNode, what: string): string {
  if (!isUniversal(node, TAG.OID)) shapeError(`${what}: expected OBJECT IDENTIFIER`);
  if (node.constructed) shapeError(`${what}: expected a primitive value`);
  return oidText(node.contents) ?? shapeError(`${what}: bad OBJECT IDENTIFIER`);
}

/** The content octets of an INTEGER (two's complement, as encoded). */
export function expectIntegerContents(node: BerNode, what: string): Uint8Array {
  if (!isUniversal(node, TAG.INTEGER)) shapeError(`${what}: expected INTEGER`);
  if (node.constructed) shapeError(`${what}: expected a primitive value`);
  return integerContents(node) ?? shapeError(`${what}: empty INTEGER`);
}

/** Any INTEGER as a bigint (an encoding with redundant leading octets is read too, as it always was here). */
export function expectInteger(node: BerNode, what: string): bigint {
  const content = expectIntegerContents(node, what);
  let value = 0n;
  for (const byte of content) value = (value << 8n) | BigInt(byte);
  if (((content[0] ?? 0) & 0x80) !== 0) value -= 1n << BigInt(content.length * 8);
  return value;
}

/** A non-negative INTEGER no larger than `max`, as a number (versions, counts, lengths). */
export function expectSmallInteger(node: BerNode, what: string, max: number): number {
  const value = expectInteger(node, what);
  if (value < 0n || value > BigInt(max)) shapeError(`${what}: out of range`);
  return Number(value);
}

/** Big-endian magnitude of a non-negative INTEGER, without sign octets (a view). */
export function expectUnsignedInteger(node: BerNode, what: string): Uint8Array {
  const content = expectIntegerContents(node, what);
  if (((content[0] ?? 0) & 0x80) !== 0) shapeError(`${what}: negative INTEGER`);
  return stripLeadingZeros(content);
}

export function expectBoolean(node: BerNode, what: string): boolean {
  if (!isUniversal(node, TAG.BOOLEAN)) shapeError(`${what}: expected BOOLEAN`);
  if (node.constructed) shapeError(`${what}: expected a primitive value`);
  return booleanOf(node) ?? shapeError(`${what}: bad BOOLEAN`);
}

/** OCTET STRING contents, joining the segments of a BER constructed encoding. */
export function expectOctetString(node: BerNode, what: string): Uint8Array {
  if (!isUniversal(node, TAG.OCTET_STRING)) shapeError(`${what}: expected OCTET STRING`);
  return expectOctets(node, what);
}

/**
 * Content octets of a string-like value whatever its tag (for [n] IMPLICIT OCTET STRING); a
 * constructed encoding is the concatenation of its OCTET STRING segments.
 */
export function expectOctets(node: BerNode, what: string): Uint8Array {
  return octetsOf(node) ?? shapeError(`${what}: bad constructed segment`);
}

export function expectBitString(node: BerNode, what: string): BitStringValue {
  if (!isUniversal(node, TAG.BIT_STRING) || node.constructed) shapeError(`${what}: expected BIT STRING`);
  return bitStringOf(node) ?? shapeError(`${what}: bad BIT STRING`);
}

/** BIT STRING holding whole octets (keys, signatures). */
export function expectBitStringBytes(node: BerNode, what: string): Uint8Array {
  const value = expectBitString(node, what);
  if (value.unusedBits !== 0) shapeError(`${what}: BIT STRING is not a whole number of octets`);
  return value.bytes;
}

/** A certificate time, strictly as RFC 5280 4.1.2.5 writes it (see time.ts). */
export function expectTime(node: BerNode, what: string): Date {
  if (!isUniversal(node, TAG.UTC_TIME) && !isUniversal(node, TAG.GENERALIZED_TIME)) shapeError(`${what}: expected a time`);
  return timeOf(node, 'certificate') ?? shapeError(`${what}: bad ${isUniversal(node, TAG.UTC_TIME) ? 'UTCTime' : 'GeneralizedTime'}`);
}

/** Text of a directory or IA5 string, or null when `node` is not a string type. */
export function stringOf(node: BerNode, what: string): string | null {
  if (node.cls !== UNIVERSAL) return null;
  const tagNumber = node.tagNumber;
  const known: readonly number[] = [TAG.UTF8_STRING, TAG.NUMERIC_STRING, TAG.PRINTABLE_STRING, TAG.TELETEX_STRING, TAG.IA5_STRING, TAG.VISIBLE_STRING, TAG.UNIVERSAL_STRING, TAG.BMP_STRING];
  if (!known.includes(tagNumber)) return null;
  const content = expectOctets(node, what);
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
