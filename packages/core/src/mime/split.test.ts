import { describe, expect, it } from 'vitest';
import { latin1Decode, latin1Encode } from '../bytes.js';
import { parseHeaderBlock } from './headers.js';
import { joinMessage, splitMessage } from './split.js';

const b = latin1Encode;
const s = latin1Decode;

const MESSAGE = [
  'From: Alice <alice@example.com>',
  'To: bob@example.com',
  'Subject: folded',
  '  subject',
  'MIME-Version: 1.0',
  'Content-Type: text/plain;',
  '\tcharset=utf-8',
  'Date: Mon, 1 Jan 2024 00:00:00 +0000',
  'content-transfer-encoding: 8bit',
  'Content-Disposition: inline',
  'Message-ID: <1@example.com>',
  '',
  'body line',
  '',
].join('\r\n');

describe('splitMessage', () => {
  it('keeps message fields outside and moves Content-* fields, exact bytes, into the entity', () => {
    const { outerHeaders, entity } = splitMessage(b(MESSAGE));
    expect(outerHeaders.map((h) => h.name)).toEqual(['From', 'To', 'Subject', 'MIME-Version', 'Date', 'Message-ID']);
    expect(s(outerHeaders[2]?.raw ?? new Uint8Array())).toBe('Subject: folded\r\n  subject\r\n');
    expect(s(entity)).toBe('Content-Type: text/plain;\r\n\tcharset=utf-8\r\ncontent-transfer-encoding: 8bit\r\nContent-Disposition: inline\r\n\r\nbody line\r\n');
  });

  it('makes the default Content-Type explicit when the message has none', () => {
    const { entity } = splitMessage(b('From: a@example.com\r\nSubject: x\r\n\r\nhello\r\n'));
    expect(s(entity)).toBe('Content-Type: text/plain; charset=us-ascii\r\n\r\nhello\r\n');
    const lf = splitMessage(b('From: a@example.com\n\nhello\n'));
    expect(s(lf.entity)).toBe('Content-Type: text/plain; charset=us-ascii\n\nhello\n');
  });

  it('copes with a message without body or without final line ending', () => {
    expect(s(splitMessage(b('From: a@example.com\r\nContent-Type: text/plain')).entity)).toBe('Content-Type: text/plain\r\n\r\n');
    expect(s(splitMessage(b('')).entity)).toBe('Content-Type: text/plain; charset=us-ascii\r\n\r\n');
  });

  it('refuses a broken header block', () => {
    expect(() => splitMessage(b('From: a@example.com\r\ngarbage\r\n\r\nbody'))).toThrow(expect.objectContaining({ code: 'ERR_MIME_MALFORMED' }));
  });

  it('applies the header limits: the defaults, or the ones given', () => {
    const message = (n: number) => b(`${'X: y\r\n'.repeat(n)}\r\nbody`);
    expect(splitMessage(message(1000)).outerHeaders).toHaveLength(1000);
    expect(() => splitMessage(message(1001))).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_HEADERS' }));
    expect(splitMessage(message(1001), { maxHeaders: 2000 }).outerHeaders).toHaveLength(1001);
    expect(() => splitMessage(message(10), { maxHeaderBytes: 59 })).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_HEADER_SIZE' }));
  });
});

describe('joinMessage', () => {
  it('reassembles what splitMessage took apart', () => {
    const { outerHeaders, entity } = splitMessage(b(MESSAGE));
    const joined = s(joinMessage(outerHeaders, entity));
    const fields = parseHeaderBlock(b(joined)).headers.map((h) => h.name);
    expect(fields).toEqual(['From', 'To', 'Subject', 'MIME-Version', 'Date', 'Message-ID', 'Content-Type', 'content-transfer-encoding', 'Content-Disposition']);
    expect(joined.endsWith('\r\n\r\nbody line\r\n')).toBe(true);
  });

  it('adds MIME-Version when absent and turns outer line endings into CRLF', () => {
    const { outerHeaders } = splitMessage(b('From: a@example.com\nSubject: x\n y\n\nbody'));
    const entity = b('Content-Type: text/plain\r\n\r\nsealed');
    expect(s(joinMessage(outerHeaders, entity))).toBe('From: a@example.com\r\nSubject: x\r\n y\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nsealed');
  });

  it('ends an outer field that had no line ending', () => {
    const { outerHeaders } = splitMessage(b('Subject: last'));
    expect(s(joinMessage(outerHeaders, b('\r\nx')))).toBe('Subject: last\r\nMIME-Version: 1.0\r\n\r\nx');
  });

  it('joins any number of outer fields (no argument list as long as the header)', () => {
    const outerHeaders = parseHeaderBlock(b(`${'X: y\r\n'.repeat(200_000)}\r\n`), {
      maxHeaders: Number.POSITIVE_INFINITY,
      maxHeaderBytes: Number.POSITIVE_INFINITY,
    }).headers;
    expect(joinMessage(outerHeaders, b('\r\nx'))).toHaveLength(200_000 * 6 + 'MIME-Version: 1.0\r\n\r\nx'.length);
  });

  it('refuses Content-* fields among the outer ones', () => {
    const headers = parseHeaderBlock(b('Content-Type: text/plain\r\n\r\n')).headers;
    expect(() => joinMessage(headers, b('\r\n'))).toThrow(TypeError);
  });
});
