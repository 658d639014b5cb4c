import type { BerNode } from '@sealpost/core';

/**
 * True when `node` is in DER: definite lengths in their shortest form, primitive strings, SET OF
 * elements in ascending order, minimal INTEGERs, BOOLEANs as 00/FF.
 *
 * Why it matters here: OpenSSL checks a signature over the signed attributes *re-encoded* from its
 * parse, not over the bytes received. For DER attributes (which RFC 5652 5.4 requires) both are the
 * same; for anything else they can differ, so such signatures are not checked at all.
 */
export function isDer(node: BerNode, setOfContents = false): boolean {
  if (!hasShortestDefiniteLength(node)) return false;
  if (node.cls === 0 && !isUniversalDer(node)) return false;
  if (!node.constructed) return true;
  if ((setOfContents || (node.cls === 0 && node.tagNumber === 17)) && !isAscending(node.children)) return false;
  return node.children.every((child) => isDer(child));
}

// Universal string types that DER requires in their primitive form.
const PRIMITIVE_ONLY = new Set([1, 2, 3, 4, 5, 6, 10, 12, 18, 19, 20, 22, 23, 24, 26, 28, 30]);

function isUniversalDer(node: BerNode): boolean {
  if (node.constructed) return !PRIMITIVE_ONLY.has(node.tagNumber);
  const c = node.contents;
  if (node.tagNumber === 1) return c.length === 1 && (c[0] === 0 || c[0] === 0xff);
  if (node.tagNumber === 2) return c.length === 1 || (c.length > 1 && !(c[0] === 0 && (c[1]! & 0x80) === 0) && !(c[0] === 0xff && (c[1]! & 0x80) !== 0));
  return true;
}

function hasShortestDefiniteLength(node: BerNode): boolean {
  const raw = node.raw;
  let i = 1;
  if ((raw[0]! & 0x1f) === 0x1f) while (i < raw.length && (raw[i++]! & 0x80) !== 0);
  const first = raw[i];
  if (first === undefined || first === 0x80) return false;
  const length = node.contents.length;
  if (first < 0x80) return true;
  const octets = first & 0x7f;
  // Long form only when needed, and without a leading zero octet.
  return length >= 0x80 && raw[i + 1] !== 0 && octets === octetsFor(length);
}

function octetsFor(length: number): number {
  let octets = 0;
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets++;
  return octets;
}

function isAscending(children: readonly BerNode[]): boolean {
  for (let i = 1; i < children.length; i++) if (compare(children[i - 1]!.raw, children[i]!.raw) > 0) return false;
  return true;
}

function compare(a: Uint8Array, b: Uint8Array): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}
