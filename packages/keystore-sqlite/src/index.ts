export { createSqliteKeyStore, type SqliteKeyStoreOptions } from './sqlite-key-store.js';
