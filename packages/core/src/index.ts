export * from './errors.js';
export type * from './backend.js';
export type * from './mime/types.js';
export type * from './pki/types.js';
export type * from './smime/types.js';
