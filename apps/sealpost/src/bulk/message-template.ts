import { type Mailbox, type MimeEntity, addressesEqual, encodeHeaderWords, foldHeaderField, normalizeAddress, parseMailboxList, parseMime, toCrlf, transferEncodingOf } from '@sealpost/core';
import { CliError } from '../errors.js';
import { type Attachment, composeContent, composeMessage, formatMailboxes } from '../send/compose.js';
import { checkPlaceholders, escapeHtml, renderPlaceholders } from './placeholders.js';
import type { BulkRecipient } from './recipients.js';

/** Turns one CSV row into the message for that recipient. */
export interface MessageTemplate {
  /** Throws CliError ERR_TEMPLATE when this row cannot make a valid message (the row is then reported, not sent). */
  render(recipient: BulkRecipient): Uint8Array;
}

export interface FlagTemplateOptions {
  readonly from: string;
  readonly subject: string;
  readonly text?: string | undefined;
  readonly html?: string | undefined;
  readonly attachments: readonly Attachment[];
  readonly columns: readonly string[];
}

/** `--subject`, `--text` and `--html` with {{column}} placeholders; To is the row's address. */
export function flagTemplate(options: FlagTemplateOptions): MessageTemplate {
  checkPlaceholders(options.subject, options.columns, '--subject');
  if (options.text !== undefined) checkPlaceholders(options.text, options.columns, '--text');
  if (options.html !== undefined) checkPlaceholders(options.html, options.columns, '--html');
  if (options.from.includes('{{')) throw new CliError('ERR_TEMPLATE', '--from takes no placeholders: every message of a bulk send comes from one sender');
  const contents = contentsOnce(options.attachments);
  return {
    render(recipient) {
      const subject = singleLine(renderPlaceholders(options.subject, recipient.fields), 'Subject', recipient);
      const text = options.text === undefined ? undefined : renderPlaceholders(options.text, recipient.fields, lineBreaksAsCrlf);
      const html = options.html === undefined ? undefined : renderPlaceholders(options.html, recipient.fields, (v) => escapeHtml(lineBreaksAsCrlf(v)));
      return composeMessage({ from: options.from, to: [recipient.address], cc: [], bcc: [], subject, text, html, attachments: options.attachments, content: contents(text, html) });
    },
  };
}

/** Distinct bodies whose content entity is kept: a few variants of a body are sent many times each. */
const CONTENTS_KEPT = 64;

/**
 * The content entity for a rendered text and HTML, made once for each distinct pair: rows whose body
 * comes out the same get the same bytes (multipart boundaries included), so the run signs it once.
 */
function contentsOnce(attachments: readonly Attachment[]): (text: string | undefined, html: string | undefined) => Uint8Array {
  const made = new Map<string, Uint8Array>();
  return (text, html) => {
    const key = JSON.stringify([text ?? null, html ?? null]);
    let content = made.get(key);
    if (content === undefined) {
      content = composeContent({ text, html, attachments });
      made.set(key, content);
      if (made.size > CONTENTS_KEPT) made.delete(made.keys().next().value!);
    }
    return content;
  };
}

interface TextSegment {
  readonly start: number;
  readonly end: number;
  readonly html: boolean;
  /** The part declares UTF-8 (or nothing but ASCII may be written into it). */
  readonly utf8: boolean;
}

/**
 * A whole message (`--template FILE.eml`) with {{column}} placeholders in its top-level header
 * fields and in text parts that are not base64 or quoted-printable (values are HTML-escaped in
 * text/html parts). A placeholder anywhere else is refused when the template is read. The To field
 * may be written (`To: {{name}} <{{email}}>`) but must name the row's address alone; without one,
 * `To: ADDRESS` is added. Cc and Bcc are refused: each message goes to one recipient.
 */
export function emlTemplate(file: Uint8Array, columns: readonly string[], where: string): MessageTemplate {
  const bytes = toCrlf(file);
  const root = parseMime(bytes);
  for (const h of root.headers) {
    const name = h.name.toLowerCase();
    if (name === 'cc' || name === 'bcc') throw new CliError('ERR_TEMPLATE', `${where}: a bulk template has no ${h.name} field (each message goes to its row's address only)`);
    checkPlaceholders(utf8(h.value), columns, `${where}, ${h.name} field`);
  }
  if (!root.headers.some((h) => h.name.toLowerCase() === 'from')) throw new CliError('ERR_TEMPLATE', `${where}: the template has no From field`);
  const segments = textSegments(root, bytes);
  for (const s of segments) checkPlaceholders(utf8(bytes.subarray(s.start, s.end)), columns, `${where}, a text part`);
  refusePlaceholdersOutside(bytes, root.headerBytes.length, segments, where);
  const tailOffset = root.headerBytes.length;
  return {
    render(recipient) {
      const head = renderHeaders(root, recipient);
      const chunks: Uint8Array[] = [head];
      let at = tailOffset;
      for (const s of segments) {
        chunks.push(bytes.subarray(at, s.start), renderSegment(bytes.subarray(s.start, s.end), s, recipient));
        at = s.end;
      }
      chunks.push(bytes.subarray(at));
      return concat(chunks);
    },
  };
}

function renderHeaders(root: MimeEntity, recipient: BulkRecipient): Uint8Array {
  const fields: Uint8Array[] = [];
  let hasTo = false;
  for (const h of root.headers) {
    const value = utf8(h.value);
    const isTo = h.name.toLowerCase() === 'to';
    hasTo ||= isTo;
    if (!value.includes('{{') && !isTo) {
      fields.push(h.raw); // untouched, folds and bytes as written
      continue;
    }
    const rendered = singleLine(renderPlaceholders(value, recipient.fields), h.name, recipient);
    const written = isTo ? toValue(rendered, recipient) : headerValue(rendered, h.name, recipient);
    fields.push(ascii(`${foldHeaderField(h.name, written)}\r\n`));
  }
  if (!hasTo) fields.splice(1, 0, ascii(`To: ${recipient.address}\r\n`));
  return concat(fields);
}

/**
 * The rendered To field: one mailbox, the row's address. `{{name}} <{{email}}>` is read as display
 * name and address even when the name holds commas or quotes, which a CSV value easily does.
 */
function toValue(rendered: string, recipient: BulkRecipient): string {
  const mailbox = nameAndAddress(rendered) ?? onlyMailbox(rendered);
  if (mailbox === null || !addressesEqual(mailbox.address, recipient.address)) throw rowError(recipient, `the To field must name ${recipient.address} alone`);
  return formatMailboxes([mailbox]);
}

function nameAndAddress(value: string): Mailbox | null {
  const match = /^(.*)<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value);
  if (match === null) return null;
  const address = normalizeAddress(match[2]!);
  if (address === null) return null;
  const name = match[1]!
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .replace(/\\(.)/g, '$1');
  return { name: name === '' ? null : name, address };
}

function onlyMailbox(value: string): Mailbox | null {
  try {
    const list = parseMailboxList(value);
    return list.length === 1 ? list[0]! : null;
  } catch {
    return null;
  }
}

function singleLine(value: string, name: string, recipient: BulkRecipient): string {
  if (/[\r\n]/.test(value)) throw rowError(recipient, `a value for the ${name} field holds a line break`);
  return value;
}

/** A rendered field value: ASCII, or RFC 2047 encoded in free-text fields. */
function headerValue(value: string, name: string, recipient: BulkRecipient): string {
  singleLine(value, name, recipient);
  if (/^[\x20-\x7e\t]*$/.test(value)) return value;
  if (!FREE_TEXT_FIELDS.has(name.toLowerCase())) throw rowError(recipient, `the ${name} field would hold characters that are not ASCII`);
  return encodeHeaderWords(value);
}

/** Fields of unstructured text (RFC 5322 3.6.5), where RFC 2047 encoded words may stand anywhere. */
const FREE_TEXT_FIELDS: ReadonlySet<string> = new Set(['subject', 'comments', 'keywords']);

function renderSegment(body: Uint8Array, segment: TextSegment, recipient: BulkRecipient): Uint8Array {
  const text = utf8(body);
  if (!text.includes('{{')) return body;
  const rendered = renderPlaceholders(text, recipient.fields, segment.html ? (v) => escapeHtml(lineBreaksAsCrlf(v)) : lineBreaksAsCrlf);
  if (!segment.utf8 && !/^[\x00-\x7f]*$/.test(rendered)) throw rowError(recipient, 'a value is not ASCII but its text part does not declare charset=utf-8');
  return new TextEncoder().encode(rendered);
}

/** Text leaves whose bytes are the text itself (no base64 or quoted-printable in between). */
function textSegments(entity: MimeEntity, base: Uint8Array): TextSegment[] {
  if (entity.children.length > 0) return entity.children.flatMap((child) => textSegments(child, base));
  const { type, subtype, params } = entity.contentType;
  const encoding = transferEncodingOf(entity);
  if (type !== 'text' || !['7bit', '8bit', 'binary'].includes(encoding)) return [];
  const start = entity.body.byteOffset - base.byteOffset;
  const charset = (params['charset'] ?? 'us-ascii').toLowerCase();
  return [{ start, end: start + entity.body.length, html: subtype === 'html', utf8: charset === 'utf-8' || charset === 'utf8' }];
}

function refusePlaceholdersOutside(bytes: Uint8Array, headerEnd: number, segments: readonly TextSegment[], where: string): void {
  let at = headerEnd;
  for (const s of [...segments, { start: bytes.length, end: bytes.length }]) {
    if (latin1(bytes.subarray(at, s.start)).includes('{{'))
      throw new CliError('ERR_TEMPLATE', `${where}: placeholders work only in the top-level header fields and in text parts without base64 or quoted-printable`);
    at = s.end;
  }
}

function lineBreaksAsCrlf(value: string): string {
  return value.replace(/\r\n|\r|\n/g, '\r\n');
}

function rowError(recipient: BulkRecipient, what: string): CliError {
  return new CliError('ERR_TEMPLATE', `line ${recipient.line}: ${what}`);
}

function utf8(value: string | Uint8Array): string {
  const bytes = typeof value === 'string' ? Uint8Array.from(value, (c) => c.charCodeAt(0)) : value;
  return new TextDecoder().decode(bytes);
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
