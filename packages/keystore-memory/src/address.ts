import { normalizeStoreAddress } from '@sealpost/core';

/**
 * The address as every key store files it: core's one store address rule (`normalizeStoreAddress`),
 * kept under this name for the stores that imported it from here.
 */
export const keyStoreAddress: (address: string) => string = normalizeStoreAddress;
