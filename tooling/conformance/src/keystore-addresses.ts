import { MAX_ADDRESS_OCTETS, MAX_LOCAL_PART_OCTETS } from '@sealpost/core';

/** A domain of DNS-sized labels (at most 63 octets each), exactly `length` octets long. */
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

/** The longest address RFC 5321 allows: a 64-octet local part and 254 octets in all. */
export const LONGEST_ADDRESS = `${'l'.repeat(MAX_LOCAL_PART_OCTETS)}@${domainOf(MAX_ADDRESS_OCTETS - MAX_LOCAL_PART_OCTETS - 1)}`;

/**
 * Addresses core's store address rule accepts, as given and as every store must file them: the
 * unusual ones a file name or a row could trip over (a slash, quotes, brackets, UTF-8, the longest).
 */
export const ACCEPTED_ADDRESSES: readonly (readonly [given: string, stored: string])[] = [
  [LONGEST_ADDRESS, LONGEST_ADDRESS],
  [`${'l'.repeat(MAX_LOCAL_PART_OCTETS)}@Example.COM`, `${'l'.repeat(MAX_LOCAL_PART_OCTETS)}@example.com`],
  ['a/b@example.com', 'a/b@example.com'],
  ['"john doe"@Example.com', '"john doe"@example.com'],
  ['"a@b\\"c"@example.com', '"a@b\\"c"@example.com'],
  ["o'brien|x*y?@example.com", "o'brien|x*y?@example.com"],
  ['user@[IPv6:2001:DB8::1]', 'user@[ipv6:2001:db8::1]'],
  ['José@Exämple.COM', 'José@exämple.com'],
];

/** Addresses the rule refuses: every store answers ERR_ADDRESS_MALFORMED in every method, and writes nothing. */
export const REFUSED_ADDRESSES: readonly string[] = [
  'no-at-sign',
  'alice@',
  '@example.com',
  'al ice@example.com',
  'alice\u0000@example.com',
  'a\u0000b@example.com',
  'alice@exam\u0007ple.com',
  'alice\u202e@example.com',
  '../x@example.com',
  '../../etc/passwd@example.com',
  '.hidden@example.com',
  'a..b@example.com',
  'a\\b@example.com',
  'alice@example.com/../x',
  'alice@../example.com',
  'alice@exa_mple.com',
  `${'a'.repeat(MAX_LOCAL_PART_OCTETS + 1)}@example.com`,
  `${'l'.repeat(MAX_LOCAL_PART_OCTETS)}@${domainOf(MAX_ADDRESS_OCTETS - MAX_LOCAL_PART_OCTETS)}`,
  `${'a'.repeat(3000)}@example.com`,
];
