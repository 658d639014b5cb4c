/**
 * The bridge between Uint8Array, which every public API speaks, and node-forge's "binary strings"
 * (one char per octet, char codes 0 to 255). Conversions happen only at the edge of each forge call;
 * the other byte helpers come from core.
 */

// String.fromCharCode takes its octets as arguments; this many stay well under engines' limits.
const CHUNK = 8192;

export function toBinaryString(bytes: Uint8Array): string {
  const pieces: string[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) pieces.push(String.fromCharCode(...bytes.subarray(i, i + CHUNK)));
  return pieces.join('');
}

export function fromBinaryString(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** Big-endian octets of a hexadecimal magnitude (an odd number of digits gets a leading zero). */
export function fromHex(hex: string): Uint8Array {
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  const out = new Uint8Array(even.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(even.slice(2 * i, 2 * i + 2), 16);
  return out;
}
