import { backendKit as kit, joinBytes } from '@sealpost/core';
import * as asn1js from 'asn1js';
import { copyOf, type Bytes } from './bytes.js';

/** Reading helpers over asn1js nodes. Every reader returns null for shapes it does not expect. */

export type Node = asn1js.AsnType;

const UNIVERSAL = 1;
const CONTEXT = 3;

/**
 * Decodes one BER/DER element that must fill `bytes` (trailing zero bytes, which some encoders
 * append, are tolerated). Limits grow with the input so that large BER messages cut into many
 * segments still decode, while a tiny input cannot explode into a huge tree.
 */
export function decodeElement(bytes: Uint8Array): Node | null {
  if (bytes.length === 0) return null;
  const decoded = asn1js.fromBER(bytes, {
    parseEmbedded: false,
    maxNodes: 10_000 + Math.ceil(bytes.length / 16),
    maxContentLength: bytes.length,
  });
  if (decoded.offset === -1 || decoded.result.error !== '') return null;
  for (let i = decoded.offset; i < bytes.length; i++) if (bytes[i] !== 0) return null;
  return decoded.result;
}

/** The element's bytes exactly as they were received (tag, length and content). */
export function encodingOf(node: Node): Bytes {
  return copyOf(node.valueBeforeDecodeView);
}

export function isUniversal(node: Node | undefined, tagNumber: number): boolean {
  return node !== undefined && node.idBlock.tagClass === UNIVERSAL && node.idBlock.tagNumber === tagNumber;
}

export function isContext(node: Node | undefined, tagNumber: number): boolean {
  return node !== undefined && node.idBlock.tagClass === CONTEXT && node.idBlock.tagNumber === tagNumber;
}

/** Children of a constructed node (SEQUENCE, SET, [n] constructed), or null for a primitive one. */
export function childrenOf(node: Node | undefined): readonly Node[] | null {
  if (node === undefined || !node.idBlock.isConstructed) return null;
  const value = (node.valueBlock as { value?: unknown }).value;
  return Array.isArray(value) ? (value as Node[]) : null;
}

/** Content bytes of a primitive node. */
export function primitiveContent(node: Node | undefined): Uint8Array | null {
  if (node === undefined || node.idBlock.isConstructed) return null;
  const view = (node.valueBlock as { valueHexView?: unknown }).valueHexView;
  return view instanceof Uint8Array ? view : null;
}

/**
 * The octets of an OCTET STRING of any tag, primitive or BER-constructed (segments concatenated,
 * nested segments included).
 */
export function octetsOf(node: Node | undefined): Bytes | null {
  if (node === undefined) return null;
  if (!node.idBlock.isConstructed) {
    const content = primitiveContent(node);
    return content === null ? null : copyOf(content);
  }
  const parts: Uint8Array[] = [];
  for (const child of childrenOf(node) ?? []) {
    if (!isUniversal(child, 4)) return null;
    const part = octetsOf(child);
    if (part === null) return null;
    parts.push(part);
  }
  return joinBytes(parts);
}

export function oidOf(node: Node | undefined): string | null {
  if (!isUniversal(node, 6) || !(node instanceof asn1js.ObjectIdentifier)) return null;
  return node.valueBlock.toString();
}

/** A non-negative INTEGER that fits a JavaScript number. */
export function smallIntegerOf(node: Node | undefined): number | null {
  const content = isUniversal(node, 2) ? primitiveContent(node) : null;
  if (content === null || content.length === 0 || content.length > 6 || (content[0] ?? 0) & 0x80) return null;
  let value = 0;
  for (const b of content) value = value * 256 + b;
  return value;
}

/** The unsigned magnitude of an INTEGER, leading zero bytes removed. */
export function unsignedIntegerOf(node: Node | undefined): Uint8Array | null {
  const content = isUniversal(node, 2) ? primitiveContent(node) : null;
  if (content === null || content.length === 0 || (content[0] ?? 0) & 0x80) return null;
  let i = 0;
  while (i < content.length - 1 && content[i] === 0) i++;
  return content.subarray(i);
}

/** BIT STRING content; only whole-octet, primitive strings (keys, signatures) are accepted. */
export function bitStringBytes(node: Node | undefined): Bytes | null {
  if (!isUniversal(node, 3) || !(node instanceof asn1js.BitString) || node.idBlock.isConstructed) return null;
  if (node.valueBlock.unusedBits !== 0) return null;
  return copyOf(node.valueBlock.valueHexView);
}

/**
 * An AlgorithmIdentifier as core's backend kit reads it: the kit's readers work over core's BER
 * nodes, so the element is read again from its received bytes.
 */
export function algorithmOf(node: Node | undefined): kit.AlgorithmNode | null {
  if (node === undefined || !isUniversal(node, 16)) return null;
  return kit.algorithmOf(kit.decodeElement(encodingOf(node)) ?? undefined);
}

/** A SignerIdentifier or RecipientIdentifier as core's backend kit reads it, from its received bytes. */
export function identifierOf(node: Node | undefined): kit.Identifier | null {
  return node === undefined ? null : kit.identifierOf(kit.decodeElement(encodingOf(node)) ?? undefined);
}
