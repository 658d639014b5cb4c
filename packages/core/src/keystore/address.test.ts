import { describe, expect, it } from 'vitest';
import { isSealpostError } from '../errors.js';
import { MAX_ADDRESS_OCTETS, MAX_LOCAL_PART_OCTETS, type StoreAddressProblem, normalizeStoreAddress } from './address.js';

const octets = (text: string): number => new TextEncoder().encode(text).length;

/** A domain of DNS-sized labels (at most 63 octets each) that is exactly `length` octets long. */
function domainOf(length: number): string {
  const labels: string[] = [];
  let left = length;
  while (left > 64) {
    labels.push('d'.repeat(62));
    left -= 63;
  }
  labels.push('e'.repeat(left));
  return labels.join('.');
}

function refusal(address: string): { code: string; reason: unknown; message: string } {
  try {
    normalizeStoreAddress(address);
  } catch (error) {
    if (!isSealpostError(error)) throw error;
    return { code: error.code, reason: error.detail?.['reason'], message: error.message };
  }
  throw new Error(`accepted ${JSON.stringify(address)}`);
}

const LONGEST = `${'l'.repeat(MAX_LOCAL_PART_OCTETS)}@${domainOf(MAX_ADDRESS_OCTETS - MAX_LOCAL_PART_OCTETS - 1)}`;

describe('normalizeStoreAddress', () => {
  it('lower-cases the domain, keeps the local part as written and trims surrounding space', () => {
    expect(normalizeStoreAddress(' Alice.Smith+Tag@Mail.EXAMPLE.com ')).toBe('Alice.Smith+Tag@mail.example.com');
    expect(normalizeStoreAddress('ÄLICE@BÜCHER.DE')).toBe('ÄLICE@bücher.de');
    expect(normalizeStoreAddress('user@[IPv6:2001:DB8::1]')).toBe('user@[ipv6:2001:db8::1]');
  });

  it('accepts the longest legal address: a 64-octet local part, 254 octets in all', () => {
    expect(octets(LONGEST)).toBe(254);
    expect(normalizeStoreAddress(LONGEST)).toBe(LONGEST);
  });

  it('accepts every addr-spec RFC 5321 allows: any atext, quoted local parts, address literals, UTF-8', () => {
    for (const address of [
      'a/b@example.com',
      "o'brien@example.com",
      '{x}|y~=?^_`!#$%&*@example.com',
      '"john doe"@example.com',
      '"a@b"@example.com',
      '"a\\"b"@example.com',
      '"..a/../b"@example.com',
      'user@[192.0.2.1]',
      'x@localhost',
      'josé@exämple.com',
      'a-b@x-1.example',
    ]) {
      expect(normalizeStoreAddress(address), address).toBe(address);
    }
  });

  it('is idempotent', () => {
    for (const address of [' Bob@Example.COM', 'ÄLICE@BÜCHER.DE', LONGEST, '"A B"@X.Y']) {
      const once = normalizeStoreAddress(address);
      expect(normalizeStoreAddress(once)).toBe(once);
    }
  });

  const refused: [string, StoreAddressProblem][] = [
    ['', 'not-addr-spec'],
    ['alice', 'not-addr-spec'],
    ['alice@', 'not-addr-spec'],
    ['@example.com', 'not-addr-spec'],
    ['Alice <alice@example.com>', 'local-part'],
    ['al ice@example.com', 'local-part'],
    ['../x@example.com', 'local-part'],
    ['.hidden@example.com', 'local-part'],
    ['a..b@example.com', 'local-part'],
    ['alice.@example.com', 'local-part'],
    ['a\\b@example.com', 'local-part'],
    ['"unterminated@example.com', 'local-part'],
    ['"a"b"@example.com', 'local-part'],
    ['a\u00a0b@example.com', 'local-part'],
    ['alice@example.com/../x', 'domain'],
    ['alice@-example.com', 'domain'],
    ['alice@example-.com', 'domain'],
    ['alice@exa_mple.com', 'domain'],
    ['alice@example..com', 'domain'],
    ['alice@example.com.', 'domain'],
    [`alice@${'x'.repeat(64)}.com`, 'domain'],
    ['alice@[1.2.3.4', 'domain'],
    ['a\u0000b@example.com', 'control-character'],
    ['alice@example.com\u0000', 'control-character'],
    ['a\r\nb@example.com', 'control-character'],
    ['a\u0007@example.com', 'control-character'],
    ['a\u007f@example.com', 'control-character'],
    ['a\u0085@example.com', 'control-character'],
    ['alice\u202e@example.com', 'control-character'],
    ['a\u2028@example.com', 'control-character'],
    ['"a\u0000"@example.com', 'control-character'],
    [`${'a'.repeat(MAX_LOCAL_PART_OCTETS + 1)}@example.com`, 'local-part-too-long'],
    // 33 characters, 66 octets: the limits count octets.
    [`${'é'.repeat(33)}@example.com`, 'local-part-too-long'],
    [`${'l'.repeat(MAX_LOCAL_PART_OCTETS)}@${domainOf(MAX_ADDRESS_OCTETS - MAX_LOCAL_PART_OCTETS)}`, 'too-long'],
    [`${'a'.repeat(3000)}@example.com`, 'too-long'],
    // 216 octets as given, 321 once the domain is lower-cased (U+0130 becomes i and U+0307).
    [`a@${Array.from({ length: 5 }, () => '\u0130'.repeat(21)).join('.')}`, 'too-long'],
  ];

  it.each(refused)('refuses %j with ERR_ADDRESS_MALFORMED (%s)', (address, reason) => {
    expect(refusal(address)).toMatchObject({ code: 'ERR_ADDRESS_MALFORMED', reason });
  });

  it('never repeats the address in its message', () => {
    for (const address of ['secret-marker', 'secret-marker@exa_mple.com', `secret-marker${'x'.repeat(300)}@example.com`, 'secret\u0000marker@example.com']) {
      expect(refusal(address).message).not.toContain('secret');
    }
  });

  it('treats a non-string as a programming mistake', () => {
    expect(() => normalizeStoreAddress(42 as unknown as string)).toThrow(TypeError);
  });
});
