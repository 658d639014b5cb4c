import { createHash } from 'node:crypto';
import { normalizeStoreAddress } from '@sealpost/core';

/** Where the current certificates sit: `<address>.crt`, the name SparkPost's S/MIME tools read. */
export const CERTIFICATE_SUFFIX = '.crt';
/** Sealpost's own files (history, metadata, temporary files), beside the certificates. */
export const METADATA_DIR = '.sealpost';
export const TEMP_DIR = '.tmp';
/** In the metadata folder of an address filed under a hashed name: the address, one line of UTF-8. */
export const ADDRESS_FILE = 'address';
const HASHED_PREFIX = 'sha256-';
const HASHED_NAME = /^sha256-[0-9a-f]{64}\.crt$/;
// Most file systems allow 255 bytes per name.
const MAX_NAME_BYTES = 255;
// "/" names another folder everywhere; the others are refused in file names on Windows.
const NOT_IN_FILE_NAMES = /[/\\:*?"<>|]/;

/**
 * The name an address's files go by: the address itself when it makes a plain, portable file name
 * (`bob@example.com` gives `bob@example.com.crt`, what SparkPost's tools read), otherwise
 * `sha256-<SHA-256 of the address, hex>`. Every address the store address rule accepts has one, so
 * the folder can keep the longest legal address (254 octets), a slash or a quoted local part.
 * `address` is already normalized.
 */
export function fileStem(address: string): string {
  return isPlainFileName(address) ? address : HASHED_PREFIX + createHash('sha256').update(address, 'utf8').digest('hex');
}

/** True when the stem is a hashed one, whose address is only known from its metadata folder. */
export function isHashedStem(stem: string): boolean {
  return stem.startsWith(HASHED_PREFIX);
}

function isPlainFileName(address: string): boolean {
  return !NOT_IN_FILE_NAMES.test(address) && !address.includes('..') && !address.startsWith('.') && new TextEncoder().encode(address + CERTIFICATE_SUFFIX).length <= MAX_NAME_BYTES;
}

export function certificateFileName(address: string): string {
  return fileStem(address) + CERTIFICATE_SUFFIX;
}

/** The stem of a `sha256-<hex>.crt` file, whose address is in `.sealpost/<stem>/address`; else null. */
export function hashedStemOfFileName(name: string): string | null {
  return HASHED_NAME.test(name) ? name.slice(0, -CERTIFICATE_SUFFIX.length) : null;
}

/**
 * The address an `<address>.crt` file in the folder stands for, or null for files that are not
 * certificates of an address (a CA bundle, notes, hashed names). Older tools wrote the domain as the
 * sender typed it, so `Bob@Example.COM.crt` is bob's at example.com too; a name that is not the one
 * `certificateFileName` gives today (another case, or a character this version hashes) is found and
 * replaced by that name the next time the address is written.
 */
export function addressOfFileName(name: string): string | null {
  if (!name.endsWith(CERTIFICATE_SUFFIX)) return null;
  try {
    return normalizeStoreAddress(name.slice(0, -CERTIFICATE_SUFFIX.length));
  } catch {
    return null;
  }
}
