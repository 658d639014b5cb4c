import { parseParameterizedValue } from './parameters.js';
import { getHeader } from './headers.js';
import type { ContentType, MimeHeader } from './types.js';

const TOKEN = /^[!#$%&'*+\-.^_`{|}~0-9A-Za-z]+$/;

/**
 * RFC 2045 section 5.2: what an entity without a (readable) Content-Type is. One frozen object for
 * every such entity: a message of ten thousand small parts should not hold ten thousand copies.
 */
const DEFAULT_CONTENT_TYPE: ContentType = Object.freeze({
  type: 'text',
  subtype: 'plain',
  params: Object.freeze(Object.assign(Object.create(null) as Record<string, string>, { charset: 'us-ascii' })),
});

function defaultContentType(): ContentType {
  return DEFAULT_CONTENT_TYPE;
}

/**
 * Parses a Content-Type value (RFC 2045, RFC 2231 continuations and charsets). A value whose
 * type/subtype cannot be read yields the RFC 2045 default, text/plain; charset=us-ascii.
 */
export function parseContentType(value: string): ContentType {
  const { head, params } = parseParameterizedValue(value);
  const slash = head.indexOf('/');
  if (slash === -1) return defaultContentType();
  const type = head.slice(0, slash).trim().toLowerCase();
  const subtype = head
    .slice(slash + 1)
    .trim()
    .toLowerCase();
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return defaultContentType();
  return { type, subtype, params: hasAny(params) ? params : NO_PARAMS };
}

// Shared by every Content-Type without parameters: an empty prototype-less object is not small.
const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze(Object.create(null) as Record<string, string>);

function hasAny(params: Readonly<Record<string, string>>): boolean {
  for (const _ in params) return true;
  return false;
}

/** The entity's Content-Type (the first field when there are several), or the default. */
export function contentTypeOf(entity: { readonly headers: readonly MimeHeader[] }): ContentType {
  return contentTypeOfValue(getHeader(entity, 'content-type'));
}

/** The Content-Type a field value (undefined: no field) gives. */
export function contentTypeOfValue(value: string | undefined): ContentType {
  return value === undefined ? defaultContentType() : parseContentType(value);
}
