import { concatBytes, der, leftPad, stripLeadingZeros } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import type { Bytes } from './bytes.js';
import { bytesToBigInt } from '@sealpost/core/backend-kit';

/** CMS carries ECDSA-Sig-Value (DER SEQUENCE { r, s }); WebCrypto speaks raw r||s of fixed width. */

export function ecdsaSignatureToDer(raw: Uint8Array): Bytes {
  const half = raw.length / 2;
  const r = bytesToBigInt(stripLeadingZeros(raw.subarray(0, half)));
  const s = bytesToBigInt(stripLeadingZeros(raw.subarray(half)));
  return der.sequence(der.integer(r), der.integer(s));
}

/** Null when the DER is malformed or a value does not fit the curve. */
export function ecdsaSignatureToRaw(encoding: Uint8Array, size: number): Bytes | null {
  const parts = kit.childrenOf(kit.decodeElement(encoding) ?? undefined);
  const r = kit.unsignedIntegerOf(parts?.[0]);
  const s = kit.unsignedIntegerOf(parts?.[1]);
  if (parts === null || parts.length !== 2 || r === null || s === null || r.length > size || s.length > size) return null;
  return concatBytes(leftPad(r, size), leftPad(s, size));
}
