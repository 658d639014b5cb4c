import { SealpostError } from '../errors.js';
import { contentTypeOf } from './content-type.js';
import { parseHeaderBlock } from './headers.js';
import { resolveLimits } from './limits.js';
import { splitMultipart } from './multipart.js';
import type { MimeEntity, MimeLimits } from './types.js';

interface ParseState {
  readonly limits: Required<MimeLimits>;
  parts: number;
}

/**
 * Parses a MIME entity (a whole message or one part) into a tree whose every byte range is a
 * subarray of `bytes`: nothing is decoded or re-encoded, so signed bytes can be handed on exactly.
 * message/rfc822 parts are leaves (parse their body to look inside).
 */
export function parseMime(bytes: Uint8Array, limits?: MimeLimits): MimeEntity {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('parseMime expects a Uint8Array');
  const state: ParseState = { limits: resolveLimits(limits), parts: 0 };
  if (bytes.length > state.limits.maxBytes)
    throw new SealpostError('ERR_LIMIT_SIZE', `MIME input exceeds ${state.limits.maxBytes} bytes`, { detail: { size: bytes.length } });
  return parseEntity(bytes, '', 0, state);
}

/** `depth` counts the multiparts enclosing this entity. */
function parseEntity(raw: Uint8Array, path: string, depth: number, state: ParseState): MimeEntity {
  if (++state.parts > state.limits.maxParts)
    throw new SealpostError('ERR_LIMIT_PARTS', `MIME tree has more than ${state.limits.maxParts} entities`);
  const block = parseHeaderBlock(raw);
  const body = raw.subarray(block.bodyStart);
  const contentType = contentTypeOf(block);
  const base = {
    raw,
    headerBytes: raw.subarray(0, block.headerEnd),
    headers: block.headers,
    body,
    contentType,
    path,
    lineEnding: block.lineEnding,
  };
  const boundary = contentType.params['boundary'];
  if (contentType.type !== 'multipart' || boundary === undefined || boundary === '') {
    return { ...base, children: [], preamble: body.subarray(0, 0), epilogue: body.subarray(body.length) };
  }
  if (depth + 1 > state.limits.maxDepth)
    throw new SealpostError('ERR_LIMIT_DEPTH', `multipart nesting deeper than ${state.limits.maxDepth}`);
  const sections = splitMultipart(body, boundary);
  const children = sections.parts.map((part, i) => parseEntity(part, path === '' ? `${i + 1}` : `${path}.${i + 1}`, depth + 1, state));
  return { ...base, children, preamble: sections.preamble, epilogue: sections.epilogue };
}
