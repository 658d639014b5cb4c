export { createMemoryKeyStore } from './memory-key-store.js';
// For authors of other key stores: the address form, the checks before a put, and the history rules
// every Sealpost store shares, so all of them answer alike.
export { keyStoreAddress } from './address.js';
export { certificateFingerprint, certificateToStore } from './certificate-to-store.js';
export { applyPut, applyRemove, byAddress, copyOfStored, newestFirst, summaryOf, type PutResult, type RemoveResult } from './history-rules.js';
