/** Byte helpers. WebCrypto wants ArrayBuffer-backed views, so `owned` copies anything else. */

export type Bytes = Uint8Array<ArrayBuffer>;

export function owned(bytes: Uint8Array): Bytes {
  if (bytes.buffer instanceof ArrayBuffer) return bytes as Bytes;
  return new Uint8Array(bytes);
}

export function copyOf(bytes: Uint8Array): Bytes {
  return new Uint8Array(bytes);
}

export function concatBytes(parts: readonly Uint8Array[]): Bytes {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Left-pads with zeros to `length` (big-endian integers of a fixed width). */
export function leftPad(bytes: Uint8Array, length: number): Bytes {
  if (bytes.length >= length) return copyOf(bytes);
  const out = new Uint8Array(length);
  out.set(bytes, length - bytes.length);
  return out;
}

/** Strips leading zero bytes (keeps at least one byte). */
export function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}
