import { SealpostError } from '../errors.js';

/** RFC 5321 4.5.3.1.1: the longest local part, in octets. */
export const MAX_LOCAL_PART_OCTETS = 64;
/** RFC 5321 4.5.3.1.3: a path is at most 256 octets with its angle brackets, so an address at most 254. */
export const MAX_ADDRESS_OCTETS = 254;
/** RFC 1035 2.3.4: the longest DNS label, in octets. */
const MAX_LABEL_OCTETS = 63;

/** Why `normalizeStoreAddress` refused an address; in the error's `detail.reason`. */
export type StoreAddressProblem = 'control-character' | 'too-long' | 'not-addr-spec' | 'local-part-too-long' | 'local-part' | 'domain';

// Anywhere, even quoted: control and format characters (NUL, CR, LF, bidi overrides, ...) and line or
// paragraph separators. They would break file names, SQL-free listings and log lines, or make one
// address look like another when printed.
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]/u;
// RFC 5322 atext, and (RFC 6531) any printable non-ASCII character that is not a space.
const ATOM = /^(?:[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]|[^\x00-\x7f\p{Z}])+$/u;
// RFC 5321 Quoted-string: qtextSMTP or quoted-pairSMTP, plus (RFC 6531) printable non-ASCII.
const QUOTED = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e]|[^\x00-\x7f\p{Z}])*"$/u;
// A DNS label: letters, digits and hyphens (or the letters of an internationalized label), no hyphen
// at either end.
const LABEL = /^(?:[a-z0-9]|[^\x00-\x7f\p{Z}\p{P}\p{S}])(?:(?:[a-z0-9-]|[^\x00-\x7f\p{Z}\p{P}\p{S}])*(?:[a-z0-9]|[^\x00-\x7f\p{Z}\p{P}\p{S}]))?$/u;
// RFC 5321 address-literal, e.g. [192.0.2.1] or [IPv6:2001:db8::1]: dtext between brackets.
const ADDRESS_LITERAL = /^\[[\x21-\x5a\x5e-\x7e]+\]$/;

const utf8 = new TextEncoder();
const octets = (text: string): number => utf8.encode(text).length;

/**
 * The one address rule of every key store: an RFC 5321 mailbox (`local@domain`, local part a dot-atom
 * or a quoted string, domain DNS labels or an address literal), at most 64 octets of local part and
 * 254 octets in all, with no control or format character anywhere. The domain is lower-cased; the local
 * part is kept exactly as written (surrounding white space is trimmed). Anything else is
 * `ERR_ADDRESS_MALFORMED` with `detail.reason` saying why; the message never repeats the address.
 *
 * Every Sealpost store (memory, folder, SQLite, PostgreSQL) and the key-store conformance suite use this rule, so
 * they accept and refuse the same addresses. A store must be able to keep every address it accepts.
 */
export function normalizeStoreAddress(address: string): string {
  if (typeof address !== 'string') throw new TypeError('key store address must be a string');
  const trimmed = address.trim();
  if (FORBIDDEN.test(trimmed)) throw malformed('control-character', 'key store address holds a control or format character');
  // Checked before parsing, so a very long input costs no more than its length.
  if (octets(trimmed) > MAX_ADDRESS_OCTETS) throw malformed('too-long', `key store address is longer than ${MAX_ADDRESS_OCTETS} octets`);
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) throw malformed('not-addr-spec', 'key store address must be an addr-spec (local@domain)');
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1).toLowerCase();
  if (octets(local) > MAX_LOCAL_PART_OCTETS) throw malformed('local-part-too-long', `key store address has a local part longer than ${MAX_LOCAL_PART_OCTETS} octets`);
  if (!isLocalPart(local)) throw malformed('local-part', 'key store address has a local part that is neither a dot-atom nor a quoted string');
  if (!isDomain(domain)) throw malformed('domain', 'key store address has a domain that is not a host name or an address literal');
  const normalized = `${local}@${domain}`;
  // Lower-casing can lengthen a few non-ASCII letters.
  if (octets(normalized) > MAX_ADDRESS_OCTETS) throw malformed('too-long', `key store address is longer than ${MAX_ADDRESS_OCTETS} octets`);
  return normalized;
}

function isLocalPart(local: string): boolean {
  if (local.startsWith('"')) return QUOTED.test(local);
  return local.split('.').every((atom) => ATOM.test(atom));
}

function isDomain(domain: string): boolean {
  if (domain.startsWith('[')) return ADDRESS_LITERAL.test(domain);
  return domain.split('.').every((label) => octets(label) <= MAX_LABEL_OCTETS && LABEL.test(label));
}

function malformed(reason: StoreAddressProblem, message: string): SealpostError {
  return new SealpostError('ERR_ADDRESS_MALFORMED', message, { detail: { reason } });
}
