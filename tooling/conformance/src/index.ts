export { defineBackendSuite } from './suite.js';
export type { BackendSuiteOptions, SuiteContext } from './context.js';
export { craftSignedData, type CraftOptions, type CraftSigner } from './craft.js';
export * from './messages.js';
export { cmsOf, envelopeParts, flipBit } from './tamper.js';
export { defineKeyStoreSuite, type KeyStoreSuiteOptions } from './keystore-suite.js';
export { keyStoreCertificates, type KeyStoreCertificates } from './keystore-certificates.js';
export { ACCEPTED_ADDRESSES, LONGEST_ADDRESS, REFUSED_ADDRESSES } from './keystore-addresses.js';
export { editDer, nodeAt, replaceAt, shortenAt } from './ber-edit.js';
