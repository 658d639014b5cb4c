export { createSealpost } from './create.js';
export { DEFAULT_LIMITS } from './limits.js';
export { isSignedEntity } from './verify.js';
export { isEncryptedEntity } from './decrypt.js';
export { smimeKind, type SmimeKind } from './detect.js';
export { assertValid } from './assert.js';
