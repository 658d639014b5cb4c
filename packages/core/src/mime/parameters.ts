import { concatBytes, latin1Encode, utf8Encode } from '../bytes.js';
import { decodeCharset } from './charset.js';

/** RFC 2045 tspecials plus space and controls: what a token cannot contain. */
const TSPECIALS = new Set('()<>@,;:\\"/[]?='.split(''));

/** A header value of the form `head; name=value; ...` (Content-Type, Content-Disposition). */
export interface ParameterizedValue {
  /** Everything before the first ';', comments removed, whitespace trimmed, case kept. */
  readonly head: string;
  /** Parameter names lower-cased; RFC 2231 sections joined and decoded. */
  readonly params: Readonly<Record<string, string>>;
}

interface Cursor {
  readonly text: string;
  pos: number;
}

/**
 * Parses `head; a=b; c="d"`. Tolerant where senders are sloppy: an unquoted value runs to the next
 * `;` or whitespace (so `boundary=----=_Part_1` works), junk up to the next `;` is skipped, and the
 * first occurrence of a repeated parameter wins.
 */
export function parseParameterizedValue(value: string): ParameterizedValue {
  const cursor: Cursor = { text: value, pos: 0 };
  const head = readHead(cursor);
  const raw: [string, string][] = [];
  while (cursor.pos < value.length) {
    skipCfws(cursor);
    if (value[cursor.pos] === ';') {
      cursor.pos++;
      continue;
    }
    const param = readParameter(cursor);
    if (param !== undefined) raw.push(param);
    skipToSemicolon(cursor);
  }
  return { head, params: joinRfc2231(raw) };
}

function readHead(cursor: Cursor): string {
  let head = '';
  const { text } = cursor;
  while (cursor.pos < text.length && text[cursor.pos] !== ';') {
    const c = text[cursor.pos] as string;
    if (c === '(') skipComment(cursor);
    else {
      head += c;
      cursor.pos++;
    }
  }
  return head.replace(/[ \t]+/g, ' ').trim();
}

function readParameter(cursor: Cursor): [string, string] | undefined {
  const name = readToken(cursor).toLowerCase();
  if (name === '') return undefined;
  skipCfws(cursor);
  if (cursor.text[cursor.pos] !== '=') return undefined;
  cursor.pos++;
  skipCfws(cursor);
  const value = cursor.text[cursor.pos] === '"' ? readQuotedString(cursor) : readUnquotedValue(cursor);
  return [name, value];
}

function isTokenChar(c: string): boolean {
  const code = c.charCodeAt(0);
  return code > 32 && code < 127 && !TSPECIALS.has(c);
}

function readToken(cursor: Cursor): string {
  const start = cursor.pos;
  while (cursor.pos < cursor.text.length && isTokenChar(cursor.text[cursor.pos] as string)) cursor.pos++;
  return cursor.text.slice(start, cursor.pos);
}

function readUnquotedValue(cursor: Cursor): string {
  const start = cursor.pos;
  const { text } = cursor;
  while (cursor.pos < text.length) {
    const c = text[cursor.pos] as string;
    if (c === ';' || c === ' ' || c === '\t' || c === '"') break;
    cursor.pos++;
  }
  return text.slice(start, cursor.pos);
}

/** Reads a quoted string at the cursor, unescaping quoted pairs; an unterminated one runs to the end. */
function readQuotedString(cursor: Cursor): string {
  const { text } = cursor;
  let out = '';
  cursor.pos++;
  while (cursor.pos < text.length) {
    const c = text[cursor.pos++] as string;
    if (c === '"') break;
    if (c === '\\' && cursor.pos < text.length) out += text[cursor.pos++] as string;
    else out += c;
  }
  return out;
}

function skipCfws(cursor: Cursor): void {
  const { text } = cursor;
  while (cursor.pos < text.length) {
    const c = text[cursor.pos];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') cursor.pos++;
    else if (c === '(') skipComment(cursor);
    else break;
  }
}

/** Skips a (possibly nested) comment; an unterminated one runs to the end. */
function skipComment(cursor: Cursor): void {
  const { text } = cursor;
  let depth = 0;
  while (cursor.pos < text.length) {
    const c = text[cursor.pos++];
    if (c === '\\') cursor.pos++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return;
  }
}

function skipToSemicolon(cursor: Cursor): void {
  skipCfws(cursor);
  const next = cursor.text.indexOf(';', cursor.pos);
  cursor.pos = next === -1 ? cursor.text.length : next;
}

interface Rfc2231Parts {
  plain?: string;
  extended?: string;
  sections: Map<number, { value: string; extended: boolean }>;
}

const SECTION = /^(.+?)(?:\*([0-9]{1,3}))?(\*)?$/;

/** Joins RFC 2231 continuations (`name*0*=`, `name*1=`) and decodes `charset'lang'%xx` values. */
function joinRfc2231(raw: readonly [string, string][]): Record<string, string> {
  const byName = new Map<string, Rfc2231Parts>();
  for (const [name, value] of raw) {
    const m = SECTION.exec(name);
    const base = m?.[1] ?? name;
    const parts: Rfc2231Parts = byName.get(base) ?? { sections: new Map() };
    byName.set(base, parts);
    const section = m?.[2];
    const extended = m?.[3] === '*';
    if (section !== undefined) {
      const n = Number(section);
      if (!parts.sections.has(n)) parts.sections.set(n, { value, extended });
    } else if (extended) parts.extended ??= value;
    else parts.plain ??= value;
  }
  // No prototype: a parameter called "__proto__" must stay a parameter.
  const params = Object.create(null) as Record<string, string>;
  for (const [name, parts] of byName) {
    const value = parts.sections.size > 0 ? joinedSections(parts.sections) : parts.extended !== undefined ? decodeExtended(parts.extended) : parts.plain;
    if (value !== undefined) params[name] = value;
  }
  return params;
}

function joinedSections(sections: Map<number, { value: string; extended: boolean }>): string | undefined {
  const ordered: { value: string; extended: boolean }[] = [];
  // Sections must be contiguous from 0; anything after a gap is ignored (RFC 2231 section 3).
  for (let n = 0; sections.has(n); n++) ordered.push(sections.get(n) as { value: string; extended: boolean });
  const first = ordered[0];
  if (first === undefined) return undefined;
  if (!ordered.some((s) => s.extended)) return ordered.map((s) => s.value).join('');
  const prefix = first.extended ? splitCharsetPrefix(first.value) : { charset: undefined, text: first.value };
  const texts = [prefix.text, ...ordered.slice(1).map((s) => s.value)];
  const bytes = concatBytes(...ordered.map((s, i) => (s.extended ? percentDecode(texts[i] as string) : textBytes(texts[i] as string))));
  return decodeCharset(bytes, prefix.charset === undefined || prefix.charset === '' ? 'utf-8' : prefix.charset) ?? ordered.map((s) => s.value).join('');
}

function decodeExtended(value: string): string {
  const { charset, text } = splitCharsetPrefix(value);
  if (charset === undefined) return value;
  return decodeCharset(percentDecode(text), charset === '' ? 'utf-8' : charset) ?? value;
}

/** `charset'language'text`; charset undefined when the value lacks the two quotes. */
function splitCharsetPrefix(value: string): { charset: string | undefined; text: string } {
  const q1 = value.indexOf("'");
  const q2 = q1 === -1 ? -1 : value.indexOf("'", q1 + 1);
  if (q2 === -1) return { charset: undefined, text: value };
  return { charset: value.slice(0, q1), text: value.slice(q2 + 1) };
}

function percentDecode(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c > 0xff) {
      const char = String.fromCodePoint(text.codePointAt(i) as number);
      out.push(...utf8Encode(char));
      i += char.length - 1;
    } else out.push(c);
  }
  return Uint8Array.from(out);
}

function textBytes(text: string): Uint8Array {
  try {
    return latin1Encode(text);
  } catch {
    return utf8Encode(text);
  }
}
