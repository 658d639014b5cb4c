import { joinBytes } from '../bytes.js';
import { CONTEXT, TAG, UNIVERSAL, oidText, parseBer, type BerNode } from './ber-reader.js';

/**
 * The one set of accessors over core's BER reader (which keeps the exact received bytes of every
 * element), for the CMS engine, pki/, reports and the backends. Each returns null (or false) for a
 * shape it does not expect, so the caller decides which error that is; pki/'s shape readers
 * (asn1/shape.ts) are thin throwing wrappers over these.
 */

export type Node = BerNode;

/** One BER or DER element spanning all of `bytes`, or null. */
export function decodeElement(bytes: Uint8Array): Node | null {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) return null;
  try {
    return parseBer(bytes);
  } catch {
    return null;
  }
}

export function isUniversal(node: Node | undefined, tagNumber: number): node is Node {
  return node !== undefined && node.cls === UNIVERSAL && node.tagNumber === tagNumber;
}

export function isContext(node: Node | undefined, tagNumber: number): node is Node {
  return node !== undefined && node.cls === CONTEXT && node.tagNumber === tagNumber;
}

/** Children of a constructed element, or null for a primitive one. */
export function childrenOf(node: Node | undefined): readonly Node[] | null {
  return node !== undefined && node.constructed ? node.children : null;
}

/** The exact received bytes of an element, copied so later edits cannot reach the input. */
export function encodingOf(node: Node): Uint8Array<ArrayBuffer> {
  return node.raw.slice();
}

/**
 * The octets of an OCTET STRING under any tag: primitive, or BER-constructed from segments (nested
 * segments included) that are themselves OCTET STRINGs.
 */
export function octetsOf(node: Node | undefined): Uint8Array<ArrayBuffer> | null {
  if (node === undefined) return null;
  if (!node.constructed) return node.contents.slice();
  const parts: Uint8Array[] = [];
  for (const child of node.children) {
    const part = isUniversal(child, TAG.OCTET_STRING) ? octetsOf(child) : null;
    if (part === null) return null;
    parts.push(part);
  }
  return joinBytes(parts);
}

/** Dotted OID text; null unless a primitive OBJECT IDENTIFIER with minimally encoded arcs (X.690 8.19.2). */
export function oidOf(node: Node | undefined): string | null {
  if (!isUniversal(node, TAG.OID) || node.constructed) return null;
  const bytes = node.contents;
  for (let i = 0; i < bytes.length; i++) {
    // An arc may not start with 0x80: the same OID would have two encodings.
    if (bytes[i] === 0x80 && (i === 0 || ((bytes[i - 1] ?? 0) & 0x80) === 0)) return null;
  }
  return oidText(bytes);
}

/** The contents octets of a primitive INTEGER as encoded (sign octet included). */
export function integerContents(node: Node | undefined): Uint8Array | null {
  if (!isUniversal(node, TAG.INTEGER) || node.constructed || node.contents.length === 0) return null;
  return node.contents;
}

/**
 * Whether INTEGER contents are in the one form X.690 8.3.2 allows in BER and DER alike: the first
 * nine bits are neither all zero nor all one.
 */
export function isMinimalInteger(contents: Uint8Array): boolean {
  if (contents.length < 2) return contents.length === 1;
  const first = contents[0] ?? 0;
  const second = contents[1] ?? 0;
  return !((first === 0x00 && (second & 0x80) === 0) || (first === 0xff && (second & 0x80) !== 0));
}

/** A non-negative, minimally encoded INTEGER small enough for a JavaScript number. */
export function smallIntegerOf(node: Node | undefined): number | null {
  const contents = integerContents(node);
  if (contents === null || contents.length > 6 || (contents[0] ?? 0) & 0x80 || !isMinimalInteger(contents)) return null;
  let value = 0;
  for (const b of contents) value = value * 256 + b;
  return value;
}

/** The magnitude of a non-negative INTEGER without leading zero octets (at least one octet). */
export function unsignedIntegerOf(node: Node | undefined): Uint8Array<ArrayBuffer> | null {
  const contents = integerContents(node);
  if (contents === null || (contents[0] ?? 0) & 0x80) return null;
  let i = 0;
  while (i < contents.length - 1 && contents[i] === 0) i++;
  return contents.slice(i);
}

export interface BitStringValue {
  readonly bytes: Uint8Array;
  readonly unusedBits: number;
}

/**
 * A primitive BIT STRING: its octets (a view) and the unused bits of the last one, at most seven. An
 * empty BIT STRING may leave out the unused-bits octet.
 */
export function bitStringOf(node: Node | undefined): BitStringValue | null {
  if (!isUniversal(node, TAG.BIT_STRING) || node.constructed) return null;
  const unusedBits = node.contents[0] ?? 0;
  const bytes = node.contents.subarray(1);
  return unusedBits > 7 || (bytes.length === 0 && unusedBits !== 0) ? null : { bytes, unusedBits };
}

/** BIT STRING contents of a primitive string with no unused bits (keys and signatures). */
export function bitStringBytes(node: Node | undefined): Uint8Array<ArrayBuffer> | null {
  if (!isUniversal(node, TAG.BIT_STRING) || node.constructed || node.contents.length === 0 || node.contents[0] !== 0) return null;
  return node.contents.slice(1);
}

/** A primitive BOOLEAN of one octet: any non-zero octet is true (BER), as X.690 8.2.2 reads it. */
export function booleanOf(node: Node | undefined): boolean | null {
  if (!isUniversal(node, TAG.BOOLEAN) || node.constructed || node.contents.length !== 1) return null;
  return node.contents[0] !== 0;
}

/** The one element inside an [n] EXPLICIT tag, or null. */
export function explicitOf(node: Node | undefined, tagNumber: number): Node | null {
  const inner = isContext(node, tagNumber) ? childrenOf(node) : null;
  return inner === null || inner.length !== 1 ? null : (inner[0] ?? null);
}

/** Whether the element is a NULL: universal 5, primitive, empty. */
export function isNull(node: Node | undefined): boolean {
  return isUniversal(node, TAG.NULL) && !node.constructed && node.contents.length === 0;
}

/** Whether algorithm parameters are absent or NULL, the two forms RFC 5754 and RFC 3370 let readers accept. */
export function absentOrNull(parameters: Node | undefined): boolean {
  return parameters === undefined || isNull(parameters);
}

export interface AlgorithmNode {
  readonly oid: string;
  /** The parameters element if present (NULL included). */
  readonly parameters: Node | undefined;
}

export function algorithmOf(node: Node | undefined): AlgorithmNode | null {
  const parts = isUniversal(node, TAG.SEQUENCE) ? childrenOf(node) : null;
  if (parts === null || parts.length < 1 || parts.length > 2) return null;
  const oid = oidOf(parts[0]);
  return oid === null ? null : { oid, parameters: parts[1] };
}

/**
 * The explicitly tagged fields of a SEQUENCE such as RSASSA-PSS-params, by tag number. Null unless
 * every element is a context-specific constructed field holding exactly one element, in ascending
 * tag order.
 */
export function explicitFields(node: Node | undefined): Map<number, Node> | null {
  const parts = isUniversal(node, TAG.SEQUENCE) ? childrenOf(node) : null;
  if (parts === null) return null;
  const fields = new Map<number, Node>();
  let last = -1;
  for (const part of parts) {
    const inner = part.cls === CONTEXT ? childrenOf(part) : null;
    if (inner === null || inner.length !== 1 || part.tagNumber <= last) return null;
    last = part.tagNumber;
    fields.set(last, inner[0] as Node);
  }
  return fields;
}
