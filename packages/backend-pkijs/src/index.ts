export { createPkijsBackend } from './backend.js';
export { PKIJS_CAPABILITIES } from './capabilities.js';
export type { PkijsBackendOptions, WebCryptoLike, WebCryptoShape } from './options.js';
