import { latin1Decode, latin1Encode, utf8Decode, utf8DecodeStrict } from '../bytes.js';

const UTF8 = new Set(['utf-8', 'utf8']);
// ISO-8859-1 and US-ASCII decode byte for byte (a stray high byte in "us-ascii" text is kept as
// latin1 rather than lost). WHATWG maps both labels to windows-1252, so they are handled here.
const LATIN1 = new Set(['us-ascii', 'ascii', 'iso-8859-1', 'iso8859-1', 'iso_8859-1', 'latin1', 'l1', 'cp819', 'ibm819']);

const WINDOWS_1252 = new Set(['windows-1252', 'cp1252', 'x-cp1252']);
// 0x80..0x9F in windows-1252 (undefined positions map to the C1 control of the same value). Some
// runtimes' TextDecoder (Node 20 among them) decode this label as ISO-8859-1, so it is done here.
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function windows1252Decode(bytes: Uint8Array): string {
  return latin1Decode(bytes).replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] as string);
}

/**
 * Text of `bytes` in the MIME charset `label`, or undefined when this runtime does not know the
 * charset (callers then keep the text undecoded).
 */
export function decodeCharset(bytes: Uint8Array, label: string): string | undefined {
  const name = label.trim().toLowerCase();
  if (UTF8.has(name)) return utf8Decode(bytes);
  if (LATIN1.has(name)) return latin1Decode(bytes);
  if (WINDOWS_1252.has(name)) return windows1252Decode(bytes);
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
