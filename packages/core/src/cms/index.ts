export * from './inspect.js';
export * from './oids.js';
