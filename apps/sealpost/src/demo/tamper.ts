import { type BerNode, decodeBody, parseBer, parseMime } from '@sealpost/core';

// DER of the OBJECT IDENTIFIER id-data (1.2.840.113549.1.7.1), the type of the encrypted content.
const ID_DATA = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];

/**
 * A copy of an encrypted S/MIME message with one bit flipped in the middle of the ciphertext (the
 * encryptedContent of its EncryptedContentInfo), re-wrapped as base64 under the same header fields.
 */
export function flipCiphertextByte(message: Uint8Array): Uint8Array {
  const root = parseMime(message);
  const der = decodeBody(root);
  const ciphertext = findEncryptedContent(parseBer(der));
  if (ciphertext === undefined || ciphertext.length === 0) throw new Error('no encrypted content found to tamper with');
  const offset = ciphertext.byteOffset - der.byteOffset + Math.floor(ciphertext.length / 2);
  const tampered = der.slice();
  tampered[offset] = tampered[offset]! ^ 0x01;
  const head = root.raw.subarray(0, root.raw.length - root.body.length);
  const body = new TextEncoder().encode(wrapBase64(Buffer.from(tampered).toString('base64')));
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/** EncryptedContentInfo ::= SEQUENCE { contentType, contentEncryptionAlgorithm, [0] IMPLICIT encryptedContent } */
function findEncryptedContent(node: BerNode): Uint8Array | undefined {
  const [type, , content] = node.children;
  if (type !== undefined && content !== undefined && isIdData(type.raw) && content.cls === 2 && content.tagNumber === 0) return firstPrimitive(content);
  for (const child of node.children) {
    const found = findEncryptedContent(child);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** BER may split the ciphertext into segments; flip inside one, never in a segment header. */
function firstPrimitive(node: BerNode): Uint8Array | undefined {
  if (!node.constructed) return node.contents;
  for (const child of node.children) {
    const found = firstPrimitive(child);
    if (found !== undefined && found.length > 0) return found;
  }
  return undefined;
}

function isIdData(bytes: Uint8Array): boolean {
  return bytes.length === ID_DATA.length && ID_DATA.every((b, i) => bytes[i] === b);
}

function wrapBase64(text: string): string {
  return (text.match(/.{1,76}/g) ?? []).join('\r\n') + '\r\n';
}
