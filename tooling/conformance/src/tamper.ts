import { type BerNode, decodeBody, parseBer, parseMime } from '@sealpost/core';

/** The CMS blob inside an application/pkcs7-mime message. */
export function cmsOf(message: Uint8Array): Uint8Array {
  return new Uint8Array(decodeBody(parseMime(message)));
}

function offsetIn(buffer: Uint8Array, node: BerNode): number {
  return node.contents.byteOffset - buffer.byteOffset;
}

/** The EnvelopedData / AuthEnvelopedData SEQUENCE inside a ContentInfo. */
function envelope(cms: Uint8Array): BerNode {
  return parseBer(cms).children[1]!.children[0]!;
}

export interface EnvelopeParts {
  /** Offset and length of the encrypted content octets. */
  readonly ciphertext: { offset: number; length: number };
  /** Offset and length of the first recipient's encryptedKey octets. */
  readonly encryptedKey: { offset: number; length: number };
  /** AuthEnvelopedData mac octets, if present. */
  readonly mac: { offset: number; length: number } | null;
}

export function envelopeParts(cms: Uint8Array): EnvelopeParts {
  const env = envelope(cms);
  const recipients = env.children.find((c) => c.cls === 0 && c.tagNumber === 17)!;
  const ktri = recipients.children[0]!;
  const encryptedKey = ktri.children[ktri.children.length - 1]!;
  const eci = env.children.find((c, i) => i > 1 && c.cls === 0 && c.tagNumber === 16)!;
  const encrypted = eci.children[2]!;
  if (encrypted.constructed) throw new Error('constructed encryptedContent not expected from a backend under test');
  const last = env.children[env.children.length - 1]!;
  const mac = last.cls === 0 && last.tagNumber === 4 ? last : null;
  const part = (n: BerNode) => ({ offset: offsetIn(cms, n), length: n.contents.length });
  return { ciphertext: part(encrypted), encryptedKey: part(encryptedKey), mac: mac === null ? null : part(mac) };
}

export function flipBit(bytes: Uint8Array, offset: number, mask = 0x01): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[offset]! ^= mask;
  return copy;
}
