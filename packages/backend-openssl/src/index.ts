export { createOpensslBackend, type OpensslBackend } from './backend.js';
export type { OpensslBackendOptions } from './options.js';
export type { ProcessFailureDetail } from './process.js';
