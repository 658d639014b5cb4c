export { createMemoryKeyStore } from './memory-key-store.js';
// For authors of other key stores: the checks before a put and the history rules every Sealpost store
// shares, so all of them answer alike. The address rule is core's `normalizeStoreAddress`;
// `keyStoreAddress` is the same function under the name earlier versions exported.
export { keyStoreAddress } from './address.js';
export { MAX_CERTIFICATE_OCTETS, MAX_CHAIN_CERTIFICATES, certificateFingerprint, certificateToStore } from './certificate-to-store.js';
export { applyPut, applyRemove, byAddress, copyOfStored, newestFirst, summaryOf, type PutResult, type RemoveResult } from './history-rules.js';
