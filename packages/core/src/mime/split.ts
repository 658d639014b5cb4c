import { concatBytes, joinBytes, latin1Encode } from '../bytes.js';
import { parseHeaderBlock } from './headers.js';
import { toCrlf, withFinalCrlf } from './lines.js';
import type { MimeHeader, MimeLimits, SplitMessage } from './types.js';

const MIME_VERSION = latin1Encode('MIME-Version: 1.0\r\n');

function isContentField(header: MimeHeader): boolean {
  return header.name.toLowerCase().startsWith('content-');
}

/**
 * Separates a message into the fields that describe the message (From, To, Subject, Date,
 * MIME-Version, ...), which stay on the outside, and the content entity to seal: every Content-*
 * field, byte for byte, then the blank line and the body. A message without a Content-Type gets
 * `Content-Type: text/plain; charset=us-ascii` in the entity, its RFC 2045 meaning made explicit.
 * The header is held to the `maxHeaders` and `maxHeaderBytes` of `limits` (defaults when not given).
 */
export function splitMessage(message: Uint8Array, limits?: MimeLimits): SplitMessage {
  const block = parseHeaderBlock(message, limits);
  const outerHeaders = block.headers.filter((h) => !isContentField(h));
  const contentHeaders = block.headers.filter(isContentField);
  const ending = latin1Encode(block.lineEnding);
  const chunks: Uint8Array[] = [];
  if (!contentHeaders.some((h) => h.name.toLowerCase() === 'content-type')) chunks.push(latin1Encode(`Content-Type: text/plain; charset=us-ascii${block.lineEnding}`));
  for (const h of contentHeaders) chunks.push(endsWithLf(h.raw) ? h.raw : concatBytes(h.raw, ending));
  const separator = message.subarray(block.headerEnd, block.bodyStart);
  chunks.push(separator.length > 0 ? separator : ending, message.subarray(block.bodyStart));
  return { outerHeaders, entity: joinBytes(chunks) };
}

/**
 * The inverse of splitMessage once the entity is sealed: the outer fields (line endings made CRLF),
 * `MIME-Version: 1.0` when they lack one, then the entity exactly as given. Content-* fields belong
 * to the entity, so passing one among the outer fields is a TypeError.
 */
export function joinMessage(outerHeaders: readonly MimeHeader[], entity: Uint8Array): Uint8Array {
  if (outerHeaders.some(isContentField)) throw new TypeError('Content-* fields belong to the entity, not the outer header');
  const chunks = outerHeaders.map((h) => withFinalCrlf(toCrlf(h.raw)));
  if (!outerHeaders.some((h) => h.name.toLowerCase() === 'mime-version')) chunks.push(MIME_VERSION);
  chunks.push(entity);
  return joinBytes(chunks);
}

function endsWithLf(bytes: Uint8Array): boolean {
  return bytes[bytes.length - 1] === 0x0a;
}
