import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { QueueError, isQueueError } from './errors.js';
import { isCampaignId, jobId, queueName } from './job-id.js';
import { isTransient, persist } from './persist.js';
import { parseQueueUrl, redactUrl } from './redact.js';
import { ensureSchema } from './schema.js';
import {
  type CampaignJob,
  type CampaignRow,
  type CampaignRules,
  type CampaignState,
  type CampaignStatus,
  type Claim,
  type CreateCampaignOptions,
  DELIVERY_STATES,
  type DeliveryOutcome,
  type DeliveryState,
  type EnqueueResult,
} from './types.js';

/** pg-boss keeps its tables in this schema of the same database. */
const BOSS_SCHEMA = 'pgboss';
/** Rows per enqueue transaction: a 10,000-row campaign goes in twenty transactions. */
const ENQUEUE_BATCH = 500;
/** A deferral goes back to the queue this many times, with pg-boss's exponential backoff from RETRY_DELAY_S. */
const RETRY_LIMIT = 8;
const RETRY_DELAY_S = 2;
const DEFAULT_JOB_TIMEOUT_S = 300;
const FINAL: readonly DeliveryState[] = ['accepted', 'rejected', 'failed', 'unknown', 'cancelled'];

export interface CampaignQueueOptions {
  /** postgres://user@host:5432/db; the password from the URL or PGPASSWORD. */
  readonly url: string;
  /**
   * Run pg-boss's maintenance in this process (workers do): it gives the rows of a worker that died
   * to another once their job timeout has passed. Every this many seconds (default 5).
   */
  readonly maintain?: boolean;
  readonly maintenanceIntervalSeconds?: number;
  /** Names this process in `deliveries.worker` (default host:pid). */
  readonly worker?: string;
  /** Called with errors pg-boss reports in the background (a lost connection while it polls). */
  readonly onBackgroundError?: (error: unknown) => void;
}

export interface CampaignQueue {
  /** The URL without its password, to show. */
  readonly target: string;
  readonly worker: string;
  createCampaign(options?: CreateCampaignOptions): Promise<{ readonly id: string; readonly created: boolean }>;
  /** Adds the rows a campaign does not have yet (and requeues others as the rules say): jobs and ledger rows in one transaction. */
  enqueue(campaign: string, rows: readonly CampaignRow[], rules?: CampaignRules): Promise<EnqueueResult>;
  /**
   * The ids of the campaigns workers fetch from; with `via`, only those enqueued for that transport
   * (`options.via`) or for none.
   */
  runningCampaigns(filter?: { readonly via?: string }): Promise<string[]>;
  /** Up to `count` jobs of the campaign, now active for this worker. */
  fetch(campaign: string, count: number): Promise<CampaignJob[]>;
  /** Decides whether the job's row may be sent now; see Claim. */
  claim(job: CampaignJob, transportKey: string, options?: { readonly stopping?: AbortSignal }): Promise<Claim>;
  /**
   * Records the outcome of a claimed send and finishes its job (a deferral goes back to the queue).
   * Retried while the database is away; gives up only once `stopping` is aborted, leaving the row
   * `sending`, which the next claim turns into `unknown`.
   */
  record(job: CampaignJob, claim: Extract<Claim, { kind: 'send' }>, outcome: DeliveryOutcome, transportKey: string, options?: { readonly stopping?: AbortSignal }): Promise<void>;
  /** Finishes the job of a row a claim skipped. */
  skip(job: CampaignJob, options?: { readonly stopping?: AbortSignal }): Promise<void>;
  /**
   * Records a row that was never handed to a transport (refused before the claim: no certificate, a
   * message that cannot be sealed) and finishes its job; a deferral goes back to the queue.
   */
  recordUnsent(job: CampaignJob, outcome: DeliveryOutcome, options?: { readonly stopping?: AbortSignal }): Promise<void>;
  /** Gives a fetched job back to the queue unsent (the worker is stopping); another worker takes it later. */
  release(job: CampaignJob, options?: { readonly stopping?: AbortSignal }): Promise<void>;
  /** Marks a running campaign done when none of its jobs is left; returns whether it is done. */
  finishIfDone(campaign: string): Promise<boolean>;
  status(campaign: string): Promise<CampaignStatus>;
  list(): Promise<CampaignStatus[]>;
  pause(campaign: string): Promise<CampaignStatus>;
  resume(campaign: string): Promise<CampaignStatus>;
  cancel(campaign: string): Promise<CampaignStatus>;
  /**
   * Deletes a finished (`done`) or `cancelled` campaign: its ledger rows and its jobs. Refused
   * (ERR_CAMPAIGN_STATE) while it is running or paused, or while a copy is `sending` (its outcome is
   * not recorded yet). What is deleted is gone: keep `status --json` first if the counts matter.
   */
  remove(campaign: string): Promise<{ readonly id: string; readonly deliveries: number }>;
  close(): Promise<void>;
}

interface JobData {
  readonly campaign: string;
  readonly line: number;
  readonly address: string;
  readonly message: string;
}

/**
 * Opens the campaign queue on PostgreSQL: the `sealpost` schema (the ledger, created if missing) and
 * pg-boss (its own schema, `pgboss`). Fails with ERR_QUEUE_UNAVAILABLE, naming the URL without its
 * password, when the database cannot be reached.
 */
export async function openCampaignQueue(options: CampaignQueueOptions): Promise<CampaignQueue> {
  parseQueueUrl(options.url);
  const target = redactUrl(options.url);
  const worker = options.worker ?? `${hostname()}:${process.pid}`;
  const onBackgroundError = options.onBackgroundError ?? (() => undefined);
  const pool = new pg.Pool({ connectionString: options.url, max: 4, connectionTimeoutMillis: 10_000, application_name: 'sealpost' });
  pool.on('error', onBackgroundError);
  const boss = new PgBoss({
    connectionString: options.url,
    schema: BOSS_SCHEMA,
    max: 4,
    application_name: 'sealpost-queue',
    supervise: options.maintain === true,
    schedule: false,
    ...(options.maintain === true ? { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 5 } : {}),
  });
  boss.on('error', onBackgroundError);
  try {
    await ensureSchema(pool);
    await boss.start();
  } catch (error) {
    await Promise.allSettled([boss.stop({ graceful: false, wait: true }), pool.end()]);
    if (isQueueError(error)) throw error;
    throw unavailable(target, error);
  }
  const queue = campaignQueue(pool, boss, target, worker);
  return queue;
}

function ignore(): void {}

function unavailable(target: string, error: unknown): QueueError {
  const why = describeDbError(error);
  return new QueueError('ERR_QUEUE_UNAVAILABLE', `cannot use the queue database ${target}${why === '' ? '' : `: ${why}`}`, { cause: error });
}

/** A short reason from the driver that names no password (pg's messages do not hold the URL). */
function describeDbError(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === '28P01' || code === '28000') return 'the server refused the login (user or password)';
  if (code === '3D000') return 'the database does not exist';
  if (typeof e?.message === 'string' && isTransient(error)) return e.message.split('\n')[0]!.slice(0, 200);
  return code === '' ? '' : `error ${code}`;
}

function campaignQueue(pool: pg.Pool, boss: PgBoss, target: string, worker: string): CampaignQueue {
  /** Runs `work` in one transaction on one connection. */
  const transaction = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    // A server shutting down while this connection is checked out would otherwise be an uncaught 'error'
    // event; the failure reaches the statement under way, and the caller retries.
    client.on('error', ignore);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', ignore);
      client.release();
    }
  };
  /** Database failures the caller cannot act on become ERR_QUEUE_UNAVAILABLE; our own errors pass. */
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (isQueueError(error)) throw error;
      throw unavailable(target, error);
    }
  };

  const campaignRow = async (db: pg.Pool | pg.PoolClient, id: string): Promise<CampaignRecord> => {
    const { rows } = await db.query<CampaignRecord>('SELECT * FROM sealpost.campaigns WHERE id = $1', [id]);
    if (rows[0] === undefined) throw new QueueError('ERR_CAMPAIGN_NOT_FOUND', `no campaign ${id} in ${target}`);
    return rows[0];
  };

  const status = async (id: string): Promise<CampaignStatus> => {
    const campaign = await campaignRow(pool, id);
    const { rows } = await pool.query<{ state: DeliveryState; n: string; last: Date | null; recent: string }>(
      `SELECT state, count(*) AS n, max(updated_at) AS last,
              count(*) FILTER (WHERE updated_at > now() - interval '1 minute' AND state <> 'queued' AND state <> 'sending') AS recent
         FROM sealpost.deliveries WHERE campaign = $1 GROUP BY state`,
      [id],
    );
    return statusOf(campaign, rows);
  };

  const setState = async (id: string, from: readonly CampaignState[], to: CampaignState): Promise<void> => {
    const campaign = await campaignRow(pool, id);
    if (campaign.state === to) return;
    if (!from.includes(campaign.state)) throw new QueueError('ERR_CAMPAIGN_STATE', `campaign ${id} is ${campaign.state}; it cannot become ${to}`);
    await pool.query('UPDATE sealpost.campaigns SET state = $2, updated_at = now() WHERE id = $1 AND state = ANY($3)', [id, to, from]);
  };

  /**
   * Completes a job and drops the message it carried: the queue holds a composed message in the clear
   * only until its copy is finished, not for as long as pg-boss keeps finished jobs (days).
   */
  const completeJob = async (job: CampaignJob): Promise<void> => {
    await boss.complete(queueName(job.campaign), job.id);
    await pool.query(`UPDATE ${BOSS_SCHEMA}.job SET data = data - 'message' WHERE name = $1 AND id = $2`, [queueName(job.campaign), job.id]);
  };

  const ensureBossQueue = (id: string, jobTimeout: number): Promise<void> =>
    boss.createQueue(queueName(id), { name: queueName(id), retryLimit: RETRY_LIMIT, retryDelay: RETRY_DELAY_S, retryBackoff: true, expireInSeconds: jobTimeout });

  return {
    target,
    worker,

    createCampaign: (options = {}) =>
      guarded(async () => {
        const id = options.id ?? randomUUID();
        if (!isCampaignId(id)) throw new QueueError('ERR_CAMPAIGN_ID', `campaign id "${id.slice(0, 80)}" must be 1 to 64 letters, digits, '-' or '_'`);
        const jobTimeout = options.jobTimeoutSeconds ?? DEFAULT_JOB_TIMEOUT_S;
        if (!Number.isSafeInteger(jobTimeout) || jobTimeout < 1) throw new RangeError('jobTimeoutSeconds must be a whole number of seconds, at least 1');
        const { rows } = await pool.query<{ state: CampaignState; created: boolean }>(
          `INSERT INTO sealpost.campaigns (id, state, options, resend_unknown, retry_failed, job_timeout) VALUES ($1, 'running', $2, $3, $4, $5)
           ON CONFLICT (id) DO UPDATE SET updated_at = now()
           RETURNING state, (xmax = 0) AS created`,
          [id, JSON.stringify(options.options ?? {}), options.resendUnknown === true, options.retryFailed === true, jobTimeout],
        );
        const row = rows[0]!;
        if (row.state === 'cancelled') throw new QueueError('ERR_CAMPAIGN_STATE', `campaign ${id} was cancelled; enqueue under another --campaign id`);
        await ensureBossQueue(id, jobTimeout);
        return { id, created: row.created };
      }),

    enqueue: (campaign, rows, rules = {}) =>
      guarded(async () => {
        await refuseChangedLines(pool, campaign, rows);
        let added = 0;
        let requeued = 0;
        for (let start = 0; start < rows.length; start += ENQUEUE_BATCH) {
          const batch = rows.slice(start, start + ENQUEUE_BATCH);
          const counts = await transaction((client) => enqueueBatch(client, boss, campaign, batch, rules));
          added += counts.added;
          requeued += counts.requeued;
        }
        const { rows: totals } = await pool.query<{ total: number }>(
          `UPDATE sealpost.campaigns SET total = (SELECT count(*) FROM sealpost.deliveries WHERE campaign = $1),
                  state = CASE WHEN state = 'done' AND $2 THEN 'running' ELSE state END, updated_at = now(),
                  resend_unknown = resend_unknown OR $3, retry_failed = retry_failed OR $4
            WHERE id = $1 RETURNING total`,
          [campaign, added + requeued > 0, rules.resendUnknown === true, rules.retryFailed === true],
        );
        return { campaign, added, requeued, already: rows.length - added - requeued, total: totals[0]?.total ?? 0 };
      }),

    runningCampaigns: (filter = {}) =>
      guarded(async () => {
        const { rows } = await pool.query<{ id: string }>(
          "SELECT id FROM sealpost.campaigns WHERE state = 'running' AND ($1::text IS NULL OR options->>'via' IS NULL OR options->>'via' = $1) ORDER BY created_at",
          [filter.via ?? null],
        );
        return rows.map((r) => r.id);
      }),

    async fetch(campaign, count) {
      // pg-boss answers [] when the database is away; the caller just tries again later.
      const jobs = await boss.fetch<JobData>(queueName(campaign), { batchSize: count });
      return jobs.map((job) => ({
        id: job.id,
        campaign: job.data.campaign,
        line: job.data.line,
        address: job.data.address,
        message: new Uint8Array(Buffer.from(job.data.message, 'base64')),
      }));
    },

    claim: (job, transportKey, options = {}) => {
      // Made once: a claim retried after a commit whose answer was lost finds its own token and goes on.
      const token = randomUUID();
      return guarded(() => persist(() => transaction((client) => claimRow(client, job, transportKey, worker, token)), { stopping: options.stopping }));
    },

    record: (job, claim, outcome, transportKey, options = {}) =>
      guarded(async () => {
        const deferred = outcome.status === 'deferred';
        await persist(
          () =>
            transaction(async (client) => {
              await client.query(
                `UPDATE sealpost.deliveries SET state = $4, response = $5, error_code = $6, updated_at = now()
                  WHERE campaign = $1 AND line = $2 AND claim = $3`,
                [job.campaign, job.line, claim.token, outcome.status, outcome.response?.slice(0, 1000) ?? null, outcome.errorCode ?? null],
              );
              if (outcome.holdTransportMs !== undefined && outcome.holdTransportMs > 0)
                await client.query(
                  `INSERT INTO sealpost.rate_limits (key, until) VALUES ($1, now() + $2 * interval '1 millisecond')
                   ON CONFLICT (key) DO UPDATE SET until = GREATEST(sealpost.rate_limits.until, EXCLUDED.until)`,
                  [transportKey, Math.ceil(outcome.holdTransportMs)],
                );
            }),
          { stopping: options.stopping },
        );
        // The outcome is kept; should this step be lost, the job's timeout hands it to a worker whose claim sees it.
        await persist(() => (deferred ? boss.fail(queueName(job.campaign), job.id) : completeJob(job)), { stopping: options.stopping });
      }),

    recordUnsent: (job, outcome, options = {}) =>
      guarded(async () => {
        await persist(
          () =>
            pool.query(
              `UPDATE sealpost.deliveries SET state = $3, response = $4, error_code = $5, updated_at = now()
                WHERE campaign = $1 AND line = $2 AND state IN ('queued', 'deferred')`,
              [job.campaign, job.line, outcome.status, outcome.response?.slice(0, 1000) ?? null, outcome.errorCode ?? null],
            ),
          { stopping: options.stopping },
        );
        const name = queueName(job.campaign);
        await persist(() => (outcome.status === 'deferred' ? boss.fail(name, job.id) : completeJob(job)), { stopping: options.stopping });
      }),

    release: (job, options = {}) => guarded(async () => void (await persist(() => boss.fail(queueName(job.campaign), job.id), { stopping: options.stopping }))),

    skip: (job, options = {}) => guarded(async () => void (await persist(() => completeJob(job), { stopping: options.stopping }))),

    finishIfDone: (campaign) =>
      guarded(async () => {
        const { rows } = await pool.query<{ state: CampaignState }>(
          `UPDATE sealpost.campaigns SET state = 'done', updated_at = now()
            WHERE id = $1 AND state = 'running'
              AND NOT EXISTS (SELECT 1 FROM ${BOSS_SCHEMA}.job WHERE name = $2 AND state < 'completed')
           RETURNING state`,
          [campaign, queueName(campaign)],
        );
        return rows.length === 1;
      }),

    status: (campaign) => guarded(() => status(campaign)),

    list: () =>
      guarded(async () => {
        const { rows } = await pool.query<{ id: string }>('SELECT id FROM sealpost.campaigns ORDER BY created_at');
        return Promise.all(rows.map((r) => status(r.id)));
      }),

    pause: (campaign) =>
      guarded(async () => {
        await setState(campaign, ['running'], 'paused');
        return status(campaign);
      }),

    resume: (campaign) =>
      guarded(async () => {
        const current = await campaignRow(pool, campaign);
        if (current.state !== 'done') await setState(campaign, ['paused'], 'running');
        return status(campaign);
      }),

    cancel: (campaign) =>
      guarded(async () => {
        await campaignRow(pool, campaign);
        await transaction(async (client) => {
          await client.query("UPDATE sealpost.campaigns SET state = 'cancelled', updated_at = now() WHERE id = $1", [campaign]);
          // Rows no worker holds are cancelled with their jobs; a row being sent now finishes and is recorded.
          await client.query("UPDATE sealpost.deliveries SET state = 'cancelled', updated_at = now() WHERE campaign = $1 AND state IN ('queued', 'deferred')", [campaign]);
          await client.query(`UPDATE ${BOSS_SCHEMA}.job SET state = 'cancelled', completed_on = now(), data = data - 'message' WHERE name = $1 AND state < 'active'`, [queueName(campaign)]);
        });
        return status(campaign);
      }),

    remove: (campaign) =>
      guarded(async () => {
        const deliveries = await transaction(async (client) => {
          const { rows } = await client.query<CampaignRecord>('SELECT * FROM sealpost.campaigns WHERE id = $1 FOR UPDATE', [campaign]);
          const record = rows[0];
          if (record === undefined) throw new QueueError('ERR_CAMPAIGN_NOT_FOUND', `no campaign ${campaign} in ${target}`);
          if (record.state !== 'done' && record.state !== 'cancelled')
            throw new QueueError('ERR_CAMPAIGN_STATE', `campaign ${campaign} is ${record.state}; cancel it, or let it finish, before deleting it`);
          const { rows: sending } = await client.query<{ n: string }>("SELECT count(*) AS n FROM sealpost.deliveries WHERE campaign = $1 AND state = 'sending'", [campaign]);
          const inFlight = Number(sending[0]?.n ?? 0);
          if (inFlight > 0) throw new QueueError('ERR_CAMPAIGN_STATE', `campaign ${campaign} has ${inFlight} cop${inFlight === 1 ? 'y' : 'ies'} being sent; delete it once they are recorded`);
          const removed = await client.query('DELETE FROM sealpost.deliveries WHERE campaign = $1', [campaign]);
          await client.query('DELETE FROM sealpost.campaigns WHERE id = $1', [campaign]);
          // pg-boss 10's deleteQueue refuses a queue that still has jobs: they go first, archived ones too.
          await client.query(`DELETE FROM ${BOSS_SCHEMA}.job WHERE name = $1`, [queueName(campaign)]);
          await client.query(`DELETE FROM ${BOSS_SCHEMA}.archive WHERE name = $1`, [queueName(campaign)]);
          return removed.rowCount ?? 0;
        });
        await boss.deleteQueue(queueName(campaign));
        return { id: campaign, deliveries };
      }),

    async close() {
      await Promise.allSettled([boss.stop({ graceful: false, wait: true, close: true }), pool.end()]);
    },
  };
}

interface CampaignRecord {
  readonly id: string;
  readonly state: CampaignState;
  readonly created_at: Date;
  readonly updated_at: Date;
  readonly total: number;
  readonly options: Record<string, unknown>;
  readonly resend_unknown: boolean;
  readonly retry_failed: boolean;
  readonly job_timeout: number;
}

function statusOf(campaign: CampaignRecord, rows: readonly { state: DeliveryState; n: string; last: Date | null; recent: string }[]): CampaignStatus {
  const counts = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0])) as Record<DeliveryState, number>;
  let perMinute = 0;
  let updated = campaign.updated_at;
  for (const row of rows) {
    counts[row.state] = Number(row.n);
    perMinute += Number(row.recent);
    if (row.last !== null && row.last > updated) updated = row.last;
  }
  const finished = FINAL.reduce((sum, s) => sum + counts[s], 0);
  return {
    id: campaign.id,
    state: campaign.state,
    total: campaign.total,
    counts,
    progress: campaign.total === 0 ? 1 : finished / campaign.total,
    perMinute,
    createdAt: campaign.created_at.toISOString(),
    updatedAt: updated.toISOString(),
    resendUnknown: campaign.resend_unknown,
    retryFailed: campaign.retry_failed,
    options: campaign.options,
  };
}

/**
 * A campaign knows its rows by CSV line: a list whose line now holds another address is another list
 * (edited, sorted), and enqueuing it under the same id would skip those rows as already there.
 */
async function refuseChangedLines(pool: pg.Pool, campaign: string, rows: readonly CampaignRow[]): Promise<void> {
  const { rows: changed } = await pool.query<{ line: number; address: string; now: string }>(
    `SELECT d.line, d.address, r.address AS now FROM sealpost.deliveries d
       JOIN unnest($2::int[], $3::text[]) AS r (line, address) ON r.line = d.line
      WHERE d.campaign = $1 AND d.address <> r.address ORDER BY d.line LIMIT 1`,
    [campaign, rows.map((r) => r.line), rows.map((r) => r.address)],
  );
  const first = changed[0];
  if (first !== undefined)
    throw new QueueError('ERR_CAMPAIGN_CONFLICT', `campaign ${campaign} has ${first.address} on line ${first.line}, this list has ${first.now}: enqueue a different list under another --campaign id`);
}

/**
 * One batch of an enqueue, in the caller's transaction: ledger rows for the lines the campaign does
 * not have (ON CONFLICT DO NOTHING: their primary key is the idempotency key), rows queued again as the
 * rules say, and a pg-boss job for each of those, inserted through the same connection.
 */
async function enqueueBatch(client: pg.PoolClient, boss: PgBoss, campaign: string, batch: readonly CampaignRow[], rules: CampaignRules): Promise<{ added: number; requeued: number }> {
  const { rows: inserted } = await client.query<{ line: number }>(
    `INSERT INTO sealpost.deliveries (campaign, line, address, state)
     SELECT $1, line, address, 'queued' FROM unnest($2::int[], $3::text[]) AS r (line, address)
     ON CONFLICT DO NOTHING RETURNING line`,
    [campaign, batch.map((r) => r.line), batch.map((r) => r.address)],
  );
  const again: DeliveryState[] = [...(rules.retryFailed === true ? (['rejected', 'deferred', 'failed'] as const) : []), ...(rules.resendUnknown === true ? (['unknown'] as const) : [])];
  const { rows: requeued } =
    again.length === 0
      ? { rows: [] as { line: number; round: number }[] }
      : await client.query<{ line: number; round: number }>(
          `UPDATE sealpost.deliveries SET state = 'queued', round = round + 1, claim = NULL, updated_at = now()
            WHERE campaign = $1 AND line = ANY($2::int[]) AND state = ANY($3::text[]) RETURNING line, round`,
          [campaign, batch.map((r) => r.line), again],
        );
  const round = new Map<number, number>([...inserted.map((r) => [r.line, 0] as const), ...requeued.map((r) => [r.line, r.round] as const)]);
  const jobs = batch
    .filter((r) => round.has(r.line))
    .map((r) => ({
      id: jobId(campaign, r.line, r.address, round.get(r.line)!),
      name: queueName(campaign),
      data: { campaign, line: r.line, address: r.address, message: Buffer.from(r.message).toString('base64') } satisfies JobData,
    }));
  if (jobs.length > 0) await boss.insert(jobs, { db: { executeSql: (text, values) => client.query(text, values) } });
  return { added: inserted.length, requeued: requeued.length };
}

/**
 * The claim of one row, in the caller's transaction. The row is locked (FOR UPDATE) so two workers
 * holding the same job (one timed out) decide one after the other. A row already final is not sent
 * again; a row left `sending` by a worker that died is recorded `unknown` (it may have been
 * delivered) unless the campaign resends unknown rows; otherwise it becomes `sending`, and the caller
 * sends only after this transaction commits.
 */
async function claimRow(client: pg.PoolClient, job: CampaignJob, transportKey: string, worker: string, token: string): Promise<Claim> {
  const { rows: limits } = await client.query<{ ms: number }>('SELECT ceil(extract(epoch FROM until - now()) * 1000)::int AS ms FROM sealpost.rate_limits WHERE key = $1 AND until > now()', [
    transportKey,
  ]);
  if (limits[0] !== undefined) return { kind: 'wait', ms: Math.max(1, limits[0].ms) };
  const { rows } = await client.query<{ state: DeliveryState; address: string; attempts: number; claim: string | null; campaign_state: CampaignState; resend_unknown: boolean }>(
    `SELECT d.state, d.address, d.attempts, d.claim, c.state AS campaign_state, c.resend_unknown
       FROM sealpost.deliveries d JOIN sealpost.campaigns c ON c.id = d.campaign
      WHERE d.campaign = $1 AND d.line = $2 FOR UPDATE OF d`,
    [job.campaign, job.line],
  );
  const row = rows[0];
  if (row === undefined || row.address !== job.address) return { kind: 'skip', state: 'cancelled' };
  if (row.state === 'sending' && row.claim === token) return { kind: 'send', token, attempt: row.attempts };
  // Another claim's `sending`: that worker died after handing the copy over (its job came back).
  const recordUnknown = async (): Promise<Claim> => {
    await client.query(
      `UPDATE sealpost.deliveries SET state = 'unknown', error_code = 'ERR_TRANSPORT_OUTCOME_UNKNOWN',
              response = 'the worker sending this copy stopped after handing it to the transport; not sent again', updated_at = now()
        WHERE campaign = $1 AND line = $2`,
      [job.campaign, job.line],
    );
    return { kind: 'skip', state: 'unknown' };
  };
  if (row.campaign_state === 'cancelled') {
    if (row.state === 'sending') return recordUnknown();
    if (row.state === 'queued' || row.state === 'deferred')
      await client.query("UPDATE sealpost.deliveries SET state = 'cancelled', updated_at = now() WHERE campaign = $1 AND line = $2", [job.campaign, job.line]);
    return { kind: 'skip', state: row.state === 'queued' || row.state === 'deferred' ? 'cancelled' : row.state };
  }
  if (FINAL.includes(row.state)) return { kind: 'skip', state: row.state };
  if (row.state === 'sending' && !row.resend_unknown) return recordUnknown();
  await client.query(
    `UPDATE sealpost.deliveries SET state = 'sending', attempts = attempts + 1, worker = $3, claim = $4, updated_at = now()
      WHERE campaign = $1 AND line = $2`,
    [job.campaign, job.line, worker, token],
  );
  return { kind: 'send', token, attempt: row.attempts + 1 };
}
