import { base64DecodeAscii } from '../bytes.js';
import { getHeader } from './headers.js';
import type { MimeHeader } from './types.js';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const EQUALS = 0x3d;

/**
 * The entity's Content-Transfer-Encoding mechanism, lower-cased and without comments; '7bit' when
 * the field is absent (RFC 2045 section 6.1).
 */
export function transferEncodingOf(entity: { readonly headers: readonly MimeHeader[] }): string {
  const value = getHeader(entity, 'content-transfer-encoding');
  if (value === undefined) return '7bit';
  const mechanism =
    value
      .replace(/\([^)]*\)/g, ' ')
      .trim()
      .split(/[\s;]/)[0] ?? '';
  return mechanism === '' ? '7bit' : mechanism.toLowerCase();
}

/**
 * The entity's body with its Content-Transfer-Encoding undone. base64 skips whitespace and stray
 * characters (RFC 2045 section 6.8); 7bit, 8bit, binary and unrecognised mechanisms give the body
 * as is (RFC 2045 section 6.4 says to treat an unknown one as opaque data), sharing its memory.
 */
export function decodeBody(entity: { readonly headers: readonly MimeHeader[]; readonly body: Uint8Array }): Uint8Array {
  switch (transferEncodingOf(entity)) {
    case 'base64':
      return base64DecodeAscii(entity.body, 'lenient');
    case 'quoted-printable':
      return quotedPrintableDecode(entity.body);
    default:
      return entity.body;
  }
}

/**
 * Undoes quoted-printable (RFC 2045 section 6.7): `=XX` escapes (either case), soft line breaks
 * (`=` at a line's end, trailing whitespace allowed), and whitespace that trails a line, which
 * transports may have added. An `=` that starts no valid escape is kept literally. Hard line breaks
 * keep the ending they had.
 */
export function quotedPrintableDecode(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  let o = 0;
  let lineStart = 0;
  while (lineStart < bytes.length) {
    const lf = bytes.indexOf(LF, lineStart);
    const end = lf === -1 ? bytes.length : lf;
    let contentEnd = end > lineStart && bytes[end - 1] === CR && lf !== -1 ? end - 1 : end;
    while (contentEnd > lineStart && (bytes[contentEnd - 1] === SP || bytes[contentEnd - 1] === HTAB)) contentEnd--;
    let soft = false;
    for (let i = lineStart; i < contentEnd; i++) {
      const b = bytes[i] as number;
      if (b !== EQUALS) {
        out[o++] = b;
        continue;
      }
      if (i === contentEnd - 1) {
        soft = true;
        break;
      }
      const value = hexPair(bytes[i + 1] as number, bytes[i + 2] as number);
      if (value === -1) out[o++] = b;
      else {
        out[o++] = value;
        i += 2;
      }
    }
    if (lf === -1) break;
    if (!soft) {
      if (bytes[lf - 1] === CR) out[o++] = CR;
      out[o++] = LF;
    }
    lineStart = lf + 1;
  }
  return out.slice(0, o);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

function hexPair(a: number, b: number): number {
  const hi = hexValue(a);
  const lo = hexValue(b);
  return hi === -1 || lo === -1 ? -1 : (hi << 4) | lo;
}
