export * from './inspect.js';
export * from './oids.js';
export { parseBer, type BerNode } from './ber.js';
