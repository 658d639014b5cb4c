import { SealpostError, isSealpostError } from '../errors.js';
import { resolveLimits } from '../mime/limits.js';
import { joinMessage, parseMime, splitMessage } from '../mime/index.js';
import type { MimeLimits } from '../mime/types.js';
import { type HeaderBlock, parseHeaderBlock } from '../mime/headers.js';
import { concatBytes } from '../bytes.js';

const CRLF = Uint8Array.of(0x0d, 0x0a);

/**
 * The entity's header block, or null when it has none: its first line is not a header field (nor the
 * empty line of an empty block), or what looked like fields is not a header block (a line that is neither
 * a field nor a fold, a NUL). Limits are errors as always.
 */
function headerBlockOf(bytes: Uint8Array, limits: MimeLimits | undefined): HeaderBlock | null {
  let block: HeaderBlock;
  try {
    block = parseHeaderBlock(bytes, limits);
  } catch (error) {
    if (isSealpostError(error, 'ERR_MIME_MALFORMED')) return null;
    throw error;
  }
  return block.headers.length > 0 || block.bodyStart > 0 ? block : null;
}

/**
 * The message that results from replacing a message's content with `inner` (a decrypted or
 * verified MIME entity): the outer header fields stay, the inner entity's fields win where both
 * have one (the inner ones were protected), content fields come only from the inner entity.
 * `inner` and the result are held to the caller's `limits`, as the outer message was: a layer's
 * content is no less untrusted than the message around it.
 */
export function replaceContent(message: Uint8Array, inner: Uint8Array, limits?: MimeLimits): Uint8Array {
  const { outerHeaders } = splitMessage(message, limits);
  // Content without a MIME header block (some clients sign or encrypt bare text) is a body of RFC
  // 2045's default type, text/plain; charset=us-ascii: an empty header block in front keeps it from
  // being read as more fields of the outer header.
  const entity = headerBlockOf(inner, limits) === null ? concatBytes(CRLF, inner) : inner;
  // The whole entity is parsed under the caller's limits (parts, depth, fields), as the message was.
  const innerNames = new Set(parseMime(entity, limits).headers.map((h) => h.name.toLowerCase()));
  const replaced = joinMessage(
    outerHeaders.filter((h) => !innerNames.has(h.name.toLowerCase())),
    entity,
  );
  const { maxBytes } = resolveLimits(limits);
  if (replaced.length > maxBytes) throw new SealpostError('ERR_LIMIT_SIZE', `the opened content exceeds ${maxBytes} bytes`, { detail: { size: replaced.length } });
  return replaced;
}
