import { SealpostError } from '../errors.js';
import { resolveLimits } from '../mime/limits.js';
import { joinMessage, parseMime, splitMessage } from '../mime/index.js';
import type { MimeLimits } from '../mime/types.js';

/**
 * The message that results from replacing a message's content with `inner` (a decrypted or
 * verified MIME entity): the outer header fields stay, the inner entity's fields win where both
 * have one (the inner ones were protected), content fields come only from the inner entity.
 * `inner` and the result are held to the caller's `limits`, as the outer message was: a layer's
 * content is no less untrusted than the message around it.
 */
export function replaceContent(message: Uint8Array, inner: Uint8Array, limits?: MimeLimits): Uint8Array {
  const { outerHeaders } = splitMessage(message, limits);
  const innerNames = new Set(parseMime(inner, limits).headers.map((h) => h.name.toLowerCase()));
  const replaced = joinMessage(
    outerHeaders.filter((h) => !innerNames.has(h.name.toLowerCase())),
    inner,
  );
  const { maxBytes } = resolveLimits(limits);
  if (replaced.length > maxBytes)
    throw new SealpostError('ERR_LIMIT_SIZE', `the opened content exceeds ${maxBytes} bytes`, { detail: { size: replaced.length } });
  return replaced;
}
