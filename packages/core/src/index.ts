export * from './errors.js';
export type * from './backend.js';
export type * from './mime/types.js';
export type * from './pki/types.js';
export type * from './smime/types.js';
export * from './mime/index.js';
export * from './pki/index.js';
export * from './cms/index.js';
export * from './smime/index.js';
