export { createForgeBackend } from './backend.js';
export { FORGE_CAPABILITIES } from './capabilities.js';
export type { ForgeBackendOptions } from './options.js';
