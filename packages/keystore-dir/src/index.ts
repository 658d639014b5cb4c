export { createDirectoryKeyStore, type DirectoryKeyStoreOptions } from './directory-key-store.js';
