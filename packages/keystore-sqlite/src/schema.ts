import { SealpostError } from '@sealpost/core';
import type { Database } from 'better-sqlite3';

export const SCHEMA_VERSION = 1;

/**
 * One row per stored certificate. `position` keeps the history order the shared rules produce:
 * 0 is the current certificate, then the others newest first. Dates are milliseconds since the epoch,
 * so they come back to the millisecond; the chain is its DER certificates one after the other.
 */
const CREATE_V1 = `
  CREATE TABLE certificates (
    address            TEXT    NOT NULL,
    fingerprint        TEXT    NOT NULL,
    position           INTEGER NOT NULL,
    der                BLOB    NOT NULL,
    chain              BLOB    NOT NULL,
    smime_capabilities TEXT    NOT NULL,
    not_before         INTEGER NOT NULL,
    not_after          INTEGER NOT NULL,
    first_seen         INTEGER NOT NULL,
    last_seen          INTEGER NOT NULL,
    source             TEXT    NOT NULL,
    PRIMARY KEY (address, fingerprint)
  );
  CREATE UNIQUE INDEX certificates_by_position ON certificates (address, position);
`;

/**
 * Opens the connection for several processes at once: WAL lets readers run beside the one writer,
 * and the busy timeout makes a writer wait for the lock instead of failing with SQLITE_BUSY.
 */
export function configureConnection(db: Database, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  db.pragma('journal_mode = WAL');
  // In WAL mode NORMAL loses no committed data on an application crash, only possibly the last
  // transactions on a power cut, and saves an fsync per put.
  db.pragma('synchronous = NORMAL');
}

/** Creates the tables in a new file, or checks that an existing file has a schema this version reads. */
export function ensureSchema(db: Database): void {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS sealpost_schema (version INTEGER NOT NULL)');
    const row = db.prepare('SELECT max(version) AS version FROM sealpost_schema').get() as { version: number | null };
    if (row.version === null) {
      db.exec(CREATE_V1);
      db.prepare('INSERT INTO sealpost_schema (version) VALUES (?)').run(SCHEMA_VERSION);
    } else if (row.version !== SCHEMA_VERSION) {
      throw new SealpostError('ERR_KEYSTORE', `key store database has schema version ${row.version}; this version reads ${SCHEMA_VERSION}`);
    }
  }).immediate();
}
