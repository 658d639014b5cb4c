import { SealpostError } from '../errors.js';
import { base64EncodeToAscii, concatBytes, latin1Encode } from '../bytes.js';
import { resolveLimits } from './limits.js';
import { isSevenBitSafe, toCrlf, withFinalCrlf } from './lines.js';
import { parseMime } from './parse.js';
import { transferEncodingOf } from './transfer-encoding.js';
import type { MimeEntity, MimeLimits } from './types.js';

const CRLF = latin1Encode('\r\n');
const BASE64_CTE = latin1Encode('Content-Transfer-Encoding: base64\r\n');
const ENCODED = new Set(['base64', 'quoted-printable']);

/**
 * The canonical form of a MIME entity for signing (RFC 8551 section 3.1): CRLF line endings
 * everywhere, and every leaf whose body could not travel as 7bit re-encoded as base64 (76-column
 * lines) with its Content-Transfer-Encoding set to match. Multipart boundaries, preambles and
 * epilogues are kept; a 7-bit entity changes only in its line endings, and the result is a fixed
 * point (canonicalizing it again returns the same bytes).
 *
 * Choices worth knowing:
 * - Text (and 7bit/8bit data, which RFC 2045 defines as lines) gets CRLF line endings before
 *   encoding; a part labelled `binary` that is not text is encoded byte for byte.
 * - A body that is already 7-bit is left alone even if it has trailing whitespace or lines starting
 *   with "From ": rewriting it would change bytes the caller chose, and base64 or quoted-printable
 *   content (where such lines could matter) is immune already.
 * - message/rfc822 parts may not be base64-encoded (RFC 2046 section 5.2.1), so an enclosed
 *   message that is not 7-bit already is canonicalized in turn.
 * - A multipart/signed (the entity itself or one inside it) keeps its bytes, line endings aside:
 *   re-encoding its parts would break the signature it carries.
 * - Header fields are not re-encoded: raw 8-bit bytes in a header (RFC 6532) stay as they are.
 */
export function canonicalizeForSigning(entityBytes: Uint8Array, limits?: MimeLimits): Uint8Array {
  const resolved = resolveLimits(limits);
  return concatBytes(...canonicalChunks(parseMime(entityBytes, resolved), resolved));
}

function canonicalChunks(entity: MimeEntity, limits: Required<MimeLimits>): Uint8Array[] {
  const { type, subtype } = entity.contentType;
  if (entity.children.length > 0 || (type === 'multipart' && entity.contentType.params['boundary'] !== undefined)) {
    return subtype === 'signed' ? [toCrlf(entity.raw)] : multipartChunks(entity, limits);
  }
  const cte = transferEncodingOf(entity);
  if (ENCODED.has(cte)) return [toCrlf(entity.raw)];
  const content = cte === 'binary' && type !== 'text' ? entity.body : toCrlf(entity.body);
  if (isSevenBitSafe(content)) return [toCrlf(headAndSeparator(entity)), content];
  if (type === 'message' && subtype === 'rfc822') return enclosedMessageChunks(entity, limits);
  return [...headerChunksWithBase64(entity), base64EncodeToAscii(content, 76)];
}

/** The entity's bytes before its body: header block and blank line. */
function headAndSeparator(entity: MimeEntity): Uint8Array {
  return entity.raw.subarray(0, entity.raw.length - entity.body.length);
}

/** The multipart's own bytes around its children, line endings fixed, children canonicalized. */
function multipartChunks(entity: MimeEntity, limits: Required<MimeLimits>): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let pos = 0;
  for (const child of entity.children) {
    const start = child.raw.byteOffset - entity.raw.byteOffset;
    chunks.push(toCrlf(entity.raw.subarray(pos, start)), ...canonicalChunks(child, limits));
    pos = start + child.raw.length;
  }
  chunks.push(toCrlf(entity.raw.subarray(pos)));
  return chunks;
}

function enclosedMessageChunks(entity: MimeEntity, limits: Required<MimeLimits>): Uint8Array[] {
  if (limits.maxDepth < 1) throw new SealpostError('ERR_LIMIT_DEPTH', 'message/rfc822 nesting too deep');
  const inner = { ...limits, maxDepth: limits.maxDepth - 1 };
  return [toCrlf(headAndSeparator(entity)), ...canonicalChunks(parseMime(entity.body, inner), inner)];
}

/**
 * The entity's header block and separator in CRLF, with the first Content-Transfer-Encoding field
 * replaced by `base64` (further ones dropped: two encodings would be ambiguous) or one added.
 */
function headerChunksWithBase64(entity: MimeEntity): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let replaced = false;
  for (const header of entity.headers) {
    if (header.name.toLowerCase() !== 'content-transfer-encoding') chunks.push(withFinalCrlf(toCrlf(header.raw)));
    else if (!replaced) {
      chunks.push(BASE64_CTE);
      replaced = true;
    }
  }
  if (!replaced) chunks.push(BASE64_CTE);
  chunks.push(CRLF);
  return chunks;
}
