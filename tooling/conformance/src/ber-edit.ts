// Re-encodes a DER structure after changing one element, recomputing every enclosing length, so
// tests can make messages that differ from a good one in exactly one detail.
import { parseBer, type BerNode } from '@sealpost/core';

function lengthOctets(length: number): number[] {
  if (length < 0x80) return [length];
  const out: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) out.unshift(n % 256);
  return [0x80 | out.length, ...out];
}

function element(identifier: number, contents: Uint8Array): Uint8Array {
  return Uint8Array.from([identifier, ...lengthOctets(contents.length), ...contents]);
}

function joined(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * `edit` sees each element with its child-index path and returns replacement bytes for the whole
 * element, or undefined to keep it (constructed elements are then rebuilt from their children).
 */
export function editDer(bytes: Uint8Array, edit: (node: BerNode, path: readonly number[]) => Uint8Array | undefined): Uint8Array {
  const rebuild = (node: BerNode, path: readonly number[]): Uint8Array => {
    const replaced = edit(node, path);
    if (replaced !== undefined) return replaced;
    if (!node.constructed) return node.raw.slice();
    return element(node.raw[0]!, joined(node.children.map((child, i) => rebuild(child, [...path, i]))));
  };
  return rebuild(parseBer(bytes), []);
}

/** Replaces the element at `path`. */
export function replaceAt(bytes: Uint8Array, path: readonly number[], replacement: Uint8Array): Uint8Array {
  const target = path.join('.');
  return editDer(bytes, (_, at) => (at.join('.') === target ? replacement : undefined));
}

/** Drops the last contents octet of the primitive element at `path`. */
export function shortenAt(bytes: Uint8Array, path: readonly number[]): Uint8Array {
  const target = path.join('.');
  return editDer(bytes, (node, at) => (at.join('.') === target ? element(node.raw[0]!, node.contents.subarray(0, node.contents.length - 1)) : undefined));
}

/** The element at `path`. */
export function nodeAt(bytes: Uint8Array, path: readonly number[]): BerNode {
  let node: BerNode | undefined = parseBer(bytes);
  for (const i of path) node = node?.children[i];
  if (node === undefined) throw new Error(`no element at ${path.join('.')}`);
  return node;
}
