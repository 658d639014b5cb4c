export { createPostgresKeyStore, type PostgresKeyStoreOptions } from './postgres-key-store.js';
export type { PoolClient, PostgresPool, QueryResult, Queryable } from './pool.js';
