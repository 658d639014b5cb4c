import { decodeBody, decodeHeaderWords, getHeader, getHeaders, parseMime } from '@sealpost/core';
import { describe, expect, it } from 'vitest';
import { composeMessage, rfc5322Date, textPart } from './compose.js';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const base = { cc: [], bcc: [], attachments: [] };

describe('composeMessage', () => {
  it('writes the envelope fields, a fresh Message-ID, a date and a 7bit text part', () => {
    const bytes = composeMessage({
      ...base,
      from: 'Alice <alice@example.com>',
      to: ['bob@example.com', 'Carol <carol@example.com>'],
      subject: 'Hello',
      text: 'Hi Bob',
      date: new Date('2026-03-02T09:30:00Z'),
    });
    const root = parseMime(bytes);
    expect(getHeader(root, 'from')).toBe('"Alice" <alice@example.com>');
    expect(getHeader(root, 'to')).toBe('bob@example.com, "Carol" <carol@example.com>');
    expect(getHeader(root, 'date')).toBe('Mon, 02 Mar 2026 09:30:00 +0000');
    expect(getHeader(root, 'message-id')).toMatch(/^<[0-9a-f]{24}@example\.com>$/);
    expect(getHeader(root, 'content-transfer-encoding')).toBe('7bit');
    expect(text(root.body)).toBe('Hi Bob\r\n');
    expect(text(bytes)).not.toMatch(/[^\r]\n/);
  });

  it('encodes a non-ASCII subject and display name, and sends non-ASCII text as base64 UTF-8', () => {
    const root = parseMime(composeMessage({ ...base, from: 'Zoë <zoe@example.com>', to: ['b@example.com'], subject: 'Grüße', text: 'Grüße aus Köln' }));
    expect(decodeHeaderWords(getHeader(root, 'subject')!)).toBe('Grüße');
    expect(decodeHeaderWords(getHeader(root, 'from')!)).toBe('Zoë <zoe@example.com>');
    expect(getHeader(root, 'content-type')).toBe('text/plain; charset=utf-8');
    expect(text(decodeBody(root))).toBe('Grüße aus Köln\r\n');
  });

  it('makes multipart/alternative for text and HTML, inside multipart/mixed with attachments', () => {
    const pdf = Uint8Array.of(0x25, 0x50, 0x44, 0x46, 0x00, 0xff);
    const root = parseMime(
      composeMessage({
        ...base,
        from: 'a@example.com',
        to: ['b@example.com'],
        bcc: ['hidden@example.com'],
        subject: 's',
        text: 't',
        html: '<p>h</p>',
        attachments: [{ filename: 'Bericht ü.pdf', contentType: 'application/pdf', bytes: pdf }],
      }),
    );
    expect(getHeaders(root, 'bcc')).toEqual(['hidden@example.com']);
    expect(root.contentType.subtype).toBe('mixed');
    expect(root.children[0]!.contentType.subtype).toBe('alternative');
    expect(root.children[0]!.children.map((c) => c.contentType.subtype)).toEqual(['plain', 'html']);
    const attachment = root.children[1]!;
    expect(getHeader(attachment, 'content-disposition')).toBe("attachment; filename*=utf-8''Bericht%20%C3%BC.pdf");
    expect(decodeBody(attachment)).toEqual(pdf);
  });

  it('refuses a From that is not one address', () => {
    expect(() => composeMessage({ ...base, from: 'a@example.com, b@example.com', to: ['c@example.com'], subject: '' })).toThrow(/--from takes exactly one address/);
    expect(() => composeMessage({ ...base, from: 'not an address', to: ['c@example.com'], subject: '' })).toThrow(/--from "not an address" is not an address/);
  });
});

describe('textPart', () => {
  it.each([
    ['a lone dot line', 'a\n.\nb'],
    ['a line starting with "From "', 'a\nFrom here on'],
    ['SparkPost substitution braces', 'Hello {{name}}'],
    ['a line over 998 octets', 'x'.repeat(1000)],
  ])('uses base64 for %s, which a relay could alter', (_what, body) => {
    expect(text(textPart('plain', body))).toContain('Content-Transfer-Encoding: base64');
  });

  it('keeps short ASCII lines as 7bit', () => {
    expect(text(textPart('plain', 'plain\nlines.'))).toBe('Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\nplain\r\nlines.\r\n');
  });
});

describe('rfc5322Date', () => {
  it('is UTC with a two-digit day', () => {
    expect(rfc5322Date(new Date('2026-11-01T01:02:03Z'))).toBe('Sun, 01 Nov 2026 01:02:03 +0000');
  });
});
