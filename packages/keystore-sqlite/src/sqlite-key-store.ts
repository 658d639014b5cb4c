import { closeSync, fchmodSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { type KeyStore, type StoredCertificate, SealpostError, isSealpostError, normalizeStoreAddress } from '@sealpost/core';
import { applyPut, applyRemove, byAddress, certificateToStore } from '@sealpost/keystore-memory';
import { type CertificateRow, rowOf, storedOf } from './rows.js';
import { configureConnection, ensureSchema } from './schema.js';

export interface SqliteKeyStoreOptions {
  /** The database file; created with its schema when missing. */
  readonly path: string;
  /** How long a writer waits for another process's write to finish before failing, in ms. Default 5000. */
  readonly busyTimeoutMs?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const PRIVATE_FILE_MODE = 0o600;

/**
 * A key store in one SQLite file. Any number of processes may read and write it at once: every put and
 * remove is one `BEGIN IMMEDIATE` transaction that reads the address's history, applies the shared
 * rules and writes it back, so concurrent writers queue on the database lock and lose nothing.
 */
export function createSqliteKeyStore(options: SqliteKeyStoreOptions): KeyStore {
  if (typeof options?.path !== 'string' || options.path === '') throw new TypeError('createSqliteKeyStore: path must be a non-empty file path');
  const db = sqliteError(() => openDatabase(options.path, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS));

  const selectHistory = db.prepare('SELECT * FROM certificates WHERE address = ? ORDER BY position');
  const deleteAddress = db.prepare('DELETE FROM certificates WHERE address = ?');
  const insertRow = db.prepare(`
    INSERT INTO certificates (address, fingerprint, position, der, chain, smime_capabilities, not_before, not_after, first_seen, last_seen, source)
    VALUES (@address, @fingerprint, @position, @der, @chain, @smime_capabilities, @not_before, @not_after, @first_seen, @last_seen, @source)`);
  const selectCurrent = db.prepare(`
    SELECT c.*, (SELECT count(*) FROM certificates v WHERE v.address = c.address) AS versions
    FROM certificates c WHERE c.position = 0`);

  const historyOf = (address: string): StoredCertificate[] => (selectHistory.all(address) as CertificateRow[]).map(storedOf);
  const save = (address: string, history: readonly StoredCertificate[]): void => {
    deleteAddress.run(address);
    history.forEach((stored, position) => insertRow.run(rowOf(stored, position)));
  };
  // The read and the write happen under one write lock, taken at BEGIN.
  const putTransaction = db.transaction((incoming: StoredCertificate) => {
    const { outcome, history } = applyPut(historyOf(incoming.address), incoming);
    save(incoming.address, history);
    return outcome;
  });
  const removeTransaction = db.transaction((address: string, fingerprint: string | undefined) => {
    const { removed, history } = applyRemove(historyOf(address), fingerprint);
    if (removed > 0) save(address, history);
    return removed;
  });

  return {
    async get(address) {
      const key = normalizeStoreAddress(address);
      return sqliteError(() => historyOf(key)[0] ?? null);
    },
    async history(address) {
      const key = normalizeStoreAddress(address);
      return sqliteError(() => historyOf(key));
    },
    async put(entry) {
      const incoming = await certificateToStore(entry);
      return sqliteError(() => putTransaction.immediate(incoming));
    },
    async list() {
      return sqliteError(() =>
        (selectCurrent.all() as (CertificateRow & { versions: number })[])
          .map((row) => ({
            address: row.address,
            fingerprint: row.fingerprint,
            notAfter: new Date(row.not_after),
            lastSeen: new Date(row.last_seen),
            versions: row.versions,
          }))
          .sort(byAddress),
      );
    },
    async remove(address, fingerprint) {
      const key = normalizeStoreAddress(address);
      return sqliteError(() => removeTransaction.immediate(key, fingerprint));
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

function openDatabase(path: string, busyTimeoutMs: number): Database.Database {
  if (!Number.isFinite(busyTimeoutMs) || busyTimeoutMs < 0) throw new RangeError('createSqliteKeyStore: busyTimeoutMs must be a non-negative number');
  createPrivateFile(path);
  const deadline = Date.now() + busyTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    const db = new Database(path, { timeout: busyTimeoutMs });
    try {
      configureConnection(db, busyTimeoutMs);
      ensureSchema(db);
      return db;
    } catch (error) {
      db.close();
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      sleepSync(Math.min(deadline - Date.now(), Math.min(100, 5 * 2 ** attempt) * (0.5 + Math.random())));
    }
  }
}

/**
 * Switching a file to WAL takes an exclusive lock without calling SQLite's busy handler, so when
 * several processes open a new store at the same moment all but one get SQLITE_BUSY at once, whatever
 * the busy timeout. Opening is retried, with growing jittered pauses, until the timeout has passed.
 */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** better-sqlite3 opens synchronously, so the pause between attempts blocks too. */
function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(sleepCell, 0, 0, ms);
}

/**
 * Creates a missing database file as 0600, whatever the umask, before SQLite opens it: the store says
 * who wrote to its owner, and SQLite would make it 0644. SQLite gives the -wal and -shm files the mode
 * of the database file. An existing file keeps its mode (its owner may share it with a group on purpose).
 */
function createPrivateFile(path: string): void {
  if (path === ':memory:') return;
  let fd: number;
  try {
    fd = openSync(path, 'wx', PRIVATE_FILE_MODE);
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'EEXIST') return;
    throw error;
  }
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
}

/** Runs a database call; failures other than Sealpost's own and programmer mistakes become ERR_KEYSTORE. */
function sqliteError<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (isSealpostError(error) || error instanceof RangeError) throw error;
    const code = (error as { code?: unknown } | null)?.code;
    throw new SealpostError('ERR_KEYSTORE', 'key store database could not be read or written', {
      cause: error,
      detail: typeof code === 'string' ? { code } : {},
    });
  }
}
