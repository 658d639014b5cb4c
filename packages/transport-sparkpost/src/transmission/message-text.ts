import { SealpostError } from '@sealpost/core';
import { transportError } from '../errors.js';

// ignoreBOM keeps a leading U+FEFF in the text, so the string encodes back to the very same bytes.
const exactUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** SparkPost adds the SMTP terminator itself and documents that the content must not contain it. */
const SMTP_TERMINATOR = '\r\n.\r\n';
/** SparkPost's substitution syntax; it rewrites these in top-level headers and the first text parts. */
const SUBSTITUTION_OPEN = '{{';

/**
 * The message as the JSON string `content.email_rfc822`, after the checks that keep it byte-exact:
 * size first, then text that JSON can carry unchanged, then nothing SparkPost would rewrite.
 */
export function messageText(message: Uint8Array, sealed: boolean, maxBytes: number): string {
  if (message.length > maxBytes)
    throw transportError('ERR_MESSAGE_TOO_LARGE', `the message is ${message.length} bytes; the limit is ${maxBytes}`, {
      size: message.length,
      limit: maxBytes,
    });
  let text: string;
  try {
    text = exactUtf8.decode(message);
  } catch (error) {
    throw new SealpostError('ERR_INVALID_ARGUMENT', 'the message is not UTF-8 text, so the JSON API cannot carry it unchanged', { cause: error });
  }
  if (text.includes(SMTP_TERMINATOR)) throw new SealpostError('ERR_INVALID_ARGUMENT', 'the message contains a line with a single dot, which SparkPost does not accept in raw content');
  if (sealed && text.includes(SUBSTITUTION_OPEN))
    throw new SealpostError('ERR_INVALID_ARGUMENT', "the sealed message contains '{{', which SparkPost would treat as substitution syntax and rewrite, breaking the signature");
  return text;
}
