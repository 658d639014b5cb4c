import { describe, expect, it } from 'vitest';
import { base64Decode, getHeader, isSealpostError, latin1Decode, parseMime, utf8Decode } from '@sealpost/core';
import { generateTestIdentity } from '@sealpost/core/testing';
import { assertCertificateFor, composeMessage, recipientAddresses } from './message.js';

const DATE = new Date('2026-12-06T09:00:00Z');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isSealpostError(error) ? error.code : String(error);
  }
  return undefined;
}

describe('composeMessage', () => {
  it('writes the header fields and a 7bit part for plain ASCII', () => {
    const bytes = composeMessage({ from: 'Alice <alice@example.com>', to: 'bob@example.com, Carol <carol@example.com>', subject: 'Plans', text: 'Hello\nBob', date: DATE });
    const entity = parseMime(bytes);
    expect(getHeader(entity, 'From')).toBe('"Alice" <alice@example.com>');
    expect(getHeader(entity, 'To')).toBe('bob@example.com, "Carol" <carol@example.com>');
    expect(getHeader(entity, 'Date')).toBe('Sun, 06 Dec 2026 09:00:00 +0000');
    expect(getHeader(entity, 'Message-ID')).toMatch(/^<[0-9a-f]{32}@example\.com>$/);
    expect(getHeader(entity, 'Content-Transfer-Encoding')).toBe('7bit');
    expect(latin1Decode(entity.body)).toBe('Hello\r\nBob\r\n');
  });

  it('sends non-ASCII text, and lines a relay would alter, as base64 of the UTF-8', () => {
    for (const text of ['Grüße', 'a\n.\nb', 'From the harbour']) {
      const entity = parseMime(composeMessage({ from: 'alice@example.com', to: 'bob@example.com', subject: 'Grüße', text, date: DATE }));
      expect(getHeader(entity, 'Content-Transfer-Encoding'), text).toBe('base64');
      expect(utf8Decode(base64Decode(latin1Decode(entity.body))), text).toBe(`${text.replace(/\n/g, '\r\n')}\r\n`);
    }
    const entity = parseMime(composeMessage({ from: 'alice@example.com', to: 'bob@example.com', subject: 'Grüße', text: 'x', date: DATE }));
    expect(getHeader(entity, 'Subject')).toMatch(/^=\?utf-8\?/i);
  });

  it('refuses addresses it cannot use, with a code', () => {
    expect(codeOf(() => composeMessage({ from: 'not an address', to: 'bob@example.com', subject: '', text: '' }))).toBe('ERR_ADDRESS_MALFORMED');
    expect(codeOf(() => composeMessage({ from: 'a@example.com, b@example.com', to: 'bob@example.com', subject: '', text: '' }))).toBe('ERR_ADDRESS_MALFORMED');
    expect(codeOf(() => composeMessage({ from: 'alice@example.com', to: '', subject: '', text: '' }))).toBe('ERR_ADDRESS_MALFORMED');
    expect(recipientAddresses('Bob <bob@example.com>, carol@example.com')).toEqual(['bob@example.com', 'carol@example.com']);
  });
});

describe('assertCertificateFor', () => {
  it('accepts the certificate of the From address and refuses anyone else', async () => {
    const alice = await generateTestIdentity({ email: 'alice@example.com' });
    expect(codeOf(() => assertCertificateFor(alice.certificate, 'Alice <alice@EXAMPLE.com>'))).toBeUndefined();
    expect(codeOf(() => assertCertificateFor(alice.certificate, 'bob@example.com'))).toBe('ERR_FROM_MISMATCH');
  });
});
