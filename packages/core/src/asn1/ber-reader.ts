import { SealpostError } from '../errors.js';

/**
 * A minimal BER reader that keeps byte offsets: core needs the exact received bytes of some
 * structures (signed attributes, certificates), which re-encoding parsers lose. It accepts BER
 * (indefinite lengths, constructed strings) because NSS and GnuPG emit it.
 */
export interface BerNode {
  /** 0 universal, 1 application, 2 context, 3 private. */
  readonly cls: number;
  readonly constructed: boolean;
  readonly tagNumber: number;
  /** Exact bytes of the whole element (tag, length, contents, end-of-contents if indefinite). */
  readonly raw: Uint8Array;
  /** Contents bytes (without the end-of-contents octets of an indefinite form). */
  readonly contents: Uint8Array;
  readonly children: readonly BerNode[];
}

const MAX_DEPTH = 64;

function malformed(why: string): SealpostError {
  return new SealpostError('ERR_ASN1_MALFORMED', `malformed ASN.1: ${why}`);
}

interface Cursor {
  readonly bytes: Uint8Array;
  pos: number;
}

function readNode(c: Cursor, end: number, depth: number): BerNode {
  if (depth > MAX_DEPTH) throw malformed('nesting too deep');
  const start = c.pos;
  if (c.pos >= end) throw malformed('unexpected end of data');
  const first = c.bytes[c.pos++]!;
  const cls = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let i = 0; ; i++) {
      if (c.pos >= end || i > 4) throw malformed('bad tag');
      const b = c.bytes[c.pos++]!;
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (c.pos >= end) throw malformed('missing length');
  const lenByte = c.bytes[c.pos++]!;
  if (lenByte === 0x80) {
    if (!constructed) throw malformed('indefinite length on a primitive');
    const contentStart = c.pos;
    const children: BerNode[] = [];
    for (;;) {
      if (c.pos + 2 > end) throw malformed('missing end-of-contents');
      if (c.bytes[c.pos] === 0 && c.bytes[c.pos + 1] === 0) break;
      children.push(readNode(c, end, depth + 1));
    }
    const contentEnd = c.pos;
    c.pos += 2;
    return {
      cls,
      constructed,
      tagNumber,
      raw: c.bytes.subarray(start, c.pos),
      contents: c.bytes.subarray(contentStart, contentEnd),
      children,
    };
  }
  let length = lenByte;
  if (lenByte & 0x80) {
    const n = lenByte & 0x7f;
    if (n > 4) throw malformed('length too large');
    length = 0;
    for (let i = 0; i < n; i++) {
      if (c.pos >= end) throw malformed('truncated length');
      length = length * 256 + c.bytes[c.pos++]!;
    }
  }
  const contentStart = c.pos;
  const contentEnd = contentStart + length;
  if (contentEnd > end) throw malformed('content runs past the end');
  const children: BerNode[] = [];
  if (constructed) {
    const inner: Cursor = { bytes: c.bytes, pos: contentStart };
    while (inner.pos < contentEnd) children.push(readNode(inner, contentEnd, depth + 1));
  }
  c.pos = contentEnd;
  return {
    cls,
    constructed,
    tagNumber,
    raw: c.bytes.subarray(start, contentEnd),
    contents: c.bytes.subarray(contentStart, contentEnd),
    children,
  };
}

/** Parses one element that must span the whole input. */
export function parseBer(bytes: Uint8Array): BerNode {
  const c: Cursor = { bytes, pos: 0 };
  const node = readNode(c, bytes.length, 0);
  if (c.pos !== bytes.length) throw malformed('trailing data');
  return node;
}

/** Parses elements written one after another (a DER certificate bundle); each `raw` is its exact bytes. */
export function parseBerSequence(bytes: Uint8Array): BerNode[] {
  const c: Cursor = { bytes, pos: 0 };
  const nodes: BerNode[] = [];
  while (c.pos < bytes.length) nodes.push(readNode(c, bytes.length, 0));
  return nodes;
}

export const UNIVERSAL = 0;
export const CONTEXT = 2;
/** Universal tag numbers (X.680 8.4). */
export const TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  NUMERIC_STRING: 18,
  PRINTABLE_STRING: 19,
  TELETEX_STRING: 20,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  VISIBLE_STRING: 26,
  UNIVERSAL_STRING: 28,
  BMP_STRING: 30,
} as const;

/** Dotted text of OBJECT IDENTIFIER contents octets, or null when they are empty or truncated. */
export function oidText(contents: Uint8Array): string | null {
  if (contents.length === 0) return null;
  const arcs: bigint[] = [];
  let value = 0n;
  for (let i = 0; i < contents.length; i++) {
    value = (value << 7n) | BigInt(contents[i]! & 0x7f);
    if ((contents[i]! & 0x80) === 0) {
      arcs.push(value);
      value = 0n;
    } else if (i === contents.length - 1) return null;
  }
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}
