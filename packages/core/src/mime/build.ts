import { concatBytes, indexOfBytes, latin1Encode, toHex, utf8Encode } from '../bytes.js';

/** One header field to write: name and unfolded value. */
export type HeaderField = readonly [name: string, value: string];

const CRLF = latin1Encode('\r\n');
const FIELD_NAME = /^[!-9;-~]+$/;
const TOKEN = /^[!#$%&'*+\-.^_`{|}~0-9A-Za-z]+$/;
/** RFC 5322 section 2.1.1: lines SHOULD stay within 78 characters. */
const FOLD_WIDTH = 78;

/**
 * A MIME entity: the header fields (CRLF, folded at 78 columns where whitespace allows), a blank
 * line, then `body` as given (a string body is written as UTF-8). Values must be printable ASCII
 * without CR or LF: encode text with encodeHeaderWords first.
 */
export function buildEntity(headers: readonly HeaderField[], body: Uint8Array | string): Uint8Array {
  const head = headers.map(([name, value]) => foldHeaderField(name, value) + '\r\n').join('');
  return concatBytes(latin1Encode(head), CRLF, typeof body === 'string' ? utf8Encode(body) : body);
}

/** `Name: value` folded before whitespace so lines stay within 78 columns where possible. */
export function foldHeaderField(name: string, value: string): string {
  assertFieldName(name);
  assertFieldValue(name, value);
  let rest = `${name}: ${value}`;
  const lines: string[] = [];
  // Never fold inside the field name, and never leave a line of nothing but whitespace.
  let minFold = name.length + 2;
  while (rest.length > FOLD_WIDTH) {
    const fold = foldPoint(rest, minFold);
    if (fold === -1) break;
    lines.push(rest.slice(0, fold));
    rest = rest.slice(fold);
    minFold = 1;
  }
  lines.push(rest);
  return lines.join('\r\n');
}

/** Where to break `line`: before the first whitespace of a run, as late as fits, else the earliest. */
function foldPoint(line: string, minFold: number): number {
  let best = -1;
  for (let i = minFold; i < line.length; i++) {
    if (!isWsp(line[i]) || isWsp(line[i - 1])) continue;
    if (/^[ \t]*$/.test(line.slice(i))) break;
    if (i <= FOLD_WIDTH || best === -1) best = i;
    if (i > FOLD_WIDTH) break;
  }
  return best;
}

function isWsp(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

function assertFieldName(name: string): void {
  if (!FIELD_NAME.test(name)) throw new TypeError(`invalid header field name ${JSON.stringify(name)}`);
}

function assertFieldValue(name: string, value: string): void {
  if (/[\r\n]/.test(value)) throw new TypeError(`header field ${name} contains a line break`);
  if (!/^[\x20-\x7e\t]*$/.test(value)) throw new TypeError(`header field ${name} must be printable ASCII (use encodeHeaderWords)`);
}

/**
 * A multipart entity with a fresh boundary found in none of the parts. Content-Type comes first,
 * then `headers`. The CRLF before each delimiter belongs to the delimiter (RFC 2046), so every
 * part's bytes appear exactly as given.
 */
export function buildMultipart(subtype: string, params: Readonly<Record<string, string>>, parts: readonly Uint8Array[], headers: readonly HeaderField[] = []): Uint8Array {
  if (!TOKEN.test(subtype)) throw new TypeError(`invalid multipart subtype ${JSON.stringify(subtype)}`);
  if (parts.length === 0) throw new RangeError('a multipart needs at least one part');
  if (Object.keys(params).some((k) => k.toLowerCase() === 'boundary')) throw new TypeError('the boundary is chosen by buildMultipart');
  const boundary = boundaryAbsentFrom(parts);
  const contentType = [`multipart/${subtype.toLowerCase()}`, ...Object.entries(params).map(([k, v]) => formatParameter(k, v)), formatParameter('boundary', boundary)].join('; ');
  const delimiter = latin1Encode(`--${boundary}\r\n`);
  const chunks: Uint8Array[] = [];
  parts.forEach((part, i) => {
    if (i > 0) chunks.push(CRLF);
    chunks.push(delimiter, part);
  });
  chunks.push(latin1Encode(`\r\n--${boundary}--\r\n`));
  return buildEntity([['Content-Type', contentType], ...headers], concatBytes(...chunks));
}

/** `name=value`, quoting the value unless it is a token. */
export function formatParameter(name: string, value: string): string {
  if (!TOKEN.test(name)) throw new TypeError(`invalid parameter name ${JSON.stringify(name)}`);
  if (!/^[\x20-\x7e]*$/.test(value)) throw new TypeError(`parameter ${name} must be printable ASCII`);
  return TOKEN.test(value) ? `${name}=${value}` : `${name}="${value.replace(/["\\]/g, '\\$&')}"`;
}

function boundaryAbsentFrom(parts: readonly Uint8Array[]): string {
  for (;;) {
    const boundary = generateBoundary();
    const needle = latin1Encode(`--${boundary}`);
    if (parts.every((p) => indexOfBytes(p, needle) === -1)) return boundary;
  }
}

/**
 * A random boundary. "=_" cannot occur in base64 or quoted-printable text, so the boundary cannot
 * collide with encoded content, and 128 random bits make any other collision negligible.
 */
export function generateBoundary(): string {
  const random = new Uint8Array(16);
  globalThis.crypto.getRandomValues(random);
  return `=_${toHex(random)}`;
}
