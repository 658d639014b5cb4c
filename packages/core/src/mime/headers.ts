import { SealpostError } from '../errors.js';
import { latin1Decode } from '../bytes.js';
import { endingBefore, lineEnd } from './lines.js';
import type { MimeHeader } from './types.js';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

/** Where an entity's header block ends and its body starts. */
export interface HeaderBlock {
  readonly headers: MimeHeader[];
  /** End of the header block (start of the blank separator line, or of the body when there is none). */
  readonly headerEnd: number;
  /** Start of the body, just past the blank separator line. */
  readonly bodyStart: number;
  readonly lineEnding: '\r\n' | '\n';
}

/**
 * Splits an entity into header fields and body. A first line that is not a header field means the
 * entity has no header block at all (the whole input is body), as sloppy senders produce; once a field
 * was seen, a line that is neither a field nor a fold is malformed.
 */
export function parseHeaderBlock(bytes: Uint8Array): HeaderBlock {
  const headers: MimeHeader[] = [];
  let lineEnding: '\r\n' | '\n' | undefined;
  let fieldStart = -1;
  let pos = 0;
  while (pos < bytes.length) {
    const end = lineEnd(bytes, pos);
    const ending = endingBefore(bytes, end);
    lineEnding ??= ending;
    const contentEnd = end - (ending?.length ?? 0);
    if (contentEnd === pos || isTruncatedBlankLine(bytes, pos, end)) {
      if (fieldStart !== -1) headers.push(headerField(bytes.subarray(fieldStart, pos)));
      return { headers, headerEnd: pos, bodyStart: end, lineEnding: lineEnding ?? '\r\n' };
    }
    const first = bytes[pos] as number;
    if (first === SP || first === HTAB) {
      if (fieldStart === -1) return noHeaderBlock(bytes);
    } else if (fieldNameEnd(bytes, pos, contentEnd) !== -1) {
      if (fieldStart !== -1) headers.push(headerField(bytes.subarray(fieldStart, pos)));
      fieldStart = pos;
    } else if (fieldStart === -1) {
      return noHeaderBlock(bytes);
    } else {
      throw new SealpostError('ERR_MIME_MALFORMED', 'header line is neither a field nor a continuation');
    }
    if (bytes.subarray(pos, contentEnd).includes(0)) throw new SealpostError('ERR_MIME_MALFORMED', 'NUL byte in a header field');
    pos = end;
  }
  if (fieldStart !== -1) headers.push(headerField(bytes.subarray(fieldStart)));
  return { headers, headerEnd: bytes.length, bodyStart: bytes.length, lineEnding: lineEnding ?? '\r\n' };
}

/** A lone CR at the very end: a blank line whose LF was lost in truncation. */
function isTruncatedBlankLine(bytes: Uint8Array, start: number, end: number): boolean {
  return end === bytes.length && end - start === 1 && bytes[start] === CR;
}

function noHeaderBlock(bytes: Uint8Array): HeaderBlock {
  const ending = endingBefore(bytes, lineEnd(bytes, 0));
  return { headers: [], headerEnd: 0, bodyStart: 0, lineEnding: ending ?? '\r\n' };
}

/**
 * Index of the colon ending a valid field name on the line [start, end), or -1. Whitespace between
 * the name and the colon is tolerated (RFC 5322 obsolete syntax).
 */
function fieldNameEnd(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = bytes[i] as number;
    if (b === COLON) return i > start ? i : -1;
    if (b === SP || b === HTAB) break;
    if (b < 33 || b > 126) return -1;
    i++;
  }
  const nameEnd = i;
  while (i < end && (bytes[i] === SP || bytes[i] === HTAB)) i++;
  return i < end && bytes[i] === COLON && nameEnd > start ? i : -1;
}

function headerField(raw: Uint8Array): MimeHeader {
  const colon = raw.indexOf(COLON);
  const name = trimWsp(latin1Decode(raw.subarray(0, colon)));
  const value = trimWsp(latin1Decode(withoutLineBreaks(raw.subarray(colon + 1))));
  return { name, value, raw };
}

/** Unfolding (RFC 5322 section 2.2.3): line breaks go, the whitespace after them stays. */
function withoutLineBreaks(bytes: Uint8Array): Uint8Array {
  if (!bytes.includes(LF)) return bytes;
  const out = new Uint8Array(bytes.length);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === LF) continue;
    if (b === CR && bytes[i + 1] === LF) continue;
    out[o++] = b;
  }
  return out.subarray(0, o);
}

/** Trims spaces and tabs only: String.prototype.trim would also eat U+00A0, a real latin1 byte. */
function trimWsp(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isWsp(text.charCodeAt(start))) start++;
  while (end > start && isWsp(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

function isWsp(c: number): boolean {
  return c === SP || c === HTAB;
}

type HasHeaders = { readonly headers: readonly MimeHeader[] };

/** Value of the first field called `name` (case-insensitive), or undefined. */
export function getHeader(entity: HasHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return entity.headers.find((h) => h.name.toLowerCase() === wanted)?.value;
}

/** Values of every field called `name` (case-insensitive), in order. */
export function getHeaders(entity: HasHeaders, name: string): string[] {
  const wanted = name.toLowerCase();
  return entity.headers.filter((h) => h.name.toLowerCase() === wanted).map((h) => h.value);
}
