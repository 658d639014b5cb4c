import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { latin1Decode, latin1Encode } from '../bytes.js';
import { getHeader, getHeaders } from './headers.js';
import { parseMime } from './parse.js';
import type { MimeEntity } from './types.js';

// The vendored RFC 4134 vectors (tooling/fixtures/vectors; core cannot depend on the fixtures package).
const vectors = join(dirname(fileURLToPath(import.meta.url)), '../../../../tooling/fixtures/vectors/rfc4134');

const b = latin1Encode;
const s = latin1Decode;

/** Every byte range of every entity must be a view into `input`'s buffer, inside the entity's raw. */
function expectViews(entity: MimeEntity, input: Uint8Array): void {
  for (const view of [entity.raw, entity.headerBytes, entity.body, entity.preamble, entity.epilogue]) {
    expect(view.buffer).toBe(input.buffer);
    expect(view.byteOffset).toBeGreaterThanOrEqual(entity.raw.byteOffset);
    expect(view.byteOffset + view.length).toBeLessThanOrEqual(entity.raw.byteOffset + entity.raw.length);
  }
  for (const child of entity.children) expectViews(child, input);
}

function paths(entity: MimeEntity): string[] {
  return [entity.path, ...entity.children.flatMap(paths)];
}

const NESTED = [
  'From: alice@example.com',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="outer"',
  '',
  'This is the preamble.',
  '--outer',
  'Content-Type: text/plain',
  '',
  'first part',
  '--outer',
  'Content-Type: multipart/alternative; boundary=inner',
  '',
  '--inner',
  '',
  'no headers here',
  '--inner',
  'Content-Type: text/html',
  '',
  '<p>html</p>',
  '--inner--',
  'inner epilogue',
  '--outer',
  'Content-Type: message/rfc822',
  '',
  'Content-Type: multipart/mixed; boundary=outer',
  '',
  '--notseen',
  '--outer--',
  'This is the epilogue.',
  '',
].join('\r\n');

describe('parseMime: a simple entity', () => {
  it('splits header block and body exactly', () => {
    const input = b('Subject: hi\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n');
    const e = parseMime(input);
    expect(s(e.raw)).toBe(s(input));
    expect(s(e.headerBytes)).toBe('Subject: hi\r\nContent-Type: text/plain; charset=utf-8\r\n');
    expect(s(e.body)).toBe('Hello\r\n');
    expect(e.contentType).toEqual({ type: 'text', subtype: 'plain', params: { charset: 'utf-8' } });
    expect(e.path).toBe('');
    expect(e.children).toEqual([]);
    expect(e.preamble.length + e.epilogue.length).toBe(0);
    expect(e.lineEnding).toBe('\r\n');
    expectViews(e, input);
  });

  it('defaults Content-Type to text/plain; charset=us-ascii', () => {
    expect(parseMime(b('Subject: x\r\n\r\nbody')).contentType).toEqual({ type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } });
  });

  it('takes a body with no header and a header block with no body', () => {
    const bodyOnly = parseMime(b('\r\nonly body\r\n'));
    expect(bodyOnly.headers).toEqual([]);
    expect(s(bodyOnly.headerBytes)).toBe('');
    expect(s(bodyOnly.body)).toBe('only body\r\n');
    const headersOnly = parseMime(b('Subject: x\r\nTo: y\r\n'));
    expect(headersOnly.headers).toHaveLength(2);
    expect(headersOnly.body.length).toBe(0);
    const empty = parseMime(new Uint8Array(0));
    expect(empty.headers).toEqual([]);
    expect(empty.body.length).toBe(0);
  });

  it('refuses what is not bytes', () => {
    expect(() => parseMime('text' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('parseMime: multipart', () => {
  for (const [name, eol] of [
    ['CRLF', '\r\n'],
    ['LF', '\n'],
  ] as const) {
    it(`parses nested multiparts with ${name} line endings, paths, preamble and epilogue`, () => {
      const input = b(NESTED.replaceAll('\r\n', eol));
      const root = parseMime(input);
      expectViews(root, input);
      expect(root.lineEnding).toBe(eol);
      expect(paths(root)).toEqual(['', '1', '2', '2.1', '2.2', '3']);
      expect(s(root.preamble)).toBe('This is the preamble.');
      expect(s(root.epilogue)).toBe(`This is the epilogue.${eol}`);
      const [first, alt, attached] = root.children as [MimeEntity, MimeEntity, MimeEntity];
      expect(s(first.raw)).toBe(`Content-Type: text/plain${eol}${eol}first part`);
      expect(s(first.body)).toBe('first part');
      expect(alt.contentType.subtype).toBe('alternative');
      expect(alt.preamble.length).toBe(0);
      expect(s(alt.epilogue)).toBe('inner epilogue');
      expect(s((alt.children[0] as MimeEntity).raw)).toBe(`${eol}no headers here`);
      expect((alt.children[0] as MimeEntity).headers).toEqual([]);
      expect(s((alt.children[1] as MimeEntity).body)).toBe('<p>html</p>');
      // message/rfc822 is a leaf even though its body looks like a multipart.
      expect(attached.contentType).toMatchObject({ type: 'message', subtype: 'rfc822' });
      expect(attached.children).toEqual([]);
      expect(s(attached.body)).toBe(`Content-Type: multipart/mixed; boundary=outer${eol}${eol}--notseen`);
    });
  }

  it('reads mixed line endings', () => {
    const input = b('Content-Type: multipart/mixed; boundary=b\n\r\n--b\r\n\nA\n--b\n\r\nB\r\n--b--\n');
    const root = parseMime(input);
    expect(root.lineEnding).toBe('\n');
    expect(root.children.map((c) => s(c.raw))).toEqual(['\nA', '\r\nB']);
  });

  it('gives the CRLF before a boundary line to the boundary, not to the part', () => {
    const signed = 'Content-Type: text/plain\r\n\r\nsigned text\r\n';
    const input = b(`Content-Type: multipart/signed; boundary="sig"\r\n\r\n--sig\r\n${signed}\r\n--sig\r\nContent-Type: application/pkcs7-signature\r\n\r\nAAAA\r\n--sig--\r\n`);
    const root = parseMime(input);
    expect(s((root.children[0] as MimeEntity).raw)).toBe(signed);
    expect(s((root.children[1] as MimeEntity).raw)).toBe('Content-Type: application/pkcs7-signature\r\n\r\nAAAA');
    // With no blank line before the boundary the part's own last line break is the boundary's.
    const tight = parseMime(b('Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nline\r\n--x--'));
    expect(s((tight.children[0] as MimeEntity).raw)).toBe('\r\nline');
  });

  it('accepts boundaries of odd RFC 2046 characters, quoted', () => {
    const boundary = "'()+_,-./:=? end";
    const input = b(`Content-Type: multipart/mixed;\r\n boundary="${boundary}"\r\n\r\n--${boundary}\r\n\r\none\r\n--${boundary}\r\n\r\ntwo\r\n--${boundary}--\r\n`);
    expect(parseMime(input).children.map((c) => s(c.body))).toEqual(['one', 'two']);
  });

  it('accepts transport padding after a delimiter and a close delimiter', () => {
    const input = b('Content-Type: multipart/mixed; boundary=pad\r\n\r\n--pad \t \r\n\r\none\r\n--pad\t\r\n\r\ntwo\r\n--pad--  \r\nafter\r\n');
    const root = parseMime(input);
    expect(root.children.map((c) => s(c.body))).toEqual(['one', 'two']);
    expect(s(root.epilogue)).toBe('after\r\n');
  });

  it('only takes whole delimiter lines at the start of a line', () => {
    const input = b('Content-Type: multipart/mixed; boundary=abc\r\n\r\n--abc\r\n\r\n--abcd\r\n--abc-\r\n--abc--x\r\ntext --abc\r\n --abc\r\n--abc\r\n\r\nsecond\r\n--abc--\r\n');
    const root = parseMime(input);
    expect(root.children.map((c) => s(c.body))).toEqual(['--abcd\r\n--abc-\r\n--abc--x\r\ntext --abc\r\n --abc', 'second']);
  });

  it('tolerates a missing close delimiter: the last part runs to the end', () => {
    const root = parseMime(b('Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\n\r\none\r\n--z\r\n\r\ntwo\r\n'));
    expect(root.children.map((c) => s(c.body))).toEqual(['one', 'two\r\n']);
    expect(root.epilogue.length).toBe(0);
  });

  it('keeps a multipart without any delimiter as all preamble, and empty parts as empty', () => {
    const none = parseMime(b('Content-Type: multipart/mixed; boundary=q\r\n\r\nnothing here\r\n'));
    expect(none.children).toEqual([]);
    expect(s(none.preamble)).toBe('nothing here\r\n');
    const empty = parseMime(b('Content-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\n--q\r\n\r\nx\r\n--q--'));
    expect(empty.children.map((c) => s(c.raw))).toEqual(['', '\r\nx']);
  });

  it('treats a multipart without a boundary parameter as a leaf', () => {
    const root = parseMime(b('Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\na\r\n--x--\r\n'));
    expect(root.children).toEqual([]);
    expect(root.contentType.subtype).toBe('mixed');
  });

  it('reads RFC 4134 example 4.8 (bare LF, a part without headers)', () => {
    const input = new Uint8Array(readFileSync(join(vectors, '4.8.eml')));
    const root = parseMime(input);
    expectViews(root, input);
    expect(root.contentType).toMatchObject({ type: 'multipart', subtype: 'signed' });
    expect(root.contentType.params).toMatchObject({ micalg: 'SHA1', protocol: 'application/pkcs7-signature' });
    expect(s(root.preamble)).toBe('This is a multi-part message in MIME format.\n');
    expect(s((root.children[0] as MimeEntity).raw)).toBe('\nThis is some sample content.');
    expect((root.children[1] as MimeEntity).contentType.subtype).toBe('pkcs7-signature');
    expect(root.children).toHaveLength(2);
  });
});

describe('parseMime: header lookups', () => {
  it('getHeader and getHeaders give the same values before and after the fields are built', () => {
    const input = b('Subject : one\r\n  two\r\nX-Subject: no\r\nSubjects: no\r\nsubJECT:three\r\nContent-Type: text/plain\r\n\r\nbody');
    const lookups = (e: MimeEntity) => [getHeader(e, 'SUBJECT'), getHeaders(e, 'subject'), getHeader(e, 'x-subject'), getHeader(e, 'subj'), getHeaders(e, 'from')];
    const entity = parseMime(input);
    const before = lookups(entity);
    expect(before).toEqual(['one  two', ['one  two', 'three'], 'no', undefined, []]);
    expect(entity.headers.map((h) => h.value)).toEqual(['one  two', 'no', 'no', 'three', 'text/plain']);
    expect(lookups(entity)).toEqual(before);
  });

  it('keeps the same views on every access', () => {
    const entity = parseMime(b('Content-Type: multipart/mixed; boundary=b\r\n\r\npre\r\n--b\r\n\r\nx\r\n--b--\r\npost'));
    for (const key of ['headers', 'headerBytes', 'body', 'preamble', 'epilogue'] as const) expect(entity[key]).toBe(entity[key]);
  });
});

describe('parseMime: limits', () => {
  function nested(depth: number): Uint8Array {
    let body = 'Content-Type: text/plain\r\n\r\nleaf';
    for (let i = depth; i > 0; i--) body = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--`;
    return b(body);
  }

  it('enforces the size limit', () => {
    const input = b('Subject: x\r\n\r\n0123456789');
    expect(parseMime(input, { maxBytes: input.length }).body.length).toBe(10);
    expect(() => parseMime(input, { maxBytes: input.length - 1 })).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_SIZE' }));
  });

  it('enforces the nesting depth limit, 32 by default', () => {
    expect(paths(parseMime(nested(3), { maxDepth: 3 })).at(-1)).toBe('1.1.1');
    expect(() => parseMime(nested(4), { maxDepth: 3 })).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_DEPTH' }));
    expect(() => parseMime(nested(32))).not.toThrow();
    expect(() => parseMime(nested(33))).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_DEPTH' }));
  });

  it('enforces the entity count limit, 10 000 by default', () => {
    const many = (n: number) => b(`Content-Type: multipart/mixed; boundary=m\r\n\r\n${'--m\r\n\r\nx\r\n'.repeat(n)}--m--\r\n`);
    expect(parseMime(many(4), { maxParts: 5 }).children).toHaveLength(4);
    expect(() => parseMime(many(5), { maxParts: 5 })).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_PARTS' }));
    expect(parseMime(many(9999)).children).toHaveLength(9999);
    expect(() => parseMime(many(10_000))).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_PARTS' }));
  });

  it('refuses limits that are not non-negative numbers', () => {
    expect(() => parseMime(b(''), { maxDepth: -1 })).toThrow(RangeError);
    expect(() => parseMime(b(''), { maxParts: Number.NaN })).toThrow(RangeError);
    expect(() => parseMime(b(''), { maxHeaders: -1 })).toThrow(RangeError);
    expect(() => parseMime(b(''), { maxHeaderBytes: Number.NaN })).toThrow(RangeError);
  });

  const fields = (n: number) => 'X: y\r\n'.repeat(n);

  it('enforces the header field count per entity, 1 000 by default', () => {
    expect(parseMime(b(`${fields(3)}\r\nbody`), { maxHeaders: 3 }).headers).toHaveLength(3);
    expect(() => parseMime(b(`${fields(4)}\r\nbody`), { maxHeaders: 3 })).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_HEADERS' }));
    expect(parseMime(b(`${fields(1000)}\r\nbody`)).headers).toHaveLength(1000);
    expect(() => parseMime(b(`${fields(1001)}\r\nbody`))).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_HEADERS' }));
    // Per entity: each part may have up to the limit, and a part over it is refused like the root.
    const parts = (n: number) => b(`Content-Type: multipart/mixed; boundary=m\r\n${fields(2)}\r\n--m\r\n${fields(n)}\r\nx\r\n--m\r\n${fields(n)}\r\nx\r\n--m--\r\n`);
    expect(parseMime(parts(3), { maxHeaders: 3 }).children).toHaveLength(2);
    expect(() => parseMime(parts(4), { maxHeaders: 3 })).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_HEADERS' }));
  });

  it('enforces the header block size per entity, 1 MiB by default', () => {
    const block = 'Subject: 0123456789\r\n'; // 21 bytes
    expect(parseMime(b(`${block}\r\nbody`), { maxHeaderBytes: 21 }).headers).toHaveLength(1);
    expect(() => parseMime(b(`${block}\r\nbody`), { maxHeaderBytes: 20 })).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_HEADER_SIZE' }));
    // One folded field counts all its lines; a body after the blank line does not count.
    const folded = b(`Subject: a\r\n${' b\r\n'.repeat(300_000)}\r\n${'body\r\n'.repeat(300_000)}`);
    expect(() => parseMime(folded)).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_HEADER_SIZE' }));
    expect(parseMime(b(`Subject: a\r\n\r\n${'body\r\n'.repeat(300_000)}`)).headers).toHaveLength(1);
    // A message without any header block is all body, however long its first line.
    expect(parseMime(b('x'.repeat(2 * 1024 * 1024))).headers).toHaveLength(0);
  });
});

describe('parseMime: malformed input', () => {
  it('throws ERR_MIME_MALFORMED for a broken header block, in the root or in a part', () => {
    expect(() => parseMime(b('Subject: x\r\nbroken line\r\n\r\nbody'))).toThrow(expect.objectContaining({ code: 'ERR_MIME_MALFORMED' }));
    expect(() => parseMime(b('Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nX: 1\r\nbad\r\n\r\nbody\r\n--b--'))).toThrow(expect.objectContaining({ code: 'ERR_MIME_MALFORMED' }));
    expect(() => parseMime(b('Subject: x\u0000y\r\n\r\n'))).toThrow(expect.objectContaining({ code: 'ERR_MIME_MALFORMED' }));
  });
});
