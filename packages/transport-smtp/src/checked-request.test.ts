import { describe, expect, it } from 'vitest';
import { checkedEnvelope, checkedMessage } from './checked-request.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('checkedMessage', () => {
  it('accepts CRLF text, 8-bit bytes and a message without a final CRLF', () => {
    expect(() => checkedMessage(bytes('Subject: x\r\n\r\nbody\r\n'))).not.toThrow();
    expect(() => checkedMessage(new Uint8Array([0x41, 0xe9, 0x0d, 0x0a]))).not.toThrow();
    expect(() => checkedMessage(bytes('Subject: x\r\n\r\nbody'))).not.toThrow();
  });

  it.each([
    ['empty', '', /empty/],
    ['a bare LF', 'a\r\nb\nc', /bare LF at offset 4/],
    ['a bare CR', 'a\rb', /bare CR at offset 1/],
    ['a final bare CR', 'a\r\nb\r', /bare CR at offset 4/],
    ['a leading LF', '\nb', /bare LF at offset 0/],
    ['a NUL', 'a\u0000', /NUL byte at offset 1/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => checkedMessage(bytes(text))).toThrow(message);
  });
});

describe('checkedEnvelope', () => {
  it('removes repeated recipients and keeps the order', () => {
    expect(checkedEnvelope({ from: 'a@example.com', to: ['c@example.com', 'b@example.com', 'c@example.com'] })).toEqual({
      from: 'a@example.com',
      to: ['c@example.com', 'b@example.com'],
    });
  });

  it('allows the null sender of bounces', () => {
    expect(checkedEnvelope({ from: '', to: ['b@example.com'] }).from).toBe('');
  });

  it('refuses an envelope without recipients', () => {
    expect(() => checkedEnvelope({ from: 'a@example.com', to: [] })).toThrow(expect.objectContaining({ code: 'ERR_NO_RECIPIENTS' }));
  });

  it.each(['b@example.com>\r\nRCPT TO:<evil@example.com', '<b@example.com>', 'b @example.com', 'no-at-sign', ''])('refuses the address %j', (address) => {
    expect(() => checkedEnvelope({ from: 'a@example.com', to: [address] })).toThrow(expect.objectContaining({ code: 'ERR_ADDRESS_MALFORMED' }));
    expect(() => checkedEnvelope({ from: address === '' ? 'x' : address, to: ['b@example.com'] })).toThrow(expect.objectContaining({ code: 'ERR_ADDRESS_MALFORMED' }));
  });
});
