import { latin1Decode, latin1Encode, utf8Decode, utf8DecodeStrict } from './bytes.js';

const UTF8 = new Set(['utf-8', 'utf8']);
// ISO-8859-1 and US-ASCII decode byte for byte (a stray high byte in "us-ascii" text is kept as
// latin1 rather than lost). WHATWG maps both labels to windows-1252, so they are handled here.
const LATIN1 = new Set(['us-ascii', 'ascii', 'iso-8859-1', 'iso8859-1', 'iso_8859-1', 'latin1', 'l1', 'cp819', 'ibm819']);

/**
 * Text of `bytes` in the MIME charset `label`, or undefined when this runtime does not know the
 * charset (callers then keep the text undecoded).
 */
export function decodeCharset(bytes: Uint8Array, label: string): string | undefined {
  const name = label.trim().toLowerCase();
  if (UTF8.has(name)) return utf8Decode(bytes);
  if (LATIN1.has(name)) return latin1Decode(bytes);
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(name);
  } catch {
    return undefined;
  }
  // The WHATWG "replacement" encoding turns everything into U+FFFD: worse than leaving it undecoded.
  if (decoder.encoding === 'replacement') return undefined;
  return decoder.decode(bytes);
}

/**
 * Header values are read as latin1 (one character per byte). When such a value holds bytes above
 * 0x7F that form valid UTF-8 (RFC 6532 headers), this returns the text they spell; otherwise the
 * value unchanged.
 */
export function latin1AsUtf8(value: string): string {
  let high = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff) return value;
    if (c > 0x7f) high = true;
  }
  if (!high) return value;
  return utf8DecodeStrict(latin1Encode(value)) ?? value;
}
