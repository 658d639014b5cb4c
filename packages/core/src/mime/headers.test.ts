import { describe, expect, it } from 'vitest';
import { latin1Decode, latin1Encode } from '../bytes.js';
import { getHeader, getHeaders, parseHeaderBlock } from './headers.js';

const b = latin1Encode;

describe('parseHeaderBlock', () => {
  it('splits fields, keeps their exact bytes and unfolds values', () => {
    const input = b('Subject: Hello\r\n  folded\r\n\tagain\r\nX-Empty:\r\nTo:  bob@example.com  \r\n\r\nbody\r\n');
    const block = parseHeaderBlock(input);
    expect(block.headers.map((h) => h.name)).toEqual(['Subject', 'X-Empty', 'To']);
    expect(block.headers.map((h) => h.value)).toEqual(['Hello  folded\tagain', '', 'bob@example.com']);
    expect(latin1Decode(block.headers[0]?.raw ?? new Uint8Array())).toBe('Subject: Hello\r\n  folded\r\n\tagain\r\n');
    expect(latin1Decode(input.subarray(0, block.headerEnd))).toBe('Subject: Hello\r\n  folded\r\n\tagain\r\nX-Empty:\r\nTo:  bob@example.com  \r\n');
    expect(latin1Decode(input.subarray(block.bodyStart))).toBe('body\r\n');
    expect(block.lineEnding).toBe('\r\n');
  });

  it('reads bare-LF headers and reports the LF ending', () => {
    const block = parseHeaderBlock(b('A: 1\n b\nC: 2\n\nbody'));
    expect(block.headers.map((h) => [h.name, h.value])).toEqual([
      ['A', '1 b'],
      ['C', '2'],
    ]);
    expect(block.lineEnding).toBe('\n');
    expect(block.bodyStart).toBe(14);
  });

  it('keeps bytes above 0x7F as latin1 and does not trim U+00A0', () => {
    const block = parseHeaderBlock(b('Subject: \u00a0caf\u00c3\u00a9\u00a0\r\n\r\n'));
    expect(block.headers[0]?.value).toBe('\u00a0caf\u00c3\u00a9\u00a0');
  });

  it('tolerates whitespace before the colon (obsolete syntax)', () => {
    expect(parseHeaderBlock(b('Subject : hi\r\n\r\n')).headers[0]).toMatchObject({ name: 'Subject', value: 'hi' });
  });

  it('handles a header block with no body, with and without a final line ending', () => {
    for (const text of ['A: 1\r\nB: 2\r\n', 'A: 1\r\nB: 2']) {
      const input = b(text);
      const block = parseHeaderBlock(input);
      expect(block.headers).toHaveLength(2);
      expect(block.headerEnd).toBe(input.length);
      expect(block.bodyStart).toBe(input.length);
    }
    const truncated = b('A: 1\r\n\r');
    expect(parseHeaderBlock(truncated)).toMatchObject({ headerEnd: 6, bodyStart: 7 });
  });

  it('treats a leading blank line as an empty header block', () => {
    const block = parseHeaderBlock(b('\r\nJust a body: with a colon\r\n'));
    expect(block).toMatchObject({ headers: [], headerEnd: 0, bodyStart: 2 });
  });

  it('treats input whose first line is not a field as body without headers', () => {
    expect(parseHeaderBlock(b('Just some text\r\nmore\r\n'))).toMatchObject({ headers: [], headerEnd: 0, bodyStart: 0 });
    expect(parseHeaderBlock(b(' indented: text\r\n'))).toMatchObject({ headers: [], bodyStart: 0 });
    expect(parseHeaderBlock(new Uint8Array(0))).toMatchObject({ headers: [], headerEnd: 0, bodyStart: 0, lineEnding: '\r\n' });
  });

  it('refuses a line that is neither a field nor a fold inside the header block', () => {
    expect(() => parseHeaderBlock(b('A: 1\r\nnot a header\r\n\r\nbody'))).toThrow(expect.objectContaining({ code: 'ERR_MIME_MALFORMED' }));
    expect(() => parseHeaderBlock(b('A: 1\r\nBad Name: x\r\n\r\n'))).toThrow(expect.objectContaining({ code: 'ERR_MIME_MALFORMED' }));
    expect(() => parseHeaderBlock(b('A: 1\r\n: x\r\n\r\n'))).toThrow(expect.objectContaining({ code: 'ERR_MIME_MALFORMED' }));
  });

  it('refuses more fields, or more header bytes, than its limits allow', () => {
    const input = b('A: 1\r\nB: 2\r\n folded\r\nC: 3\r\n\r\nbody');
    expect(parseHeaderBlock(input, { maxHeaders: 3, maxHeaderBytes: 27 }).headers).toHaveLength(3);
    expect(() => parseHeaderBlock(input, { maxHeaders: 2 })).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_HEADERS' }));
    expect(() => parseHeaderBlock(input, { maxHeaderBytes: 26 })).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_HEADER_SIZE' }));
    expect(() => parseHeaderBlock(b('X: y\r\n'.repeat(1001)))).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_HEADERS' }));
  });

  it('refuses NUL in a header field', () => {
    expect(() => parseHeaderBlock(b('A: 1\u0000\r\n\r\n'))).toThrow(expect.objectContaining({ code: 'ERR_MIME_MALFORMED' }));
    expect(() => parseHeaderBlock(b('A: 1\r\n \u0000\r\n\r\n'))).toThrow(expect.objectContaining({ code: 'ERR_MIME_MALFORMED' }));
  });
});

describe('getHeader / getHeaders', () => {
  const entity = parseHeaderBlock(b('Received: one\r\nreceived: two\r\nSUBJECT: s\r\n\r\n'));

  it('finds fields case-insensitively', () => {
    expect(getHeader(entity, 'subject')).toBe('s');
    expect(getHeader(entity, 'RECEIVED')).toBe('one');
    expect(getHeaders(entity, 'Received')).toEqual(['one', 'two']);
  });

  it('reports absence', () => {
    expect(getHeader(entity, 'From')).toBeUndefined();
    expect(getHeaders(entity, 'From')).toEqual([]);
  });
});
