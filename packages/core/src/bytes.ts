/**
 * Byte and text helpers shared by every part of core (and exported for backends). Core runs in
 * browsers and workers too, so these use only Uint8Array, TextEncoder/TextDecoder and WebCrypto.
 */
import { SealpostError } from './errors.js';

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_CODES = Uint8Array.from(BASE64_ALPHABET, (c) => c.charCodeAt(0));
const CR = 0x0d;
const LF = 0x0a;
const PAD = 0x3d;

/** Value of each base64 character; -1 for characters outside the alphabet, -2 for whitespace. */
const BASE64_VALUES = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let i = 0; i < BASE64_ALPHABET.length; i++) table[BASE64_ALPHABET.charCodeAt(i)] = i;
  for (const c of [0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]) table[c] = -2;
  return table;
})();

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');
const strictUtf8Decoder = new TextDecoder('utf-8', { fatal: true });
// Strings are built from ASCII bytes in slices this long, well under engines' argument-count limits.
const CHUNK = 0x8000;

/**
 * Base64 of `bytes`. Without `lineLength` one unbroken line; with it, lines of that many characters,
 * each (the last included) ended by CRLF, ready to be a MIME body.
 */
export function base64Encode(bytes: Uint8Array, lineLength?: number): string {
  if (lineLength !== undefined && (!Number.isInteger(lineLength) || lineLength < 4 || lineLength % 4 !== 0)) throw new RangeError('base64 line length must be a positive multiple of 4');
  const chars = base64EncodeToAscii(bytes, lineLength);
  return asciiDecode(chars);
}

/** Unpadded base64url of `bytes` (RFC 4648 section 5), as JSON Web Keys spell binary values. */
export function base64UrlEncode(bytes: Uint8Array): string {
  return base64Encode(bytes).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/** Base64 of `bytes` as ASCII bytes, lines as in base64Encode. */
export function base64EncodeToAscii(bytes: Uint8Array, lineLength?: number): Uint8Array {
  const encodedLength = Math.ceil(bytes.length / 3) * 4;
  const lines = lineLength === undefined ? 0 : Math.ceil(encodedLength / lineLength);
  const out = new Uint8Array(encodedLength + lines * 2);
  const groupsPerLine = lineLength === undefined ? Infinity : lineLength / 4;
  let o = 0;
  let groups = 0;
  let i = 0;
  const whole = bytes.length - (bytes.length % 3);
  for (; i < whole; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out[o++] = BASE64_CODES[n >>> 18] as number;
    out[o++] = BASE64_CODES[(n >>> 12) & 63] as number;
    out[o++] = BASE64_CODES[(n >>> 6) & 63] as number;
    out[o++] = BASE64_CODES[n & 63] as number;
    if (++groups === groupsPerLine) {
      out[o++] = CR;
      out[o++] = LF;
      groups = 0;
    }
  }
  const rest = bytes.length - whole;
  if (rest > 0) {
    const n = ((bytes[i] as number) << 16) | (rest === 2 ? (bytes[i + 1] as number) << 8 : 0);
    out[o++] = BASE64_CODES[n >>> 18] as number;
    out[o++] = BASE64_CODES[(n >>> 12) & 63] as number;
    out[o++] = rest === 2 ? (BASE64_CODES[(n >>> 6) & 63] as number) : PAD;
    out[o++] = PAD;
    groups++;
  }
  if (lineLength !== undefined && groups > 0) {
    out[o++] = CR;
    out[o] = LF;
  }
  return out;
}

/**
 * Decodes base64 text. Whitespace and line breaks are skipped and padding may be missing; any other
 * character outside the alphabet throws ERR_INVALID_ARGUMENT.
 */
export function base64Decode(text: string): Uint8Array {
  const ascii = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) throw new SealpostError('ERR_INVALID_ARGUMENT', 'invalid character in base64 text');
    ascii[i] = c;
  }
  return base64DecodeAscii(ascii, 'strict');
}

/**
 * Decodes base64 with the rules of WHATWG forgiving-base64 (atob): any whitespace is skipped, padding
 * is optional but must be complete when present. Null when the text is not base64 (PEM bodies, JWK).
 */
export function base64DecodeOrNull(text: string): Uint8Array | null {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) return null;
  if (compact.endsWith('=') && compact.length % 4 !== 0) return null;
  return base64Decode(compact);
}

/**
 * Decodes base64 held as ASCII bytes. 'strict' refuses characters outside the alphabet (whitespace
 * aside); 'lenient' skips them as RFC 2045 section 6.8 tells mail readers to. Both stop at padding.
 */
export function base64DecodeAscii(ascii: Uint8Array, mode: 'strict' | 'lenient'): Uint8Array {
  const out = new Uint8Array(Math.ceil((ascii.length * 3) / 4));
  let o = 0;
  let acc = 0;
  let count = 0;
  for (let i = 0; i < ascii.length; i++) {
    const c = ascii[i] as number;
    const v = BASE64_VALUES[c] as number;
    if (v >= 0) {
      acc = (acc << 6) | v;
      if (++count === 4) {
        out[o++] = acc >>> 16;
        out[o++] = (acc >>> 8) & 0xff;
        out[o++] = acc & 0xff;
        acc = 0;
        count = 0;
      }
      continue;
    }
    if (c === PAD) {
      if (mode === 'strict') assertOnlyPadding(ascii, i);
      break;
    }
    if (v === -1 && mode === 'strict') throw new SealpostError('ERR_INVALID_ARGUMENT', 'invalid character in base64 text');
  }
  if (count === 1) {
    if (mode === 'strict') throw new SealpostError('ERR_INVALID_ARGUMENT', 'truncated base64 text');
  } else if (count === 2) {
    out[o++] = acc >>> 4;
  } else if (count === 3) {
    out[o++] = acc >>> 10;
    out[o++] = (acc >>> 2) & 0xff;
  }
  return out.slice(0, o);
}

function assertOnlyPadding(ascii: Uint8Array, from: number): void {
  for (let i = from; i < ascii.length; i++) {
    const c = ascii[i] as number;
    if (c !== PAD && BASE64_VALUES[c] !== -2) throw new SealpostError('ERR_INVALID_ARGUMENT', 'data after base64 padding');
  }
}

export function utf8Encode(text: string): Uint8Array<ArrayBuffer> {
  return utf8Encoder.encode(text);
}

/** UTF-8 decoding; malformed sequences become U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** UTF-8 decoding that returns undefined instead of replacing malformed sequences. */
export function utf8DecodeStrict(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** ISO-8859-1: every byte is the code point of the same value (unlike the WHATWG "latin1" label). */
export function latin1Decode(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return text;
}

/** Inverse of latin1Decode; a character above U+00FF is a RangeError. */
export function latin1Encode(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new RangeError('character outside ISO-8859-1');
    out[i] = c;
  }
  return out;
}

/** UTF-16 big-endian code units (BMPString, PKCS#12 passwords). */
export function utf16beEncode(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[i * 2] = unit >> 8;
    out[i * 2 + 1] = unit & 0xff;
  }
  return out;
}

function asciiDecode(bytes: Uint8Array): string {
  // ASCII is valid UTF-8, and the native decoder is far faster than building the string by hand.
  return utf8Decoder.decode(bytes);
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  return joinBytes(parts);
}

/** concatBytes for a list of any length (spreading a long list into arguments overflows the stack). */
export function joinBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Equality whose running time does not depend on where the inputs differ (MACs, digests). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Big-endian magnitude left-padded with zeros to `length` octets; a copy, never shortened. */
export function leftPad(bytes: Uint8Array, length: number): Uint8Array<ArrayBuffer> {
  if (bytes.length >= length) return new Uint8Array(bytes);
  const out = new Uint8Array(length);
  out.set(bytes, length - bytes.length);
  return out;
}

/** Big-endian magnitude without its leading zero octets (one kept when all are zero); a view. */
export function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/** Lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  const out: string[] = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = HEX[bytes[i] as number] as string;
  return out.join('');
}

/** Big-endian octets of a hexadecimal magnitude (an odd number of digits gets a leading zero). */
export function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  const out = new Uint8Array(even.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(even.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** First index of `needle` in `haystack` at or after `from`, or -1. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  if (needle.length === 0) return from <= haystack.length ? from : -1;
  const first = needle[0] as number;
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/**
 * WebCrypto's BufferSource type wants a view over a plain ArrayBuffer; a Uint8Array may sit on a
 * SharedArrayBuffer, so this hands over either the same view (already plain) or a copy.
 */
export function arrayBufferBacked(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}
