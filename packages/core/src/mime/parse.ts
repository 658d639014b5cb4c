import { SealpostError } from '../errors.js';
import { contentTypeOfValue } from './content-type.js';
import { FIELD_VALUES, type HeaderLayout, fieldValues, headerFields, scanHeaderBlock } from './headers.js';
import { resolveLimits } from './limits.js';
import { splitMultipart } from './multipart.js';
import type { ContentType, MimeEntity, MimeHeader, MimeLimits } from './types.js';

interface ParseState {
  readonly limits: Required<MimeLimits>;
  parts: number;
}

/**
 * Parses a MIME entity (a whole message or one part) into a tree whose every byte range is a
 * subarray of `bytes`: nothing is decoded or re-encoded, so signed bytes can be handed on exactly.
 * message/rfc822 parts are leaves (parse their body to look inside). Every entity's header block is
 * held to `maxHeaders` fields and `maxHeaderBytes` bytes.
 */
export function parseMime(bytes: Uint8Array, limits?: MimeLimits): MimeEntity {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('parseMime expects a Uint8Array');
  const state: ParseState = { limits: resolveLimits(limits), parts: 0 };
  if (bytes.length > state.limits.maxBytes) throw new SealpostError('ERR_LIMIT_SIZE', `MIME input exceeds ${state.limits.maxBytes} bytes`, { detail: { size: bytes.length } });
  return parseEntity(bytes, '', 0, state);
}

/** `depth` counts the multiparts enclosing this entity. */
function parseEntity(raw: Uint8Array, path: string, depth: number, state: ParseState): MimeEntity {
  if (++state.parts > state.limits.maxParts) throw new SealpostError('ERR_LIMIT_PARTS', `MIME tree has more than ${state.limits.maxParts} entities`);
  const layout = scanHeaderBlock(raw, state.limits);
  const contentType = contentTypeOfValue(fieldValues(raw, layout.headerEnd, 'content-type', true)[0]);
  const boundary = contentType.params['boundary'];
  if (contentType.type !== 'multipart' || boundary === undefined || boundary === '') {
    return new ParsedEntity(raw, layout, contentType, path, NO_CHILDREN, { preambleEnd: layout.bodyStart, epilogueStart: raw.length });
  }
  if (depth + 1 > state.limits.maxDepth) throw new SealpostError('ERR_LIMIT_DEPTH', `multipart nesting deeper than ${state.limits.maxDepth}`);
  const body = raw.subarray(layout.bodyStart);
  const sections = splitMultipart(body, boundary);
  const children = sections.parts.map((part, i) => parseEntity(part, path === '' ? `${i + 1}` : `${path}.${i + 1}`, depth + 1, state));
  const offsetInRaw = (view: Uint8Array) => view.byteOffset - raw.byteOffset;
  return new ParsedEntity(raw, layout, contentType, path, children, {
    preambleEnd: offsetInRaw(sections.preamble) + sections.preamble.length,
    epilogueStart: offsetInRaw(sections.epilogue),
  });
}

const NO_CHILDREN: readonly MimeEntity[] = Object.freeze([]);

interface MultipartLayout {
  readonly preambleEnd: number;
  readonly epilogueStart: number;
}

/**
 * What parseMime returns. It keeps `raw` and a few offsets into it: the other byte ranges are views
 * made on first use, and so are the header fields (getHeader and getHeaders read the bytes instead of
 * building them). A message of many small parts or many header fields then costs little more than its
 * own bytes.
 */
class ParsedEntity implements MimeEntity {
  readonly raw: Uint8Array;
  readonly contentType: ContentType;
  readonly children: readonly MimeEntity[];
  readonly path: string;
  readonly lineEnding: '\r\n' | '\n';
  readonly #headerEnd: number;
  readonly #bodyStart: number;
  readonly #preambleEnd: number;
  readonly #epilogueStart: number;
  // Made on first use and kept, so that `entity.body === entity.body` as for plain objects.
  #headers: MimeHeader[] | undefined;
  #headerBytes: Uint8Array | undefined;
  #body: Uint8Array | undefined;
  #preamble: Uint8Array | undefined;
  #epilogue: Uint8Array | undefined;

  constructor(raw: Uint8Array, layout: HeaderLayout, contentType: ContentType, path: string, children: readonly MimeEntity[], multipart: MultipartLayout) {
    this.raw = raw;
    this.contentType = contentType;
    this.children = children;
    this.path = path;
    this.lineEnding = layout.lineEnding;
    this.#headerEnd = layout.headerEnd;
    this.#bodyStart = layout.bodyStart;
    this.#preambleEnd = multipart.preambleEnd;
    this.#epilogueStart = multipart.epilogueStart;
  }

  get headerBytes(): Uint8Array {
    return (this.#headerBytes ??= this.raw.subarray(0, this.#headerEnd));
  }

  get headers(): readonly MimeHeader[] {
    return (this.#headers ??= headerFields(this.raw, this.#headerEnd));
  }

  get body(): Uint8Array {
    return (this.#body ??= this.raw.subarray(this.#bodyStart));
  }

  get preamble(): Uint8Array {
    return (this.#preamble ??= this.raw.subarray(this.#bodyStart, this.#preambleEnd));
  }

  get epilogue(): Uint8Array {
    return (this.#epilogue ??= this.raw.subarray(this.#epilogueStart));
  }

  [FIELD_VALUES](lowerName: string, firstOnly: boolean): string[] {
    if (this.#headers === undefined) return fieldValues(this.raw, this.#headerEnd, lowerName, firstOnly);
    const values = this.#headers.filter((h) => h.name.toLowerCase() === lowerName).map((h) => h.value);
    return firstOnly ? values.slice(0, 1) : values;
  }
}
