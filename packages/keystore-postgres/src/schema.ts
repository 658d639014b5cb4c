import { MAX_ADDRESS_OCTETS, SealpostError } from '@sealpost/core';
import type { PoolClient } from './pool.js';

export const SCHEMA_VERSION = 1;

/** Where the store keeps its rows: a schema and a table in it, both plain identifiers. */
export interface TableName {
  readonly schema: string;
  readonly table: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** A plain lower-case SQL identifier, so it never needs quoting rules beyond double quotes. */
export function checkedIdentifier(option: string, value: string): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw new TypeError(`createPostgresKeyStore: ${option} must be a lower-case identifier (letters, digits, _; at most 63)`);
  }
  return value;
}

/** `"schema"."table"`: safe in SQL text, since checkedIdentifier allows no quote. */
export function qualified(name: TableName, table = name.table): string {
  return `"${name.schema}"."${table}"`;
}

/**
 * The constant half of the advisory lock keys: one lock space for Sealpost key stores, so their locks
 * never collide with an application's own advisory locks on other numbers. ("SeKS" in ASCII.)
 */
export const LOCK_SPACE = 0x53654b53;

/**
 * One row per stored certificate. `position` keeps the history order the shared rules produce: 0 is the
 * current certificate, then the others newest first. Dates are timestamptz (microseconds, so the
 * milliseconds of a JavaScript Date come back exactly); the chain is an array of DER certificates.
 * The address check repeats core's limit, so a row no Sealpost store would accept cannot get in.
 */
function createTable(name: TableName): string {
  return `
  CREATE TABLE ${qualified(name)} (
    address            text        NOT NULL CHECK (octet_length(address) BETWEEN 3 AND ${MAX_ADDRESS_OCTETS}),
    fingerprint        text        NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    position           integer     NOT NULL CHECK (position >= 0),
    der                bytea       NOT NULL,
    chain              bytea[]     NOT NULL,
    smime_capabilities text[]      NOT NULL,
    not_before         timestamptz NOT NULL,
    not_after          timestamptz NOT NULL,
    first_seen         timestamptz NOT NULL,
    last_seen          timestamptz NOT NULL,
    source             text        NOT NULL,
    PRIMARY KEY (address, fingerprint),
    UNIQUE (address, position)
  )`;
}

/**
 * Creates the schema, the version table and the certificates table when missing, or checks that an
 * existing table has a version this code reads. One transaction under an advisory lock: two processes
 * starting at once would otherwise both see no table, and the second CREATE would fail
 * (CREATE ... IF NOT EXISTS is not safe against a concurrent creator).
 */
export async function ensureSchema(client: PoolClient, name: TableName): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_SPACE, `schema:${name.schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${name.schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${qualified(name, 'sealpost_schema')} (table_name text PRIMARY KEY, version integer NOT NULL)`);
    const found = await client.query<{ version: number }>(`SELECT version FROM ${qualified(name, 'sealpost_schema')} WHERE table_name = $1`, [name.table]);
    const version = found.rows[0]?.version;
    if (version === undefined) {
      await client.query(createTable(name));
      await client.query(`INSERT INTO ${qualified(name, 'sealpost_schema')} (table_name, version) VALUES ($1, $2)`, [name.table, SCHEMA_VERSION]);
    } else if (version !== SCHEMA_VERSION) {
      throw new SealpostError('ERR_KEYSTORE', `key store table ${name.schema}.${name.table} has schema version ${version}; this version reads ${SCHEMA_VERSION}`, {
        detail: { version },
      });
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
