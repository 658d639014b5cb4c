import { type BerNode, der } from '@sealpost/core';

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

export function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/** True when `node` is the OBJECT IDENTIFIER `dotted` (compared as DER, which has one encoding per OID). */
export function oidIs(node: BerNode, dotted: string): boolean {
  return node.cls === 0 && node.tagNumber === 6 && bytesEqual(node.raw, der.oid(dotted));
}

/** A copy that shares no memory with its source (Buffers from streams come from shared pools). */
export function ownCopy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}
