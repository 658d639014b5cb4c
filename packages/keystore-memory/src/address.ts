import { SealpostError, normalizeAddress } from '@sealpost/core';

/**
 * The address as every key store files it: domain lower-cased, local part exactly as written. Control
 * characters are refused because stores write addresses into file names, SQL rows and listings.
 */
export function keyStoreAddress(address: string): string {
  if (typeof address !== 'string') throw new TypeError('key store address must be a string');
  const normalized = normalizeAddress(address);
  if (normalized === null || /[\x00-\x1f\x7f]/.test(normalized)) {
    throw new SealpostError('ERR_ADDRESS_MALFORMED', 'key store address must be an addr-spec (local@domain)');
  }
  return normalized;
}
