import { SealpostError } from '../errors.js';
import { latin1AsUtf8 } from './charset.js';
import { decodeEncodedWords } from './encoded-words.js';
import { getHeaders } from './headers.js';
import type { FromAddress, Mailbox, MimeHeader } from './types.js';

type Special = '<' | '>' | '@' | ',' | ';' | ':' | '.';

type Token =
  { readonly kind: 'atom' | 'quoted' | 'literal'; readonly text: string; readonly spaceBefore: boolean } | { readonly kind: 'special'; readonly text: Special; readonly spaceBefore: boolean };

const SPECIALS = new Set<string>(['<', '>', '@', ',', ';', ':', '.']);
const ATEXT_ASCII = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]$/;
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u00a0-\uffff]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u00a0-\uffff]+)*$/;

function malformed(message: string): SealpostError {
  return new SealpostError('ERR_ADDRESS_MALFORMED', message);
}

/** atext, plus the non-ASCII characters RFC 6532 adds (C1 controls excluded). */
function isAtext(c: string): boolean {
  const code = c.charCodeAt(0);
  return code >= 0xa0 || ATEXT_ASCII.test(c);
}

function isWhitespace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

/** Visible characters (and whitespace) allowed inside quoted strings, comments and literals. */
function isPrintable(c: string): boolean {
  const code = c.charCodeAt(0);
  return (code >= 0x20 && code < 0x7f) || code >= 0xa0 || code === 0x09;
}

/** RFC 5322 lexical tokens; comments and whitespace are dropped but remembered as `spaceBefore`. */
function tokenize(value: string): Token[] {
  const tokens: Token[] = [];
  let spaceBefore = false;
  let i = 0;
  while (i < value.length) {
    const c = value[i] as string;
    if (isWhitespace(c)) {
      i++;
      spaceBefore = true;
    } else if (c === '(') {
      i = skipComment(value, i);
      spaceBefore = true;
    } else if (c === '"') {
      const { text, end } = readQuoted(value, i);
      tokens.push({ kind: 'quoted', text, spaceBefore });
      i = end;
      spaceBefore = false;
    } else if (c === '[') {
      const { text, end } = readLiteral(value, i);
      tokens.push({ kind: 'literal', text, spaceBefore });
      i = end;
      spaceBefore = false;
    } else if (SPECIALS.has(c)) {
      tokens.push({ kind: 'special', text: c as Special, spaceBefore });
      i++;
      spaceBefore = false;
    } else if (isAtext(c)) {
      const start = i;
      while (i < value.length && isAtext(value[i] as string)) i++;
      tokens.push({ kind: 'atom', text: value.slice(start, i), spaceBefore });
      spaceBefore = false;
    } else {
      throw malformed('unexpected character in an address');
    }
  }
  return tokens;
}

function skipComment(value: string, start: number): number {
  let depth = 0;
  for (let i = start; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\') {
      i++;
      if (i >= value.length || !isPrintable(value[i] as string)) throw malformed('bad escape in a comment');
    } else if (c === '(') depth++;
    else if (c === ')') {
      if (--depth === 0) return i + 1;
    } else if (!isPrintable(c) && !isWhitespace(c)) throw malformed('control character in a comment');
  }
  throw malformed('unterminated comment');
}

function readQuoted(value: string, start: number): { text: string; end: number } {
  let text = '';
  for (let i = start + 1; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '"') return { text, end: i + 1 };
    if (c === '\\') {
      i++;
      const escaped = value[i];
      if (escaped === undefined || !isPrintable(escaped)) throw malformed('bad escape in a quoted string');
      text += escaped;
    } else if (c === '\r' || c === '\n') continue;
    else if (!isPrintable(c)) throw malformed('control character in a quoted string');
    else text += c;
  }
  throw malformed('unterminated quoted string');
}

function readLiteral(value: string, start: number): { text: string; end: number } {
  let text = '[';
  for (let i = start + 1; i < value.length; i++) {
    const c = value[i] as string;
    if (c === ']') return { text: `${text}]`, end: i + 1 };
    if (c === '[' || c === '\\') throw malformed('bad character in a domain literal');
    if (isWhitespace(c)) continue;
    if (!isPrintable(c)) throw malformed('control character in a domain literal');
    text += c;
  }
  throw malformed('unterminated domain literal');
}

interface Parser {
  readonly tokens: readonly Token[];
  pos: number;
  groups: number;
}

function peek(p: Parser): Token | undefined {
  return p.tokens[p.pos];
}

function isSpecial(token: Token | undefined, text: Special): boolean {
  return token?.kind === 'special' && token.text === text;
}

function expect(p: Parser, text: Special): void {
  if (!isSpecial(peek(p), text)) throw malformed(`expected "${text}" in an address`);
  p.pos++;
}

/** The mailboxes of an address list, groups flattened, and how many groups there were. */
function parseAddressList(value: string): { mailboxes: Mailbox[]; groups: number } {
  const p: Parser = { tokens: tokenize(latin1AsUtf8(value)), pos: 0, groups: 0 };
  const mailboxes: Mailbox[] = [];
  while (p.pos < p.tokens.length) {
    // RFC 5322 obsolete syntax allows empty list elements ("a@b, , c@d").
    if (isSpecial(peek(p), ',')) {
      p.pos++;
      continue;
    }
    mailboxes.push(...parseAddress(p, true));
    if (p.pos < p.tokens.length) expect(p, ',');
  }
  return { mailboxes, groups: p.groups };
}

/** One address: a mailbox, or (when allowed) a group of them. */
function parseAddress(p: Parser, allowGroup: boolean): Mailbox[] {
  const phrase = readPhrase(p);
  const next = peek(p);
  if (isSpecial(next, '<')) {
    p.pos++;
    const address = parseAngleAddr(p);
    return [{ name: displayName(phrase), address }];
  }
  if (isSpecial(next, '@')) {
    p.pos++;
    return [{ name: null, address: `${localPart(phrase)}@${parseDomain(p)}` }];
  }
  if (isSpecial(next, ':') && allowGroup) {
    if (phrase.length === 0) throw malformed('group without a name');
    p.pos++;
    p.groups++;
    return parseGroupMembers(p);
  }
  throw malformed('not an address');
}

function parseGroupMembers(p: Parser): Mailbox[] {
  const members: Mailbox[] = [];
  while (!isSpecial(peek(p), ';')) {
    if (peek(p) === undefined) throw malformed('unterminated group');
    if (isSpecial(peek(p), ',')) {
      p.pos++;
      continue;
    }
    members.push(...parseAddress(p, false));
    if (!isSpecial(peek(p), ';')) expect(p, ',');
  }
  p.pos++;
  return members;
}

/** Words and dots before `<`, `@` or `:`: a display name, or the local part of a bare addr-spec. */
function readPhrase(p: Parser): Token[] {
  const phrase: Token[] = [];
  for (let t = peek(p); t !== undefined && (t.kind === 'atom' || t.kind === 'quoted' || isSpecial(t, '.')); t = peek(p)) {
    phrase.push(t);
    p.pos++;
  }
  return phrase;
}

function parseAngleAddr(p: Parser): string {
  // Source routes (`<@relay:user@host>`) are obsolete and let one address hide another: refused.
  if (isSpecial(peek(p), '@')) throw malformed('source routes are not accepted');
  const local = readPhrase(p);
  expect(p, '@');
  const address = `${localPart(local)}@${parseDomain(p)}`;
  expect(p, '>');
  return address;
}

/**
 * The local part as a string: atoms as written; quoted strings unquoted, and the whole local part
 * re-quoted only when it is not a valid dot-atom without quotes.
 */
function localPart(tokens: readonly Token[]): string {
  const words: string[] = [];
  let quoted = false;
  tokens.forEach((t, i) => {
    const wantWord = i % 2 === 0;
    if (wantWord && (t.kind === 'atom' || t.kind === 'quoted')) {
      words.push(t.text);
      quoted ||= t.kind === 'quoted';
    } else if (wantWord || !isSpecial(t, '.')) throw malformed('malformed local part');
  });
  if (words.length === 0 || tokens.length % 2 === 0) throw malformed('malformed local part');
  const text = words.join('.');
  if (!quoted || DOT_ATOM.test(text)) return text;
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

/** A dot-atom domain lower-cased (ASCII letters only) or a domain literal. */
function parseDomain(p: Parser): string {
  const first = peek(p);
  if (first?.kind === 'literal') {
    p.pos++;
    return asciiLowerCase(first.text);
  }
  const labels: string[] = [];
  for (;;) {
    const t = peek(p);
    if (t?.kind !== 'atom') throw malformed('malformed domain');
    labels.push(t.text);
    p.pos++;
    if (!isSpecial(peek(p), '.')) break;
    p.pos++;
  }
  return asciiLowerCase(labels.join('.'));
}

/**
 * Only A-Z are folded: Unicode case mapping would let look-alikes such as U+212A KELVIN SIGN become
 * ASCII letters and match an address they are not.
 */
function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

function displayName(phrase: readonly Token[]): string | null {
  let name = '';
  for (const t of phrase) name += (name !== '' && t.spaceBefore ? ' ' : '') + t.text;
  // The value was read as UTF-8 once already, in parseAddressList.
  const decoded = decodeEncodedWords(name).trim();
  return decoded === '' ? null : decoded;
}

/**
 * Parses an RFC 5322 address list (mailboxes and groups, groups flattened into their members).
 * A value read from a header with raw UTF-8 (RFC 6532) is read as that UTF-8.
 * Display names are decoded (RFC 2047) but never used for identity; local parts keep their case and
 * domains are lower-cased. Source routes and anything unparseable throw ERR_ADDRESS_MALFORMED;
 * an empty value gives an empty list.
 */
export function parseMailboxList(value: string): Mailbox[] {
  return parseAddressList(value).mailboxes;
}

/**
 * The one From addr-spec of `entity`. 'multiple' when there are several From fields or one lists
 * several mailboxes; 'missing' when there is none, it is empty, it does not parse, or it uses group
 * syntax (not allowed in From by RFC 5322, and a group name is one more place to show a fake address).
 */
export function fromAddress(entity: { readonly headers: readonly MimeHeader[] }): FromAddress {
  const values = getHeaders(entity, 'from');
  if (values.length === 0) return { status: 'missing' };
  if (values.length > 1) return { status: 'multiple' };
  let parsed: { mailboxes: Mailbox[]; groups: number };
  try {
    parsed = parseAddressList(values[0] as string);
  } catch (error) {
    if (error instanceof SealpostError && error.code === 'ERR_ADDRESS_MALFORMED') return { status: 'missing' };
    throw error;
  }
  if (parsed.groups > 0 || parsed.mailboxes.length === 0) return { status: 'missing' };
  if (parsed.mailboxes.length > 1) return { status: 'multiple' };
  return { status: 'ok', address: (parsed.mailboxes[0] as Mailbox).address };
}

/**
 * Whether two addr-specs name the same mailbox: local parts compared exactly (RFC 5321 leaves
 * their case to the receiving host), domains without regard to ASCII case. Anything without an `@`
 * matches nothing.
 */
export function addressesEqual(a: string, b: string): boolean {
  const at1 = a.lastIndexOf('@');
  const at2 = b.lastIndexOf('@');
  if (at1 <= 0 || at2 <= 0) return false;
  return a.slice(0, at1) === b.slice(0, at2) && asciiLowerCase(a.slice(at1 + 1)) === asciiLowerCase(b.slice(at2 + 1));
}
