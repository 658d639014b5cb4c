import { SealpostError } from '../errors.js';
import { latin1Decode } from '../bytes.js';
import { resolveLimits } from './limits.js';
import { endingBefore, lineEnd } from './lines.js';
import type { MimeHeader, MimeLimits } from './types.js';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

/** Where an entity's header block ends and its body starts, found without building any field. */
export interface HeaderLayout {
  /** End of the header block (start of the blank separator line, or of the body when there is none). */
  readonly headerEnd: number;
  /** Start of the body, just past the blank separator line. */
  readonly bodyStart: number;
  readonly lineEnding: '\r\n' | '\n';
}

export interface HeaderBlock extends HeaderLayout {
  readonly headers: MimeHeader[];
}

export type HeaderLimits = Pick<MimeLimits, 'maxHeaders' | 'maxHeaderBytes'>;

/** Splits an entity into header fields and body, as scanHeaderBlock reads it. */
export function parseHeaderBlock(bytes: Uint8Array, limits?: HeaderLimits): HeaderBlock {
  const layout = scanHeaderBlock(bytes, resolveLimits(limits));
  return { headers: headerFields(bytes, layout.headerEnd), ...layout };
}

/**
 * Finds where an entity's header block ends, checking every line and the limits as it goes, so that an
 * oversized header is refused at the first field or line that takes it over a limit, and nothing is
 * built for the fields before it. A first line that is not a
 * header field means the entity has no header block at all (the whole input is body), as sloppy senders
 * produce; once a field was seen, a line that is neither a field nor a fold is malformed.
 */
export function scanHeaderBlock(bytes: Uint8Array, limits: Required<HeaderLimits>): HeaderLayout {
  let lineEnding: '\r\n' | '\n' | undefined;
  let fields = 0;
  let pos = 0;
  while (pos < bytes.length) {
    const end = lineEnd(bytes, pos);
    const ending = endingBefore(bytes, end);
    lineEnding ??= ending;
    const contentEnd = end - (ending?.length ?? 0);
    if (contentEnd === pos || isTruncatedBlankLine(bytes, pos, end)) return { headerEnd: pos, bodyStart: end, lineEnding: lineEnding ?? '\r\n' };
    const first = bytes[pos] as number;
    if (first === SP || first === HTAB) {
      if (fields === 0) return noHeaderBlock(bytes);
    } else if (fieldNameEnd(bytes, pos, contentEnd) !== -1) {
      if (++fields > limits.maxHeaders) throw new SealpostError('ERR_LIMIT_HEADERS', `more than ${limits.maxHeaders} header fields in one entity`, { detail: { maxHeaders: limits.maxHeaders } });
    } else if (fields === 0) {
      return noHeaderBlock(bytes);
    } else {
      throw new SealpostError('ERR_MIME_MALFORMED', 'header line is neither a field nor a continuation');
    }
    if (end > limits.maxHeaderBytes)
      throw new SealpostError('ERR_LIMIT_HEADER_SIZE', `header block of one entity exceeds ${limits.maxHeaderBytes} bytes`, {
        detail: { maxHeaderBytes: limits.maxHeaderBytes },
      });
    if (hasNul(bytes, pos, contentEnd)) throw new SealpostError('ERR_MIME_MALFORMED', 'NUL byte in a header field');
    pos = end;
  }
  return { headerEnd: bytes.length, bodyStart: bytes.length, lineEnding: lineEnding ?? '\r\n' };
}

/** Every field of a header block that scanHeaderBlock accepted, each a view into `bytes`. */
export function headerFields(bytes: Uint8Array, headerEnd: number): MimeHeader[] {
  const headers: MimeHeader[] = [];
  forEachField(bytes, headerEnd, (start, end) => {
    headers.push(headerField(bytes.subarray(start, end)));
  });
  return headers;
}

/**
 * Values of the fields called `lowerName` (lower case) in an accepted header block, in order; only the
 * first when `firstOnly`. Only matching fields are decoded, so a lookup builds nothing for the others.
 */
export function fieldValues(bytes: Uint8Array, headerEnd: number, lowerName: string, firstOnly: boolean): string[] {
  const values: string[] = [];
  forEachField(bytes, headerEnd, (start, end) => {
    if (nameIs(bytes, start, lowerName)) values.push(headerField(bytes.subarray(start, end)).value);
    return firstOnly && values.length > 0;
  });
  return values;
}

/**
 * Calls `visit` with the byte range of each field (its first line and every fold after it) until
 * `visit` returns true.
 */
function forEachField(bytes: Uint8Array, headerEnd: number, visit: (start: number, end: number) => boolean | void): void {
  let start = 0;
  for (let pos = 0; pos < headerEnd;) {
    const next = lineEnd(bytes, pos);
    if (next >= headerEnd || !isWsp(bytes[next] as number)) {
      if (visit(start, Math.min(next, headerEnd)) === true) return;
      start = next;
    }
    pos = next;
  }
}

/** Whether the field at `start` is called `lowerName`, compared case-insensitively (names are ASCII). */
function nameIs(bytes: Uint8Array, start: number, lowerName: string): boolean {
  for (let i = 0; i < lowerName.length; i++) {
    const b = bytes[start + i];
    if (b === undefined || toLowerAscii(b) !== lowerName.charCodeAt(i)) return false;
  }
  const after = bytes[start + lowerName.length];
  return after === COLON || after === SP || after === HTAB;
}

function toLowerAscii(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
}

function hasNul(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

/** A lone CR at the very end: a blank line whose LF was lost in truncation. */
function isTruncatedBlankLine(bytes: Uint8Array, start: number, end: number): boolean {
  return end === bytes.length && end - start === 1 && bytes[start] === CR;
}

function noHeaderBlock(bytes: Uint8Array): HeaderLayout {
  const ending = endingBefore(bytes, lineEnd(bytes, 0));
  return { headerEnd: 0, bodyStart: 0, lineEnding: ending ?? '\r\n' };
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

/**
 * Implemented by parsed entities (parse.ts): field values looked up in the entity's bytes, so a lookup
 * does not build a MimeHeader for every field of the entity.
 */
export const FIELD_VALUES: unique symbol = Symbol('sealpost.mime.fieldValues');

interface FieldSource {
  [FIELD_VALUES](lowerName: string, firstOnly: boolean): string[];
}

function isFieldSource(entity: object): entity is FieldSource {
  return FIELD_VALUES in entity;
}

/** Value of the first field called `name` (case-insensitive), or undefined. */
export function getHeader(entity: HasHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  if (isFieldSource(entity)) return entity[FIELD_VALUES](wanted, true)[0];
  return entity.headers.find((h) => h.name.toLowerCase() === wanted)?.value;
}

/** Values of every field called `name` (case-insensitive), in order. */
export function getHeaders(entity: HasHeaders, name: string): string[] {
  const wanted = name.toLowerCase();
  if (isFieldSource(entity)) return entity[FIELD_VALUES](wanted, false);
  return entity.headers.filter((h) => h.name.toLowerCase() === wanted).map((h) => h.value);
}
