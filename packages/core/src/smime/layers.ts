import { joinMessage, parseMime, splitMessage } from '../mime/index.js';

/**
 * The message that results from replacing a message's content with `inner` (a decrypted or
 * verified MIME entity): the outer header fields stay, the inner entity's fields win where both
 * have one (the inner ones were protected), content fields come only from the inner entity.
 */
export function replaceContent(message: Uint8Array, inner: Uint8Array): Uint8Array {
  const { outerHeaders } = splitMessage(message);
  const innerNames = new Set(parseMime(inner).headers.map((h) => h.name.toLowerCase()));
  return joinMessage(
    outerHeaders.filter((h) => !innerNames.has(h.name.toLowerCase())),
    inner,
  );
}
