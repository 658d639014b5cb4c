export type { ContentType, FromAddress, Mailbox, MimeEntity, MimeHeader, MimeLimits, SplitMessage } from './types.js';
export { parseMime } from './parse.js';
export { DEFAULT_MIME_LIMITS } from './limits.js';
export { getHeader, getHeaders } from './headers.js';
export { parseContentType } from './content-type.js';
export { parseParameterizedValue, type ParameterizedValue } from './parameters.js';
export { decodeHeaderWords, encodeHeaderWords } from './encoded-words.js';
export { decodeBody, quotedPrintableDecode, transferEncodingOf } from './transfer-encoding.js';
export {
  base64Decode,
  base64Encode,
  bytesEqual,
  concatBytes,
  latin1Decode,
  latin1Encode,
  toHex,
  utf8Decode,
  utf8Encode,
} from '../bytes.js';
export { isSevenBitSafe, toCrlf } from './lines.js';
export { canonicalizeForSigning } from './canonical.js';
export { buildEntity, buildMultipart, foldHeaderField, formatParameter, generateBoundary, type HeaderField } from './build.js';
export { joinMessage, splitMessage } from './split.js';
export { addressesEqual, fromAddress, parseMailboxList } from './address.js';
