import type { Pool } from 'pg';
import { QueueError } from './errors.js';

export const SCHEMA_VERSION = 1;

/** Any fixed number: the advisory lock that lets one process at a time create or migrate the schema. */
const MIGRATION_LOCK = 0x5ea1_9057;

/**
 * The ledger. `campaigns`: one row per bulk send, its state and the rules it was enqueued with.
 * `deliveries`: one row per CSV row, the truth about that copy (queued, sending: the transport may
 * have it, then its outcome); `claim` is the token of the claim that set `sending`, so an outcome is
 * written only by the worker that sent. `rate_limits`: until when every worker holds back its sends
 * on a transport.
 */
const CREATE_V1 = `
  CREATE TABLE IF NOT EXISTS sealpost.campaigns (
    id              text        PRIMARY KEY,
    state           text        NOT NULL CHECK (state IN ('running', 'paused', 'cancelled', 'done')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    total           integer     NOT NULL DEFAULT 0,
    options         jsonb       NOT NULL DEFAULT '{}',
    resend_unknown  boolean     NOT NULL DEFAULT false,
    retry_failed    boolean     NOT NULL DEFAULT false,
    job_timeout     integer     NOT NULL DEFAULT 300
  );
  CREATE TABLE IF NOT EXISTS sealpost.deliveries (
    campaign    text        NOT NULL REFERENCES sealpost.campaigns (id) ON DELETE CASCADE,
    line        integer     NOT NULL,
    address     text        NOT NULL,
    state       text        NOT NULL CHECK (state IN ('queued', 'sending', 'accepted', 'rejected', 'deferred', 'failed', 'unknown', 'cancelled')),
    attempts    integer     NOT NULL DEFAULT 0,
    round       integer     NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    worker      text,
    claim       uuid,
    response    text,
    error_code  text,
    PRIMARY KEY (campaign, line)
  );
  CREATE INDEX IF NOT EXISTS deliveries_by_state ON sealpost.deliveries (campaign, state);
  CREATE TABLE IF NOT EXISTS sealpost.rate_limits (
    key    text        PRIMARY KEY,
    until  timestamptz NOT NULL
  );
`;

/**
 * Creates the schema, or checks that the one there is readable by this version. Two processes
 * starting at once take turns on an advisory lock, so neither sees the other's half-made tables.
 */
export async function ensureSchema(pool: Pool): Promise<void> {
  const client = await pool.connect();
  const ignore = (): void => undefined;
  client.on('error', ignore); // reported through the statement that fails
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE SCHEMA IF NOT EXISTS sealpost');
    await client.query('CREATE TABLE IF NOT EXISTS sealpost.schema_version (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM sealpost.schema_version');
    const version = rows[0]?.version ?? null;
    if (version === null) {
      await client.query(CREATE_V1);
      await client.query('INSERT INTO sealpost.schema_version (version) VALUES ($1)', [SCHEMA_VERSION]);
    } else if (version !== SCHEMA_VERSION) {
      throw new QueueError('ERR_QUEUE_UNAVAILABLE', `the queue database has schema version ${version}; this version of Sealpost reads ${SCHEMA_VERSION}`);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', ignore);
    client.release();
  }
}
