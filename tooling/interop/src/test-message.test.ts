import { bytesEqual, canonicalizeForSigning, latin1Decode, parseMime, splitMessage } from '@sealpost/core';
import { describe, expect, it } from 'vitest';
import { interopEntity, interopMessage } from './test-message.js';

describe('interopMessage', () => {
  const message = interopMessage('Alice Example <alice@example.com>', 'Bob Example <bob@example.com>');
  const entity = interopEntity(message);

  it('has an entity that is already canonical, so signed bytes can be compared exactly', () => {
    expect(bytesEqual(canonicalizeForSigning(entity), entity)).toBe(true);
  });

  it('uses CRLF only and stays 7-bit', () => {
    const text = latin1Decode(message);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect([...message].every((b) => b < 0x80)).toBe(true);
  });

  it('is multipart/mixed with a quoted-printable text part and a base64 attachment of every byte value', () => {
    const root = parseMime(message);
    expect(root.contentType.subtype).toBe('mixed');
    expect(root.children.map((c) => `${c.contentType.type}/${c.contentType.subtype}`)).toEqual(['text/plain', 'application/octet-stream']);
    expect(splitMessage(message).outerHeaders.map((h) => h.name)).toEqual(['From', 'To', 'Subject', 'Date', 'Message-ID', 'MIME-Version']);
  });
});
