import { SealpostError } from '@sealpost/core';
import { keyStoreAddress } from '@sealpost/keystore-memory';

/** Where the current certificates sit: `<address>.crt`, the name SparkPost's S/MIME tools read. */
export const CERTIFICATE_SUFFIX = '.crt';
/** Sealpost's own files (history, metadata, temporary files), beside the certificates. */
export const METADATA_DIR = '.sealpost';
export const TEMP_DIR = '.tmp';
// Most file systems allow 255 bytes per name.
const MAX_NAME_BYTES = 255;

/**
 * The key store address, checked to be usable as a file name: no path separator, no "..", not
 * hidden, short enough. An address that could name another file is refused, never rewritten.
 */
export function fileSafeAddress(address: string): string {
  const normalized = keyStoreAddress(address);
  if (!isFileSafe(normalized)) {
    throw new SealpostError('ERR_ADDRESS_MALFORMED', 'address cannot be a file name (path separator, "..", leading dot or too long)');
  }
  return normalized;
}

function isFileSafe(address: string): boolean {
  return (
    !/[/\\]/.test(address) &&
    !address.includes('..') &&
    !address.startsWith('.') &&
    new TextEncoder().encode(address + CERTIFICATE_SUFFIX).length <= MAX_NAME_BYTES
  );
}

export function certificateFileName(address: string): string {
  return address + CERTIFICATE_SUFFIX;
}

/**
 * The address a `.crt` file in the folder stands for, or null for files that are not certificates
 * of an address (a CA bundle, notes). Older tools wrote the domain as the sender typed it, so
 * `Bob@Example.COM.crt` is bob's at example.com too.
 */
export function addressOfFileName(name: string): string | null {
  if (!name.endsWith(CERTIFICATE_SUFFIX)) return null;
  try {
    return fileSafeAddress(name.slice(0, -CERTIFICATE_SUFFIX.length));
  } catch {
    return null;
  }
}
