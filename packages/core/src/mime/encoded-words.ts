import { base64DecodeAscii, base64Encode, concatBytes, latin1Encode, utf8Encode } from '../bytes.js';
import { decodeCharset, latin1AsUtf8 } from './charset.js';

/** An RFC 2047 encoded word; the charset may carry an RFC 2231 language suffix (`utf-8*en`). */
const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=/g;

interface Word {
  readonly start: number;
  readonly end: number;
  readonly charset: string;
  readonly bytes: Uint8Array | undefined;
}

/**
 * Decodes RFC 2047 encoded words (B and Q) in a header value. Whitespace between adjacent encoded
 * words is dropped, as RFC 2047 section 6.2 requires, and adjacent words in one charset are decoded
 * together so a character split across two words survives. Words in a charset this runtime does not
 * know, or that do not decode, are left as written. A value carrying raw UTF-8 bytes (RFC 6532, read
 * as latin1 by the parser) is turned back into the text they spell.
 */
export function decodeHeaderWords(value: string): string {
  return decodeEncodedWords(latin1AsUtf8(value));
}

/** decodeHeaderWords for text already read as UTF-8 where it held raw UTF-8: reading it twice would garble it. */
export function decodeEncodedWords(text: string): string {
  const words = findWords(text);
  if (words.length === 0) return text;
  let out = '';
  let pos = 0;
  for (let i = 0; i < words.length;) {
    const first = words[i] as Word;
    out += text.slice(pos, first.start);
    let j = i + 1;
    while (j < words.length && joinsPrevious(text, words[j - 1] as Word, words[j] as Word)) j++;
    out += decodeRun(text, words.slice(i, j));
    pos = (words[j - 1] as Word).end;
    i = j;
  }
  return out + text.slice(pos);
}

function findWords(text: string): Word[] {
  const words: Word[] = [];
  for (const m of text.matchAll(ENCODED_WORD)) {
    const start = m.index;
    const [whole, charset, encoding, payload] = m as unknown as [string, string, string, string];
    words.push({ start, end: start + whole.length, charset: charset.toLowerCase(), bytes: wordBytes(encoding, payload) });
  }
  return words;
}

/** Adjacent words separated by nothing but whitespace join into one run. */
function joinsPrevious(text: string, previous: Word, word: Word): boolean {
  return /^[ \t\r\n]*$/.test(text.slice(previous.end, word.start));
}

/** Decodes a run of adjacent words, grouping consecutive words of one charset. */
function decodeRun(text: string, run: readonly Word[]): string {
  let out = '';
  for (let i = 0; i < run.length;) {
    const first = run[i] as Word;
    let j = i + 1;
    while (j < run.length && (run[j] as Word).charset === first.charset) j++;
    const group = run.slice(i, j);
    out += decodeGroup(text, group);
    i = j;
  }
  return out;
}

function decodeGroup(text: string, group: readonly Word[]): string {
  if (group.every((w) => w.bytes !== undefined)) {
    const decoded = decodeCharset(concatBytes(...group.map((w) => w.bytes as Uint8Array)), (group[0] as Word).charset);
    if (decoded !== undefined) return decoded;
  }
  // Undecodable: keep the words as written (without the whitespace that separated them).
  return group.map((w) => text.slice(w.start, w.end)).join('');
}

function wordBytes(encoding: string, payload: string): Uint8Array | undefined {
  try {
    const ascii = latin1Encode(payload);
    return encoding === 'b' || encoding === 'B' ? base64DecodeAscii(ascii, 'strict') : qDecode(ascii);
  } catch {
    return undefined;
  }
}

/** The Q encoding: `_` is a space, `=XX` a byte (RFC 2047 section 4.2). */
function qDecode(ascii: Uint8Array): Uint8Array {
  const out = new Uint8Array(ascii.length);
  let o = 0;
  for (let i = 0; i < ascii.length; i++) {
    const c = ascii[i] as number;
    if (c === 0x5f) out[o++] = 0x20;
    else if (c === 0x3d) {
      const hex = String.fromCharCode(ascii[i + 1] ?? 0, ascii[i + 2] ?? 0);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new RangeError('bad Q escape');
      out[o++] = parseInt(hex, 16);
      i += 2;
    } else out[o++] = c;
  }
  return out.subarray(0, o);
}

// "=?utf-8?B?" + "?=" leaves 63 of the 75 characters RFC 2047 allows; 45 bytes make 60 of base64.
const MAX_WORD_BYTES = 45;

/**
 * `text` made safe for an unstructured header field or a display name: unchanged when it is printable
 * ASCII, otherwise UTF-8 B-encoded words of at most 75 characters separated by spaces (fold points).
 */
export function encodeHeaderWords(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text) && !text.includes('=?')) return text;
  const words: string[] = [];
  let chunk: number[] = [];
  for (const char of text) {
    const bytes = utf8Encode(char);
    if (chunk.length + bytes.length > MAX_WORD_BYTES) {
      words.push(encodedWord(chunk));
      chunk = [];
    }
    chunk.push(...bytes);
  }
  if (chunk.length > 0) words.push(encodedWord(chunk));
  return words.join(' ');
}

function encodedWord(bytes: readonly number[]): string {
  return `=?utf-8?B?${base64Encode(Uint8Array.from(bytes))}?=`;
}
