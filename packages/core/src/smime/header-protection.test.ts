import { describe, expect, it } from 'vitest';
import { isSealpostError } from '../errors.js';
import { parseHeaderBlock } from '../mime/headers.js';
import { protectHeaders, readHeaderProtection, splitForSealing } from './header-protection.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

const MESSAGE = enc.encode(
  'From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nSubject: Quarterly\r\n figures\r\nComments: draft\r\nMIME-Version: 1.0\r\n' +
    'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\nHello.\r\n',
);

function fieldsOf(bytes: Uint8Array): [string, string][] {
  return parseHeaderBlock(bytes).headers.map((h) => [h.name, h.value]);
}

describe('protectHeaders', () => {
  it('clear: every non-structural field is copied inside, the outside is the message header as it was', () => {
    const { outerHeaders, payload } = protectHeaders(MESSAGE, { hp: 'clear' });
    expect(outerHeaders.map((h) => h.name)).toEqual(['From', 'To', 'Subject', 'Comments', 'MIME-Version']);
    expect(fieldsOf(payload)).toEqual([
      ['Content-Type', 'text/plain; charset=utf-8; hp="clear"'],
      ['Content-Transfer-Encoding', '7bit'],
      ['From', 'Alice <alice@example.com>'],
      ['To', 'bob@example.com'],
      ['Subject', 'Quarterly figures'],
      ['Comments', 'draft'],
    ]);
    expect(dec.decode(payload).endsWith('\r\n\r\nHello.\r\n')).toBe(true);
  });

  it('cipher: the policy decides the outside and every field left there is recorded as HP-Outer', () => {
    const { outerHeaders, payload } = protectHeaders(MESSAGE, { hp: 'cipher', legacyDisplay: false });
    expect(outerHeaders.map((h) => [h.name, h.value])).toEqual([
      ['From', 'Alice <alice@example.com>'],
      ['To', 'bob@example.com'],
      ['Subject', '[...]'],
      ['MIME-Version', '1.0'],
    ]);
    expect(fieldsOf(payload).filter(([n]) => n === 'HP-Outer')).toEqual([
      ['HP-Outer', 'From: Alice <alice@example.com>'],
      ['HP-Outer', 'To: bob@example.com'],
      ['HP-Outer', 'Subject: [...]'],
    ]);
  });

  it('a caller policy can remove or rewrite any field; its values must be strings or null', () => {
    const { outerHeaders } = protectHeaders(MESSAGE, {
      hp: 'cipher',
      confidentiality: ({ name, value }) => (name.toLowerCase() === 'from' ? 'alice@example.com' : name.toLowerCase() === 'to' ? null : value),
      legacyDisplay: false,
    });
    expect(outerHeaders.map((h) => [h.name, h.value])).toEqual([
      ['From', 'alice@example.com'],
      ['Subject', 'Quarterly figures'],
      ['Comments', 'draft'],
      ['MIME-Version', '1.0'],
    ]);
    const bad = () => protectHeaders(MESSAGE, { hp: 'cipher', confidentiality: () => 42 as unknown as string });
    expect(bad).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });

  it('refuses a message that already carries HP-Outer fields or an hp parameter', () => {
    const withHpOuter = enc.encode('From: a@example.com\r\nHP-Outer: Subject: x\r\n\r\nHi\r\n');
    const withHp = enc.encode('From: a@example.com\r\nContent-Type: text/plain; hp="clear"\r\n\r\nHi\r\n');
    for (const message of [withHpOuter, withHp]) {
      let error: unknown;
      try {
        protectHeaders(message, { hp: 'clear' });
      } catch (e) {
        error = e;
      }
      expect(isSealpostError(error, 'ERR_INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('a message without Content-Type gets the RFC 2045 default, marked', () => {
    const { payload } = protectHeaders(enc.encode('From: a@example.com\r\nSubject: Hi\r\n\r\nHi\r\n'), { hp: 'clear' });
    expect(fieldsOf(payload)[0]).toEqual(['Content-Type', 'text/plain; charset=us-ascii; hp="clear"']);
  });

  it('a UTF-8 Subject in a US-ASCII text part: the legacy display makes the part UTF-8 and base64', () => {
    const message = enc.encode('From: a@example.com\r\nSubject: Überweisung\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nHi\r\n');
    const { payload } = protectHeaders(message, { hp: 'cipher' });
    const fields = Object.fromEntries(fieldsOf(payload));
    expect(fields['Content-Type']).toBe('text/plain; charset=utf-8; hp-legacy-display="1"; hp="cipher"');
    expect(fields['Content-Transfer-Encoding']).toBe('base64');
    const body = dec.decode(payload).split('\r\n\r\n')[1]!;
    expect(Buffer.from(body, 'base64').toString('utf8')).toBe('Subject: Überweisung\r\n\r\nHi\r\n');
  });

  it("splitForSealing refuses 'encrypt' for a signed-only message and unknown modes", () => {
    expect(() => splitForSealing(MESSAGE, false, { headerProtection: 'encrypt' })).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => splitForSealing(MESSAGE, true, { headerProtection: 'yes' as 'encrypt' })).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});

describe('readHeaderProtection', () => {
  const outer = parseHeaderBlock(MESSAGE).headers;
  const { payload } = protectHeaders(MESSAGE, { hp: 'clear' });

  it('reports nothing for a payload no signature or encryption covered', () => {
    expect(readHeaderProtection(outer, payload, { signed: false, encrypted: false })).toBeUndefined();
  });

  it('reports nothing for content that declares no header protection', () => {
    expect(readHeaderProtection(outer, enc.encode('Content-Type: text/plain\r\n\r\nHi\r\n'), { signed: true, encrypted: false })).toBeUndefined();
  });

  it('compares folded and unfolded values alike, and leaves relay trace fields alone', () => {
    const relayed = parseHeaderBlock(enc.encode(`Received: from relay\r\nDKIM-Signature: v=1\r\n${dec.decode(MESSAGE).replace('Quarterly\r\n figures', 'Quarterly figures')}`)).headers;
    expect(readHeaderProtection(relayed, payload, { signed: true, encrypted: false })?.outerDifferences).toEqual([]);
  });
});
