import pg from 'pg';
import { type KeyStore, type StoredCertificate, SealpostError, normalizeStoreAddress } from '@sealpost/core';
import { applyPut, applyRemove, byAddress, certificateToStore } from '@sealpost/keystore-memory';
import { asKeyStoreError, describeServer, postgresError } from './errors.js';
import type { PoolClient, PostgresPool } from './pool.js';
import { COLUMNS, type CertificateRow, storedOf, summaryOfRow, valuesOf } from './rows.js';
import { LOCK_SPACE, type TableName, checkedIdentifier, ensureSchema, qualified } from './schema.js';

export interface PostgresKeyStoreOptions {
  /**
   * `postgres://user:password@host:port/database` (or `postgresql://`). Without a password in it,
   * node-postgres takes PGPASSWORD (or ~/.pgpass). Give this or `pool`.
   */
  readonly connectionString?: string;
  /** A node-postgres Pool of your own; the store borrows connections and `close()` leaves it open. */
  readonly pool?: PostgresPool;
  /** The schema holding the table, created when missing. Default `sealpost`. */
  readonly schema?: string;
  /** The table, created when missing. Default `certificates`. */
  readonly table?: string;
  /** How long a writer waits for another writer of the same address, in ms. Default 5000. */
  readonly lockTimeoutMs?: number;
  /** With `connectionString`: how long to wait for a connection, in ms. Default 5000. */
  readonly connectTimeoutMs?: number;
  /** With `connectionString`: how long one query may take, in ms. Default 30000. */
  readonly queryTimeoutMs?: number;
  /** With `connectionString`: the most connections the store opens at once. Default 10. */
  readonly maxConnections?: number;
}

const DEFAULT_LOCK_TIMEOUT_MS = 5000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
const DEFAULT_QUERY_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_CONNECTIONS = 10;

/**
 * A key store in a PostgreSQL table, for many processes on many machines. Every put and remove is one
 * READ COMMITTED transaction that first takes a transaction advisory lock on the address, then reads
 * its history, applies the shared rules and writes it back: writers of one address queue, writers of
 * different addresses run side by side, and none loses another's update. Reads are single statements.
 */
export function createPostgresKeyStore(options: PostgresKeyStoreOptions): KeyStore {
  const { pool, owned, server } = poolOf(options);
  const name: TableName = { schema: checkedIdentifier('schema', options.schema ?? 'sealpost'), table: checkedIdentifier('table', options.table ?? 'certificates') };
  const lockTimeoutMs = checkedMs('lockTimeoutMs', options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
  const table = qualified(name);
  let ready: Promise<void> | undefined;
  let closed = false;

  /** The schema, made or checked once; a failure (a server that is down) is tried again next time. */
  const prepared = (): Promise<void> => {
    if (closed) return Promise.reject(new SealpostError('ERR_KEYSTORE', 'key store is closed'));
    ready ??= withClient(pool, (client) => ensureSchema(client, name)).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
  const read = async <T>(work: () => Promise<T>): Promise<T> =>
    postgresError(server, async () => {
      await prepared();
      return work();
    });
  const historyOf = async (db: { query: PoolClient['query'] }, address: string): Promise<StoredCertificate[]> =>
    (await db.query<CertificateRow>(`SELECT ${COLUMNS} FROM ${table} WHERE address = $1 ORDER BY position`, [address])).rows.map(storedOf);

  /** One writer transaction on one address: the lock first, so the history read is the latest committed. */
  const write = <T>(address: string, work: (client: PoolClient, history: StoredCertificate[]) => Promise<T>): Promise<T> =>
    read(() =>
      inTransaction(pool, async (client) => {
        await client.query(`SET LOCAL lock_timeout = ${lockTimeoutMs}`);
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_SPACE, `${name.schema}.${name.table}:${address}`]);
        return work(client, await historyOf(client, address));
      }),
    );
  const save = async (client: PoolClient, address: string, history: readonly StoredCertificate[]): Promise<void> => {
    await client.query(`DELETE FROM ${table} WHERE address = $1`, [address]);
    if (history.length === 0) return;
    const columns = COLUMNS.split(', ').length;
    const rows = history.map((_, row) => `(${Array.from({ length: columns }, (_c, column) => `$${row * columns + column + 1}`).join(', ')})`);
    await client.query(
      `INSERT INTO ${table} (${COLUMNS}) VALUES ${rows.join(', ')}`,
      history.flatMap((stored, position) => valuesOf(stored, position)),
    );
  };

  return {
    async get(address) {
      const key = normalizeStoreAddress(address);
      return read(async () => (await historyOf(pool, key))[0] ?? null);
    },
    async history(address) {
      const key = normalizeStoreAddress(address);
      return read(() => historyOf(pool, key));
    },
    async put(entry) {
      // Checks the address and the shared size limits before it parses anything.
      const incoming = await certificateToStore(entry);
      return write(incoming.address, async (client, history) => {
        const result = applyPut(history, incoming);
        await save(client, incoming.address, result.history);
        return result.outcome;
      });
    },
    async list() {
      return read(async () => {
        const { rows } = await pool.query<Pick<CertificateRow, 'address' | 'fingerprint' | 'not_after' | 'last_seen'> & { versions: number }>(
          `SELECT c.address, c.fingerprint, c.not_after, c.last_seen, (SELECT count(*) FROM ${table} v WHERE v.address = c.address)::integer AS versions
           FROM ${table} c WHERE c.position = 0`,
        );
        // Sorted here, not by ORDER BY: the database's collation would order addresses unlike the other stores.
        return rows.map(summaryOfRow).sort(byAddress);
      });
    },
    async remove(address, fingerprint) {
      const key = normalizeStoreAddress(address);
      return write(key, async (client, history) => {
        const result = applyRemove(history, fingerprint);
        if (result.removed > 0) await save(client, key, result.history);
        return result.removed;
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      if (owned) await pool.end().catch((error: unknown) => Promise.reject(asKeyStoreError(server, error)));
    },
  };
}

function poolOf(options: PostgresKeyStoreOptions): { pool: PostgresPool; owned: boolean; server: string } {
  if (options === null || typeof options !== 'object') throw new TypeError('createPostgresKeyStore: options are required');
  const { connectionString, pool } = options;
  if ((connectionString === undefined) === (pool === undefined)) throw new TypeError('createPostgresKeyStore: give either connectionString or pool');
  if (pool !== undefined) {
    if (typeof pool.connect !== 'function' || typeof pool.query !== 'function') throw new TypeError('createPostgresKeyStore: pool must be a node-postgres Pool');
    return { pool, owned: false, server: '(pool)' };
  }
  if (typeof connectionString !== 'string' || !isPostgresUrl(connectionString)) {
    // Not repeated: it may hold a password.
    throw new TypeError('createPostgresKeyStore: connectionString must be a postgres:// or postgresql:// URL');
  }
  const own = new pg.Pool({
    connectionString,
    connectionTimeoutMillis: checkedMs('connectTimeoutMs', options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS),
    query_timeout: checkedMs('queryTimeoutMs', options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS),
    max: checkedCount('maxConnections', options.maxConnections ?? DEFAULT_MAX_CONNECTIONS),
    application_name: 'sealpost-keystore',
  });
  // An idle connection the server drops (a restart, a failover) is reported here; without a listener
  // node-postgres would crash the process. The pool discards that connection and opens a new one when
  // asked, and the next query reports ERR_KEYSTORE only if the server is still gone.
  own.on('error', () => undefined);
  return { pool: own as unknown as PostgresPool, owned: true, server: describeServer(connectionString) };
}

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
  } catch {
    return false;
  }
}

/** Runs work on one connection; after a failure the connection is closed rather than reused. */
async function withClient<T>(pool: PostgresPool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failed = false;
  try {
    return await work(client);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    client.release(failed);
  }
}

/**
 * BEGIN ... COMMIT on one connection; ROLLBACK on any failure. A connection whose ROLLBACK fails too
 * (the server went away) is closed rather than handed back to the pool in an unknown state.
 */
async function inTransaction<T>(pool: PostgresPool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw error;
  } finally {
    client.release(broken);
  }
}

function checkedMs(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`createPostgresKeyStore: ${option} must be a non-negative integer (ms)`);
  return value;
}

function checkedCount(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`createPostgresKeyStore: ${option} must be a positive integer`);
  return value;
}
