import { randomBytes } from 'node:crypto';
import { type HeaderField, type Mailbox, buildEntity, buildMultipart, encodeHeaderWords, isSevenBitSafe, parseMailboxList, toCrlf } from '@sealpost/core';
import { usageError } from '../errors.js';

export interface Attachment {
  readonly filename: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

export interface ComposeOptions {
  /** One mailbox, e.g. `Alice <alice@example.com>`. */
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
  readonly subject: string;
  readonly text?: string | undefined;
  readonly html?: string | undefined;
  readonly attachments: readonly Attachment[];
  /** Default: now. */
  readonly date?: Date;
  /** The content entity made earlier by composeContent (for the same text, html and attachments). */
  readonly content?: Uint8Array;
}

/**
 * An RFC 5322 message with CRLF line endings: text and/or HTML (multipart/alternative when both),
 * then attachments (multipart/mixed). Text that is not 7-bit safe is base64-encoded here, so the
 * bytes handed to signing are already what travels.
 */
export function composeMessage(options: ComposeOptions): Uint8Array {
  const from = mailboxes(options.from, '--from');
  if (from.length !== 1) throw usageError('--from takes exactly one address');
  const headers: HeaderField[] = [['From', formatMailboxes(from)]];
  for (const [name, values, flag] of [
    ['To', options.to, '--to'],
    ['Cc', options.cc, '--cc'],
    ['Bcc', options.bcc, '--bcc'],
  ] as const) {
    const list = values.flatMap((v) => mailboxes(v, flag));
    if (list.length > 0) headers.push([name, formatMailboxes(list)]);
  }
  headers.push(['Subject', encodeHeaderWords(options.subject)]);
  headers.push(['Date', rfc5322Date(options.date ?? new Date())]);
  headers.push(['Message-ID', messageId(from[0]!.address)]);
  headers.push(['MIME-Version', '1.0']);
  return joinHeaders(headers, options.content ?? composeContent(options));
}

/**
 * The content entity alone (what is signed): the text, HTML and attachments. Each multipart gets a
 * fresh random boundary, so two calls never give the same bytes; a caller sending one content many
 * times makes it once.
 */
export function composeContent(options: Pick<ComposeOptions, 'text' | 'html' | 'attachments'>): Uint8Array {
  const bodies: Uint8Array[] = [];
  if (options.text !== undefined) bodies.push(textPart('plain', options.text));
  if (options.html !== undefined) bodies.push(textPart('html', options.html));
  if (bodies.length === 0) bodies.push(textPart('plain', ''));
  const body = bodies.length === 1 ? bodies[0]! : buildMultipart('alternative', {}, bodies);
  if (options.attachments.length === 0) return body;
  return buildMultipart('mixed', {}, [body, ...options.attachments.map(attachmentPart)]);
}

/**
 * A text part: 7bit when every line is short ASCII and nothing on the way would touch it, else base64
 * of the UTF-8. Lines a relay may alter (a lone dot, `From ` at the start, SparkPost's `{{`
 * substitutions) are sent as base64 too, so a signature over them survives.
 */
export function textPart(subtype: 'plain' | 'html', text: string): Uint8Array {
  const full = text.endsWith('\n') || text === '' ? text : `${text}\n`;
  const bytes = toCrlf(new TextEncoder().encode(full));
  const plainAscii = isSevenBitSafe(bytes) && !/(^|\n)(\.\r?\n|From )|\{\{/.test(full);
  const charset = /^[\x00-\x7f]*$/.test(text) ? 'us-ascii' : 'utf-8';
  return buildEntity(
    [
      ['Content-Type', `text/${subtype}; charset=${charset}`],
      ['Content-Transfer-Encoding', plainAscii ? '7bit' : 'base64'],
    ],
    plainAscii ? bytes : base64Lines(bytes),
  );
}

function attachmentPart(attachment: Attachment): Uint8Array {
  const name = filenameParameter(attachment.filename);
  return buildEntity(
    [
      ['Content-Type', `${attachment.contentType}; name${name}`],
      ['Content-Transfer-Encoding', 'base64'],
      ['Content-Disposition', `attachment; filename${name}`],
    ],
    base64Lines(attachment.bytes),
  );
}

/** `="report.pdf"`, or RFC 2231 `*=utf-8''...` for a name that is not printable ASCII. */
function filenameParameter(filename: string): string {
  if (/^[\x20-\x7e]*$/.test(filename)) return `="${filename.replace(/["\\]/g, '\\$&')}"`;
  const encoded = Array.from(new TextEncoder().encode(filename), (b) =>
    /[A-Za-z0-9!#$&+.^_`|~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');
  return `*=utf-8''${encoded}`;
}

export function base64Lines(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString('base64');
  return new TextEncoder().encode((text.match(/.{1,76}/g) ?? []).map((line) => `${line}\r\n`).join(''));
}

function mailboxes(value: string, flag: string): Mailbox[] {
  try {
    const list = parseMailboxList(value);
    if (list.length === 0) throw usageError(`${flag} "${value}" holds no address`);
    return list;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ERR_ADDRESS_MALFORMED') throw usageError(`${flag} "${value}" is not an address like bob@example.com or "Bob <bob@example.com>"`);
    throw error;
  }
}

/** Mailboxes as a header value: display names quoted (or RFC 2047 encoded), addresses in angle brackets. */
export function formatMailboxes(list: readonly Mailbox[]): string {
  return list.map(formatMailbox).join(', ');
}

function formatMailbox(mailbox: Mailbox): string {
  if (mailbox.name === null || mailbox.name === '') return mailbox.address;
  const name = /^[\x20-\x7e]*$/.test(mailbox.name) ? `"${mailbox.name.replace(/["\\]/g, '\\$&')}"` : encodeHeaderWords(mailbox.name);
  return `${name} <${mailbox.address}>`;
}

function joinHeaders(headers: readonly HeaderField[], entity: Uint8Array): Uint8Array {
  // buildEntity writes the fields, a blank line, then the body; the entity's own header block must
  // follow the message fields directly, so the blank line is cut out again.
  const head = buildEntity(headers, new Uint8Array(0));
  const out = new Uint8Array(head.length - 2 + entity.length);
  out.set(head.subarray(0, head.length - 2));
  out.set(entity, head.length - 2);
  return out;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 date-time in UTC, e.g. `Mon, 02 Mar 2026 09:30:00 +0000`. */
export function rfc5322Date(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[date.getUTCDay()]}, ${two(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

export function messageId(sender: string): string {
  const domain = sender.slice(sender.lastIndexOf('@') + 1);
  return `<${randomBytes(12).toString('hex')}@${domain}>`;
}
