import { base64EncodeToAscii, concatBytes, joinBytes, latin1Decode, latin1Encode, utf8Decode, utf8Encode } from '../bytes.js';
import { SealpostError } from '../errors.js';
import { fromAddress } from '../mime/address.js';
import { foldHeaderField, formatParameter } from '../mime/build.js';
import { parseContentType } from '../mime/content-type.js';
import { decodeHeaderWords } from '../mime/encoded-words.js';
import { getHeader, parseHeaderBlock } from '../mime/headers.js';
import { isSevenBitSafe, toCrlf, withFinalCrlf } from '../mime/lines.js';
import { parseMime } from '../mime/parse.js';
import { decodeBody } from '../mime/transfer-encoding.js';
import { splitMessage } from '../mime/split.js';
import type { FromAddress, MimeEntity, MimeHeader, MimeLimits, SplitMessage } from '../mime/types.js';
import type { HeaderConfidentiality, HeaderProtectionOptions, HeaderProtectionReport, ProtectedHeaderDifference } from './types.js';

/**
 * Header protection, RFC 9788: the message's own header fields travel inside the signed and encrypted
 * payload (the "Cryptographic Payload"), whose Content-Type says so with `hp="clear"` (signed only) or
 * `hp="cipher"` (encrypted). For an encrypted payload a Header Confidentiality Policy decides what the
 * outer header, which every relay reads, still shows, and every field left outside is recorded inside
 * as `HP-Outer: Name: value`, so the recipient can tell what the sender exposed from what a relay or an
 * attacker changed on the way.
 */

const CRLF = latin1Encode('\r\n');

/** RFC 9788 section 1.1 / RFC 9787: MIME-Version and every Content-* field describe the MIME structure. */
export function isStructuralField(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'mime-version' || lower.startsWith('content-');
}

/** The fields a reader sees as the message's envelope (RFC 9788 section 1.1's User-Facing Header Fields). */
const USER_FACING = new Set(['subject', 'from', 'to', 'cc', 'date', 'reply-to', 'followup-to', 'sender', 'message-id', 'in-reply-to', 'references']);

/** Of those, the ones a legacy display element repeats when they were hidden (section 4.2.2 of RFC 9788). */
const LEGACY_DISPLAYED = new Set(['subject', 'from', 'to', 'cc', 'date', 'reply-to', 'followup-to']);

/**
 * RFC 9788 section 3.2.1, hcp_baseline: the Subject becomes `[...]`, Keywords and Comments are removed,
 * everything else stays as written (the addresses and Date are needed for delivery and threading).
 */
function hcpBaseline(name: string, value: string): string | null {
  const lower = name.toLowerCase();
  if (lower === 'subject') return '[...]';
  if (lower === 'keywords' || lower === 'comments') return null;
  return value;
}

function policyOf(confidentiality: HeaderConfidentiality | undefined): (name: string, value: string) => string | null {
  if (confidentiality === undefined || confidentiality === 'baseline') return hcpBaseline;
  if (confidentiality === 'none') return (_name, value) => value;
  if (typeof confidentiality === 'function') return (name, value) => confidentiality({ name, value });
  throw new SealpostError('ERR_INVALID_ARGUMENT', `unknown header confidentiality policy ${JSON.stringify(confidentiality)}`);
}

export interface ProtectOptions {
  /** `clear`: the payload is signed only; `cipher`: it will be encrypted (and may be signed inside). */
  readonly hp: 'clear' | 'cipher';
  /** For `cipher`: what the outer header keeps. Default `baseline`. */
  readonly confidentiality?: HeaderConfidentiality;
  /** For `cipher`: repeat hidden fields at the top of the main text part(s) for clients without RFC 9788. Default true. */
  readonly legacyDisplay?: boolean;
}

export interface ProtectedMessage {
  /** The header fields that stay outside (after the confidentiality policy), for joinMessage. */
  readonly outerHeaders: MimeHeader[];
  /** The Cryptographic Payload: the content entity with the protected fields in its header. */
  readonly payload: Uint8Array;
}

/**
 * RFC 9788 section 4 (composing): copies every non-structural field of `message` into the content
 * entity's header, marks its Content-Type with `hp`, and for `cipher` applies the confidentiality
 * policy to the outer header, records what stays outside as HP-Outer fields, and adds a legacy display
 * element for any user-facing field the outside no longer shows.
 */
export function protectHeaders(message: Uint8Array, options: ProtectOptions): ProtectedMessage {
  const block = parseHeaderBlock(message);
  const fields = block.headers.filter((h) => !isStructuralField(h.name));
  if (fields.some((h) => h.name.toLowerCase() === 'hp-outer')) throw new SealpostError('ERR_INVALID_ARGUMENT', 'the message already carries HP-Outer fields; header protection writes them itself');
  const structural = block.headers.filter((h) => isStructuralField(h.name));
  const contentTypeField = structural.find((h) => h.name.toLowerCase() === 'content-type');
  const contentType = contentTypeField?.value ?? 'text/plain; charset=us-ascii';
  if (parseContentType(contentType).params['hp'] !== undefined) throw new SealpostError('ERR_INVALID_ARGUMENT', 'the message is already header-protected (its Content-Type has an hp parameter)');

  const outside: MimeHeader[] = [];
  const hpOuter: string[] = [];
  const hidden: MimeHeader[] = [];
  const policy = options.hp === 'cipher' ? policyOf(options.confidentiality) : undefined;
  for (const field of block.headers) {
    if (isStructuralField(field.name)) {
      if (field.name.toLowerCase() === 'mime-version') outside.push(field);
      continue;
    }
    if (policy === undefined) {
      outside.push(field);
      continue;
    }
    const kept = outerValue(policy, field);
    if (kept !== field.value) hidden.push(field);
    if (kept === null) continue;
    const outer = kept === field.value ? field : newField(field.name, kept);
    outside.push(outer);
    hpOuter.push(`${outer.name}: ${outer.value}`);
  }

  // The content entity as it would be sealed without header protection: Content-* fields, then the body.
  let entity: Uint8Array = concatBytes(
    ...structural.filter((h) => h.name.toLowerCase() !== 'mime-version').map((h) => withFinalCrlf(toCrlf(h.raw))),
    ...(contentTypeField === undefined ? [latin1Encode(`Content-Type: ${contentType}\r\n`)] : []),
    CRLF,
    toCrlf(message.subarray(block.bodyStart)),
  );
  const displayed = hidden.filter((h) => LEGACY_DISPLAYED.has(h.name.toLowerCase()));
  if (options.hp === 'cipher' && (options.legacyDisplay ?? true) && displayed.length > 0) entity = withLegacyDisplay(entity, displayed);

  const inner = parseHeaderBlock(entity);
  const head: Uint8Array[] = [];
  for (const h of inner.headers) {
    if (h.name.toLowerCase() === 'content-type') head.push(fieldBytes('Content-Type', `${h.value.replace(/[;\s]+$/, '')}; hp="${options.hp}"`));
    else head.push(withFinalCrlf(toCrlf(h.raw)));
  }
  for (const field of fields) head.push(withFinalCrlf(toCrlf(field.raw)));
  for (const line of hpOuter) head.push(fieldBytes('HP-Outer', line));
  return { outerHeaders: outside, payload: joinBytes([...head, CRLF, entity.subarray(inner.bodyStart)]) };
}

function outerValue(policy: (name: string, value: string) => string | null, field: MimeHeader): string | null {
  const kept = policy(field.name, field.value);
  if (kept !== null && typeof kept !== 'string') throw new SealpostError('ERR_INVALID_ARGUMENT', `the header confidentiality policy must return a string or null for ${field.name}`);
  return kept;
}

function newField(name: string, value: string): MimeHeader {
  return { name, value, raw: fieldBytes(name, value) };
}

/** A header field folded at 78 columns when it is printable ASCII; written as given (RFC 6532 UTF-8) otherwise. */
function fieldBytes(name: string, value: string): Uint8Array {
  if (/[\r\n]/.test(value)) throw new SealpostError('ERR_INVALID_ARGUMENT', `header field ${name} contains a line break`);
  if (/^[\x20-\x7e\t]*$/.test(value)) return latin1Encode(`${foldHeaderField(name, value)}\r\n`);
  return latin1Encode(`${name}: ${value}\r\n`);
}

// --- Legacy display (RFC 9788 section 4.2.2) -----------------------------------------------------------

/**
 * The entity with each main text part (text/plain or text/html, not an attachment: the root, every
 * alternative, the first part of a mixed or related multipart) starting with the hidden user-facing
 * fields, marked `hp-legacy-display="1"`: a client that does not know RFC 9788 still shows the real
 * Subject, and one that does hides the element. A part in a charset other than US-ASCII or UTF-8 is
 * left alone: its text cannot be extended without transcoding it.
 */
function withLegacyDisplay(entity: Uint8Array, fields: readonly MimeHeader[]): Uint8Array {
  const root = parseMime(entity);
  const lines = fields.map((f) => `${canonicalName(f.name)}: ${decodeHeaderWords(f.value)}`);
  const edits = mainTextParts(root)
    .map((part) => ({ part, bytes: legacyDisplayPart(part, lines) }))
    .filter((e): e is { part: MimeEntity; bytes: Uint8Array } => e.bytes !== undefined)
    .sort((a, b) => b.part.raw.byteOffset - a.part.raw.byteOffset);
  let out = entity;
  for (const { part, bytes } of edits) {
    const start = part.raw.byteOffset - root.raw.byteOffset;
    out = concatBytes(out.subarray(0, start), bytes, out.subarray(start + part.raw.length));
  }
  return out;
}

function canonicalName(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

function mainTextParts(entity: MimeEntity): MimeEntity[] {
  const { type, subtype } = entity.contentType;
  const disposition = (getHeader(entity, 'content-disposition') ?? '').trim().toLowerCase();
  if (disposition.startsWith('attachment')) return [];
  if (type === 'text') return subtype === 'plain' || subtype === 'html' ? [entity] : [];
  if (type !== 'multipart') return [];
  if (subtype === 'alternative') return entity.children.flatMap(mainTextParts);
  if (subtype === 'mixed' || subtype === 'related') return entity.children[0] === undefined ? [] : mainTextParts(entity.children[0]);
  return [];
}

function legacyDisplayPart(part: MimeEntity, lines: readonly string[]): Uint8Array | undefined {
  const charset = (part.contentType.params['charset'] ?? 'us-ascii').toLowerCase();
  const ascii = lines.every((l) => /^[\x20-\x7e]*$/.test(l));
  const utf8 = charset === 'utf-8' || charset === 'utf8';
  if (!utf8 && !(charset === 'us-ascii' || charset === 'ascii')) return undefined;
  const text = decodeBody(part);
  const element = part.contentType.subtype === 'html' ? `<div class="header-protection-legacy-display"><pre>${lines.map(escapeHtml).join('\n')}</pre></div>\r\n` : `${lines.join('\r\n')}\r\n\r\n`;
  const body = insertElement(text, utf8Encode(element), part.contentType.subtype === 'html');
  const params: Record<string, string> = { ...part.contentType.params, ...(ascii || utf8 ? {} : { charset: 'utf-8' }) };
  delete params['hp-legacy-display'];
  // Quoted as RFC 9788's examples write it: some readers match the parameter literally.
  const contentType = [`${part.contentType.type}/${part.contentType.subtype}`, ...Object.entries(params).map(([k, v]) => formatParameter(k, v)), 'hp-legacy-display="1"'].join('; ');
  const sevenBit = isSevenBitSafe(body);
  const head = part.headers.filter((h) => !['content-type', 'content-transfer-encoding'].includes(h.name.toLowerCase())).map((h) => withFinalCrlf(toCrlf(h.raw)));
  return joinBytes([fieldBytes('Content-Type', contentType), ...(sevenBit ? [] : [fieldBytes('Content-Transfer-Encoding', 'base64')]), ...head, CRLF, sevenBit ? body : base64EncodeToAscii(body, 76)]);
}

/** After an HTML document's <body> tag when it has one, else at the start. */
function insertElement(text: Uint8Array, element: Uint8Array, html: boolean): Uint8Array {
  if (!html) return concatBytes(element, text);
  const match = /<body[^>]*>/i.exec(latin1Decode(text));
  if (match === null) return concatBytes(element, text);
  const at = match.index + match[0].length;
  return concatBytes(text.subarray(0, at), element, text.subarray(at));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

// --- Receiving (RFC 9788 section 4.3) --------------------------------------------------------------------

/** The payload's hp parameter when it is one RFC 9788 defines. */
function hpOf(headers: readonly MimeHeader[]): 'clear' | 'cipher' | undefined {
  const value = getHeader({ headers }, 'content-type');
  const hp = value === undefined ? undefined : parseContentType(value).params['hp']?.toLowerCase();
  return hp === 'clear' || hp === 'cipher' ? hp : undefined;
}

/**
 * The From address a signature over `content` binds its signer to when `content` is a header-protected
 * payload with a From field; undefined otherwise (the outer From decides, as for any other message).
 */
export function protectedFromOf(content: Uint8Array, limits?: MimeLimits): FromAddress | undefined {
  const headers = payloadHeaders(content, limits);
  if (headers === undefined || hpOf(headers) === undefined) return undefined;
  const from = fromAddress({ headers });
  return from.status === 'missing' ? undefined : from;
}

function payloadHeaders(content: Uint8Array, limits: MimeLimits | undefined): readonly MimeHeader[] | undefined {
  try {
    return parseHeaderBlock(content, limits).headers;
  } catch (error) {
    if (error instanceof SealpostError && error.code === 'ERR_MIME_MALFORMED') return undefined;
    throw error;
  }
}

/**
 * What header protection the innermost content of a message carries, read against the message's own
 * (outer) header, or undefined when its payload declares none. `signed` and `encrypted` say which
 * layers covered the payload: without either, nothing protected it and nothing is reported.
 */
export function readHeaderProtection(
  outer: readonly MimeHeader[],
  payload: Uint8Array,
  covered: { readonly signed: boolean; readonly encrypted: boolean },
  limits?: MimeLimits,
): HeaderProtectionReport | undefined {
  if (!covered.signed && !covered.encrypted) return undefined;
  const headers = payloadHeaders(payload, limits);
  const hp = headers === undefined ? undefined : hpOf(headers);
  if (headers === undefined || hp === undefined) return undefined;
  const protectedFields = headers.filter((h) => !isStructuralField(h.name) && h.name.toLowerCase() !== 'hp-outer').map(plain);
  // HP-Outer records mean something only inside encryption: a signed-only payload cannot hide anything.
  const claimsCipher = hp === 'cipher' && covered.encrypted;
  const recorded = claimsCipher
    ? headers
        .filter((h) => h.name.toLowerCase() === 'hp-outer')
        .map((h) => hpOuterField(h.value))
        .filter((f) => f !== undefined)
    : [];
  const expectedOutside = claimsCipher ? recorded : protectedFields;
  const outside = outer.filter((h) => !isStructuralField(h.name)).map(plain);
  const confidential = claimsCipher ? hiddenNames(protectedFields, recorded) : [];
  return {
    hp,
    signed: covered.signed,
    encrypted: covered.encrypted,
    headers: protectedFields,
    confidential,
    outerDifferences: differences(outside, expectedOutside, protectedFields),
    legacyDisplay: legacyDisplayPaths(payload, limits),
    ...(hp === 'cipher' && !covered.encrypted
      ? { errors: [{ code: 'ERR_HEADER_PROTECTION_MISMATCH' as const, message: 'the payload says it was encrypted (hp="cipher") but no encryption covered it' }] }
      : {}),
  };
}

function plain(h: MimeHeader): { name: string; value: string } {
  return { name: h.name, value: h.value };
}

function hpOuterField(value: string): { name: string; value: string } | undefined {
  const colon = value.indexOf(':');
  if (colon <= 0) return undefined;
  return { name: value.slice(0, colon).trim(), value: value.slice(colon + 1).trim() };
}

function normalized(value: string): string {
  return value.replace(/[ \t]+/g, ' ').trim();
}

function valuesOf(fields: readonly { name: string; value: string }[], name: string): string[] {
  return fields.filter((f) => f.name.toLowerCase() === name).map((f) => normalized(f.value));
}

/** Protected fields whose value the outside does not show as written (obscured or removed). */
function hiddenNames(protectedFields: readonly { name: string; value: string }[], recorded: readonly { name: string; value: string }[]): string[] {
  const names = [...new Set(protectedFields.map((f) => f.name.toLowerCase()))];
  return names.filter((n) => !sameValues(valuesOf(protectedFields, n), valuesOf(recorded, n)));
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Outer fields that are not what the sender left outside, compared for every field the sender wrote
 * (protected or recorded) and every user-facing field: trace fields relays add (Received, DKIM-Signature,
 * Authentication-Results, ...) are not the sender's and are not compared.
 */
function differences(
  outside: readonly { name: string; value: string }[],
  expected: readonly { name: string; value: string }[],
  protectedFields: readonly { name: string; value: string }[],
): ProtectedHeaderDifference[] {
  const names = new Set<string>();
  for (const f of [...expected, ...protectedFields]) names.add(f.name.toLowerCase());
  for (const f of outside) if (USER_FACING.has(f.name.toLowerCase())) names.add(f.name.toLowerCase());
  const out: ProtectedHeaderDifference[] = [];
  for (const name of names) {
    const seen = valuesOf(outside, name);
    const sent = valuesOf(expected, name);
    if (!sameValues(seen, sent)) out.push({ name: canonicalName(name), outer: seen, expected: sent });
  }
  return out;
}

function legacyDisplayPaths(payload: Uint8Array, limits: MimeLimits | undefined): string[] {
  let root: MimeEntity;
  try {
    root = parseMime(payload, limits);
  } catch (error) {
    if (error instanceof SealpostError && error.code === 'ERR_MIME_MALFORMED') return [];
    throw error;
  }
  return mainTextParts(root)
    .filter((p) => p.contentType.params['hp-legacy-display'] === '1')
    .map((p) => p.path);
}

/**
 * The text of a main part without its legacy display element, for a reader that shows the protected
 * header fields itself (RFC 9788 section 4.3.3): the element is the part's first lines up to the first
 * blank line (text/plain) or its `header-protection-legacy-display` div (text/html). Undefined when the
 * part carries none.
 */
export function textWithoutLegacyDisplay(part: MimeEntity): string | undefined {
  if (part.contentType.params['hp-legacy-display'] !== '1') return undefined;
  const text = utf8Decode(decodeBody(part));
  if (part.contentType.subtype === 'html') return text.replace(/<div class="header-protection-legacy-display">[\s\S]*?<\/div>\r?\n?/, '');
  const blank = /\r?\n\r?\n/.exec(text);
  return blank === null ? text : text.slice(blank.index + blank[0].length);
}

// --- Composing entry point ------------------------------------------------------------------------------

/**
 * The fields that stay outside and the entity to seal, for a message about to be signed (`encrypted`
 * false) or encrypted: splitMessage's cut without header protection, protectHeaders' with it.
 */
export function splitForSealing(message: Uint8Array, encrypted: boolean, options: HeaderProtectionOptions): SplitMessage {
  const mode = options.headerProtection ?? 'off';
  if (mode === 'off') return splitMessage(message);
  if (mode !== 'sign-only' && mode !== 'encrypt') throw new SealpostError('ERR_INVALID_ARGUMENT', `headerProtection must be 'off', 'sign-only' or 'encrypt', not ${JSON.stringify(mode)}`);
  if (mode === 'encrypt' && !encrypted) throw new SealpostError('ERR_INVALID_ARGUMENT', "headerProtection 'encrypt' needs encryption: a message that is only signed cannot hide its header fields");
  const { outerHeaders, payload } = protectHeaders(
    message,
    encrypted ? { hp: 'cipher', confidentiality: mode === 'encrypt' ? (options.headerConfidentiality ?? 'baseline') : 'none', legacyDisplay: options.legacyDisplay ?? true } : { hp: 'clear' },
  );
  return { outerHeaders, entity: payload };
}
