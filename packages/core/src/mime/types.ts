/** One header field as it appears in the input. */
export interface MimeHeader {
  /** Field name as written (case kept). Compare case-insensitively. */
  readonly name: string;
  /** Unfolded value: CRLF/LF + WSP folds removed, leading/trailing whitespace trimmed, bytes as latin1. */
  readonly value: string;
  /** Exact bytes of the field, name through its final line ending, folds included. */
  readonly raw: Uint8Array;
}

export interface ContentType {
  /** Lower-cased, e.g. "multipart". */
  readonly type: string;
  /** Lower-cased, e.g. "signed". */
  readonly subtype: string;
  /** Parameter names lower-cased; values unquoted (RFC 2231 continuations joined). */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * A parsed entity. Every byte range points into the input: nothing is re-encoded. parseMime's entities
 * make their views and header fields on first use (accessors, not own properties): read the fields you
 * need rather than spreading or serializing an entity.
 */
export interface MimeEntity {
  /** Exact bytes of the whole entity: header block, blank line, body. */
  readonly raw: Uint8Array;
  /** Exact bytes of the header block, without the blank separator line. */
  readonly headerBytes: Uint8Array;
  readonly headers: readonly MimeHeader[];
  /** Exact body bytes (after the blank line). For a multipart, preamble through epilogue. */
  readonly body: Uint8Array;
  /** Parsed Content-Type, defaulting to text/plain; charset=us-ascii per RFC 2045. */
  readonly contentType: ContentType;
  /** Children of a multipart (empty otherwise). */
  readonly children: readonly MimeEntity[];
  /** Multipart preamble and epilogue bytes (empty arrays when absent or not multipart). */
  readonly preamble: Uint8Array;
  readonly epilogue: Uint8Array;
  /** IMAP-style part path: "" for the root, "1", "2.1", ... */
  readonly path: string;
  /** Line ending the entity's headers use: CRLF or a bare LF. */
  readonly lineEnding: '\r\n' | '\n';
}

export interface MimeLimits {
  /** Maximum input size in bytes. Default 64 MiB. */
  readonly maxBytes?: number;
  /** Maximum multipart nesting depth. Default 32. */
  readonly maxDepth?: number;
  /** Maximum number of entities in the tree. Default 10 000. */
  readonly maxParts?: number;
  /**
   * Maximum number of header fields in one entity (the message's own header, or one part's). Default
   * 1 000: real mail has a few dozen, and RFC 5321 has relays treat about 100 Received fields as a loop.
   */
  readonly maxHeaders?: number;
  /**
   * Maximum size in bytes of one entity's header block, folds and line endings included. Default 1 MiB,
   * ten times what Postfix keeps of a message header by default (`header_size_limit`, 100 KiB).
   */
  readonly maxHeaderBytes?: number;
}

export interface Mailbox {
  /** Display name, decoded where RFC 2047 encoded; never used for identity. */
  readonly name: string | null;
  /** The addr-spec, local part as written and domain lower-cased. */
  readonly address: string;
}

/** A message cut for sealing: the fields that stay outside, and the content entity to protect. */
export interface SplitMessage {
  /** Every field that is not Content-* (MIME-Version included), as parsed from the message. */
  readonly outerHeaders: MimeHeader[];
  /** The Content-* fields (exact bytes), the blank line and the body. */
  readonly entity: Uint8Array;
}

/** The single From addr-spec, or why there is none. */
export type FromAddress = { readonly status: 'ok'; readonly address: string } | { readonly status: 'missing' } | { readonly status: 'multiple' };
