import { type BerNode, parseBer } from '@sealpost/core';

/**
 * An editable copy of a BER element tree, read with core's BER reader. Structural mutations edit
 * it and `encodeTree` writes it back with every enclosing length recomputed, so the damage is
 * exactly the one intended and the rest of the CMS still parses.
 */
export interface TreeNode {
  /** The identifier octets as received (one byte, or more for tag numbers >= 31). */
  identifier: Uint8Array;
  constructed: boolean;
  /** 0 universal, 1 application, 2 context, 3 private. */
  cls: number;
  tagNumber: number;
  /** Primitive contents; empty for a constructed element. */
  contents: Uint8Array;
  children: TreeNode[];
  /** Indefinite length (constructed only), with end-of-contents octets. */
  indefinite: boolean;
  /** Number of long-form length octets as received (0 = short form); kept so untouched bytes round-trip. */
  lengthOctets: number;
}

export function toTree(bytes: Uint8Array): TreeNode {
  return fromNode(parseBer(bytes));
}

function fromNode(node: BerNode): TreeNode {
  const header = node.raw.subarray(0, node.contents.byteOffset - node.raw.byteOffset);
  const identifierLength = identifierLengthOf(header);
  const lengthByte = header[identifierLength]!;
  const indefinite = lengthByte === 0x80;
  return {
    identifier: header.slice(0, identifierLength),
    constructed: node.constructed,
    cls: node.cls,
    tagNumber: node.tagNumber,
    contents: node.constructed ? new Uint8Array(0) : node.contents.slice(),
    children: node.constructed ? node.children.map(fromNode) : [],
    indefinite,
    lengthOctets: indefinite || lengthByte < 0x80 ? 0 : lengthByte & 0x7f,
  };
}

function identifierLengthOf(header: Uint8Array): number {
  if ((header[0]! & 0x1f) !== 0x1f) return 1;
  let i = 1;
  while ((header[i]! & 0x80) !== 0) i++;
  return i + 1;
}

export function encodeTree(node: TreeNode): Uint8Array {
  return encodeWithSpans(node).bytes;
}

/** Where a node sits in the encoding: its first byte, first contents byte, and end. */
export interface Span {
  readonly start: number;
  readonly contentsStart: number;
  readonly end: number;
}

export function encodeWithSpans(root: TreeNode): { bytes: Uint8Array; spans: Map<TreeNode, Span> } {
  const spans = new Map<TreeNode, Span>();
  const bodies = new Map<TreeNode, number>();
  const sizeOf = (node: TreeNode): number => {
    const body = node.constructed ? node.children.reduce((n, c) => n + sizeOf(c), 0) : node.contents.length;
    bodies.set(node, body);
    return headerLengthOf(node, body) + body + (node.indefinite ? 2 : 0);
  };
  const total = sizeOf(root);
  const bytes = new Uint8Array(total);
  let pos = 0;
  const write = (node: TreeNode): void => {
    const start = pos;
    const body = bodies.get(node)!;
    bytes.set(node.identifier, pos);
    pos += node.identifier.length;
    const length = node.indefinite ? Uint8Array.of(0x80) : encodeLength(body, node.lengthOctets);
    bytes.set(length, pos);
    pos += length.length;
    const contentsStart = pos;
    if (node.constructed) node.children.forEach(write);
    else {
      bytes.set(node.contents, pos);
      pos += node.contents.length;
    }
    if (node.indefinite) pos += 2;
    spans.set(node, { start, contentsStart, end: pos });
  };
  write(root);
  return { bytes, spans };
}

function headerLengthOf(node: TreeNode, body: number): number {
  return node.identifier.length + (node.indefinite ? 1 : encodeLength(body, node.lengthOctets).length);
}

/** Definite length octets; `minOctets` > 0 forces the long form with at least that many octets. */
export function encodeLength(length: number, minOctets = 0): Uint8Array {
  if (length < 0x80 && minOctets === 0) return Uint8Array.of(length);
  const digits: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) digits.unshift(n % 256);
  while (digits.length < Math.max(1, minOctets)) digits.unshift(0);
  return Uint8Array.of(0x80 | digits.length, ...digits);
}

/** Every node in pre-order, each with its parent (null for the root) and index there. */
export interface Located {
  readonly node: TreeNode;
  readonly parent: TreeNode | null;
  readonly index: number;
  /** Inside an X.509 certificate (the certificate element itself excluded). */
  readonly inCertificate: boolean;
  /** Child indices from the root, dot-separated ("" for the root). */
  readonly path: string;
}

export function walk(root: TreeNode): Located[] {
  const out: Located[] = [];
  const visit = (node: TreeNode, parent: TreeNode | null, index: number, inCertificate: boolean, path: string): void => {
    out.push({ node, parent, index, inCertificate, path });
    const below = inCertificate || looksLikeCertificate(node);
    node.children.forEach((child, i) => visit(child, node, i, below, path === '' ? String(i) : `${path}.${i}`));
  };
  visit(root, null, 0, false, '');
  return out;
}

/** Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE, signature BIT STRING }. */
function looksLikeCertificate(node: TreeNode): boolean {
  const [tbs, alg, sig] = node.children;
  return (
    isUniversal(node, 16) &&
    node.children.length === 3 &&
    tbs !== undefined &&
    isUniversal(tbs, 16) &&
    tbs.children.length >= 6 &&
    alg !== undefined &&
    isUniversal(alg, 16) &&
    sig !== undefined &&
    isUniversal(sig, 3)
  );
}

export function isUniversal(node: TreeNode, tagNumber: number): boolean {
  return node.cls === 0 && node.tagNumber === tagNumber;
}

export function primitive(identifier: number, contents: Uint8Array): TreeNode {
  return {
    identifier: Uint8Array.of(identifier),
    constructed: (identifier & 0x20) !== 0,
    cls: identifier >> 6,
    tagNumber: identifier & 0x1f,
    contents,
    children: [],
    indefinite: false,
    lengthOctets: 0,
  };
}

export function cloneTree(node: TreeNode): TreeNode {
  return { ...node, identifier: node.identifier.slice(), contents: node.contents.slice(), children: node.children.map(cloneTree) };
}

const UNIVERSAL_NAMES: Readonly<Record<number, string>> = {
  1: 'BOOLEAN',
  2: 'INTEGER',
  3: 'BIT STRING',
  4: 'OCTET STRING',
  5: 'NULL',
  6: 'OID',
  12: 'UTF8String',
  16: 'SEQUENCE',
  17: 'SET',
  19: 'PrintableString',
  22: 'IA5String',
  23: 'UTCTime',
  24: 'GeneralizedTime',
};

/** "SEQUENCE", "[0]", "OCTET STRING (constructed)": for reports. */
export function tagName(node: TreeNode): string {
  const base = node.cls === 0 ? (UNIVERSAL_NAMES[node.tagNumber] ?? `UNIVERSAL ${node.tagNumber}`) : node.cls === 2 ? `[${node.tagNumber}]` : `class ${node.cls} tag ${node.tagNumber}`;
  const natural = node.cls === 0 && (node.tagNumber === 16 || node.tagNumber === 17);
  return node.constructed && !natural && node.cls === 0 ? `${base} (constructed)` : base;
}
