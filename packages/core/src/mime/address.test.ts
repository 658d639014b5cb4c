import { describe, expect, it } from 'vitest';
import { latin1Encode, utf8Encode } from '../bytes.js';
import { addressesEqual, fromAddress, parseMailboxList } from './address.js';
import { parseMime } from './parse.js';

const malformed = expect.objectContaining({ code: 'ERR_ADDRESS_MALFORMED' });

function from(...values: string[]) {
  return fromAddress(parseMime(latin1Encode(`${values.map((v) => `From: ${v}\r\n`).join('')}To: x@example.com\r\n\r\nbody`)));
}

describe('parseMailboxList', () => {
  it('reads bare addr-specs and angle addresses, lower-casing only the domain', () => {
    expect(parseMailboxList('Alice.Smith@Example.COM')).toEqual([{ name: null, address: 'Alice.Smith@example.com' }]);
    expect(parseMailboxList('<bob@EXAMPLE.org>')).toEqual([{ name: null, address: 'bob@example.org' }]);
  });

  it('reads display names: atoms, quoted strings with escapes, dots, encoded words', () => {
    expect(parseMailboxList('Alice Smith <alice@example.com>')).toEqual([{ name: 'Alice Smith', address: 'alice@example.com' }]);
    expect(parseMailboxList('"Smith, \\"Al\\"" <al@example.com>')).toEqual([{ name: 'Smith, "Al"', address: 'al@example.com' }]);
    expect(parseMailboxList('John Q. Public <jqp@example.com>')[0]?.name).toBe('John Q. Public');
    expect(parseMailboxList('=?utf-8?Q?J=C3=B6rg?= <j@example.com>')[0]?.name).toBe('Jörg');
    expect(parseMailboxList('"" <empty@example.com>')[0]?.name).toBeNull();
  });

  it('ignores comments and folding whitespace anywhere', () => {
    expect(parseMailboxList('(c1) Alice (c2 (nested)) < alice (x) @ (y) example.com (z) > (tail)')).toEqual([{ name: 'Alice', address: 'alice@example.com' }]);
    expect(parseMailboxList('bob@example.com (Bob \\) Jones)')).toEqual([{ name: null, address: 'bob@example.com' }]);
    expect(parseMailboxList('Alice\r\n <alice@example.com>')[0]?.address).toBe('alice@example.com');
  });

  it('reads lists and flattens groups, allowing empty elements', () => {
    expect(parseMailboxList('a@example.com, B <b@example.com>,, team: c@example.com, "D" <d@example.com>;, e@example.com').map((m) => m.address)).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
      'd@example.com',
      'e@example.com',
    ]);
    expect(parseMailboxList('undisclosed-recipients:;')).toEqual([]);
    expect(parseMailboxList('')).toEqual([]);
    expect(parseMailboxList('  (just a comment) ')).toEqual([]);
  });

  it('keeps quotes on a local part only when it needs them', () => {
    expect(parseMailboxList('"alice"@example.com')[0]?.address).toBe('alice@example.com');
    expect(parseMailboxList('"first.last"@example.com')[0]?.address).toBe('first.last@example.com');
    expect(parseMailboxList('john."doe"@example.com')[0]?.address).toBe('john.doe@example.com');
    expect(parseMailboxList('"john doe"@example.com')[0]?.address).toBe('"john doe"@example.com');
    expect(parseMailboxList('"a\\"b"@example.com')[0]?.address).toBe('"a\\"b"@example.com');
    expect(parseMailboxList('"a..b"@example.com')[0]?.address).toBe('"a..b"@example.com');
    expect(parseMailboxList('"x@y"@example.com')[0]?.address).toBe('"x@y"@example.com');
  });

  it('reads domain literals and UTF-8 addresses (RFC 6532)', () => {
    expect(parseMailboxList('user@[192.0.2.1]')[0]?.address).toBe('user@[192.0.2.1]');
    expect(parseMailboxList('José <josé@exämple.com>')[0]).toEqual({ name: 'José', address: 'josé@exämple.com' });
    // The same, as the parser hands it over: raw UTF-8 bytes read as latin1.
    const raw = String.fromCharCode(...utf8Encode('josé@exämple.com'));
    expect(parseMailboxList(raw)[0]?.address).toBe('josé@exämple.com');
    // Raw UTF-8 is read once: "Ã©" must not be read again as the UTF-8 of "é".
    expect(parseMailboxList(String.fromCharCode(...utf8Encode('Ã© <a@example.com>')))[0]?.name).toBe('Ã©');
  });

  it('folds only ASCII letters in domains (no Unicode case mapping look-alikes)', () => {
    expect(parseMailboxList('a@\u212Aexample.com')[0]?.address).toBe('a@\u212Aexample.com');
  });

  it('throws ERR_ADDRESS_MALFORMED on garbage', () => {
    for (const bad of [
      'just a name',
      'alice',
      '@example.com',
      'alice@',
      'alice@example..com',
      'a..b@example.com',
      '.a@example.com',
      'a.@example.com',
      'john doe@example.com',
      '<alice@example.com',
      'alice@example.com>',
      '"unterminated@example.com',
      'alice@example.com (unterminated',
      'user@[1.2.3.4',
      'a@example.com b@example.com',
      '<>',
      'a\u0000b@example.com',
      'group: a@example.com',
      ': a@example.com;',
      'outer: inner: a@example.com;;',
      'alice@example.com;',
      'Alice <alice@example.com> trailing',
    ]) {
      expect(() => parseMailboxList(bad), bad).toThrow(malformed);
    }
  });

  it('refuses obsolete source routes', () => {
    expect(() => parseMailboxList('<@relay.example:alice@example.com>')).toThrow(malformed);
    expect(() => parseMailboxList('<@a.example,@b.example:alice@example.com>')).toThrow(malformed);
  });
});

describe('fromAddress', () => {
  it('returns the single From addr-spec', () => {
    expect(from('Alice <Alice@Example.com>')).toEqual({ status: 'ok', address: 'Alice@example.com' });
    expect(from('alice@example.com')).toEqual({ status: 'ok', address: 'alice@example.com' });
  });

  it('takes the angle address, never a display name that looks like an address', () => {
    expect(from('"alice@example.com" <mallory@evil.test>')).toEqual({ status: 'ok', address: 'mallory@evil.test' });
    expect(from('=?utf-8?Q?alice=40example=2Ecom?= <mallory@evil.test>')).toEqual({ status: 'ok', address: 'mallory@evil.test' });
    expect(from('mallory@evil.test (alice@example.com)')).toEqual({ status: 'ok', address: 'mallory@evil.test' });
    expect(from('"<alice@example.com>" <mallory@evil.test>')).toEqual({ status: 'ok', address: 'mallory@evil.test' });
  });

  it('treats ambiguous spoofing shapes as missing', () => {
    expect(from('alice@example.com <mallory@evil.test>')).toEqual({ status: 'missing' });
    expect(from('<@example.com:mallory@evil.test>')).toEqual({ status: 'missing' });
    expect(from('"alice@example.com": mallory@evil.test;')).toEqual({ status: 'missing' });
    expect(from('alice@example.com\u0001<mallory@evil.test>')).toEqual({ status: 'missing' });
    expect(from('alice@example.com@evil.test')).toEqual({ status: 'missing' });
    expect(from('<alice@example.com>@evil.test')).toEqual({ status: 'missing' });
    expect(from('Alice <alice@example.com> <mallory@evil.test>')).toEqual({ status: 'missing' });
    expect(from('Alice <alice@example.com>mallory@evil.test')).toEqual({ status: 'missing' });
  });

  it('reports several mailboxes or several From fields as multiple', () => {
    expect(from('alice@example.com, mallory@evil.test')).toEqual({ status: 'multiple' });
    expect(from('alice@example.com', 'mallory@evil.test')).toEqual({ status: 'multiple' });
    expect(from('alice@example.com', 'alice@example.com')).toEqual({ status: 'multiple' });
  });

  it('reports no From, an empty one, an unparseable one or a group as missing', () => {
    expect(fromAddress(parseMime(latin1Encode('To: x@example.com\r\n\r\nbody')))).toEqual({ status: 'missing' });
    expect(from('')).toEqual({ status: 'missing' });
    expect(from('(nobody)')).toEqual({ status: 'missing' });
    expect(from('not an address')).toEqual({ status: 'missing' });
    expect(from('undisclosed:;')).toEqual({ status: 'missing' });
  });

  it('finds From case-insensitively and reads a folded one', () => {
    expect(fromAddress(parseMime(latin1Encode('FROM: Alice\r\n <alice@example.com>\r\n\r\n')))).toEqual({ status: 'ok', address: 'alice@example.com' });
  });
});

describe('addressesEqual', () => {
  it('compares local parts exactly and domains without ASCII case', () => {
    expect(addressesEqual('alice@example.com', 'alice@EXAMPLE.com')).toBe(true);
    expect(addressesEqual('Alice@example.com', 'alice@example.com')).toBe(false);
    expect(addressesEqual('alice@example.com', 'alice@example.org')).toBe(false);
    expect(addressesEqual('"a@b"@example.com', '"a@b"@EXAMPLE.COM')).toBe(true);
    expect(addressesEqual('alice@\u212Aexample.com', 'alice@kexample.com')).toBe(false);
  });

  it('matches nothing without an @', () => {
    expect(addressesEqual('alice', 'alice')).toBe(false);
    expect(addressesEqual('@example.com', '@example.com')).toBe(false);
  });
});
