import { type BerNode, bytesEqual, der } from '@sealpost/core';

/** True when `node` is the OBJECT IDENTIFIER `dotted` (compared as DER, which has one encoding per OID). */
export function oidIs(node: BerNode, dotted: string): boolean {
  return node.cls === 0 && node.tagNumber === 6 && bytesEqual(node.raw, der.oid(dotted));
}
