import { availableParallelism } from 'node:os';
import type { CampaignJob, CampaignQueue, Claim, DeliveryOutcome } from '@sealpost/queue';
import { CliError, EXIT, usageError } from '../errors.js';
import { writeStream } from '../io.js';
import { type RowContext, type RowOutcome, errorOf, sendRow } from '../bulk/run.js';
import { type SendPool, openSendPool } from '../bulk/send-pool.js';
import { createSignatureMemo, signingOnce } from '../bulk/signing-once.js';
import type { BulkRecipient } from '../bulk/recipients.js';
import { type SendFlags, openSender } from '../send/sender.js';
import { openQueue } from './open-queue.js';

export interface WorkerFlags extends SendFlags {
  readonly queue?: string | boolean;
  readonly rateLimitWait?: string;
  readonly poll?: string;
  readonly stopTimeout?: string;
}

const MAX_CONCURRENCY = 64;
const MAX_WORKERS = 64;
const DEFAULT_CONCURRENCY = 4;
const DEFAULT_RATE_LIMIT_WAIT_S = 30;
const DEFAULT_POLL_MS = 500;
const DEFAULT_STOP_TIMEOUT_S = 30;

/** The claim refused the send: the hook throws this so the transport is never handed the message. */
const NOT_CLAIMED = 'not sent: the campaign ledger says this copy must not be sent now';

/**
 * `sealpost worker --queue URL`: fetches rows of running campaigns, seals them (on the worker-thread
 * pool with --workers N > 1) and sends them. Before the transport has a copy, the ledger's claim has
 * committed it as `sending` (the pool's "sending" hook, where a journaled bulk send writes its
 * journal); the outcome is recorded after. SIGTERM or SIGINT: nothing new is fetched, what is in flight
 * finishes and is recorded, exit 0 (a second signal exits at once).
 */
export async function runWorker(flags: WorkerFlags): Promise<number> {
  const concurrency = boundedNumber(flags.concurrency, DEFAULT_CONCURRENCY, MAX_CONCURRENCY, '--concurrency');
  const threads = flags.workers === undefined ? Math.min(availableParallelism(), MAX_WORKERS) : boundedNumber(flags.workers, 1, MAX_WORKERS, '--workers');
  const holdMs = boundedNumber(flags.rateLimitWait, DEFAULT_RATE_LIMIT_WAIT_S, 3600, '--rate-limit-wait') * 1000;
  const pollMs = flags.poll === undefined ? DEFAULT_POLL_MS : boundedNumber(flags.poll, DEFAULT_POLL_MS, 60_000, '--poll');
  const stopTimeoutMs = boundedNumber(flags.stopTimeout, DEFAULT_STOP_TIMEOUT_S, 3600, '--stop-timeout') * 1000;
  for (const name of ['in', 'to', 'cc', 'bcc', 'bulk', 'report', 'journal', 'template'] as const)
    if (flags[name] !== undefined) throw usageError(`--${name} does not go with worker: the messages come from the queue`);

  const stop = new AbortController();
  /**
   * Aborted --stop-timeout after the first signal (the database still away) or by a second signal:
   * outcomes still unwritten are given up (their rows stay `sending`, later `unknown`).
   */
  const hardStop = new AbortController();
  const onSignal = (): void => {
    if (stop.signal.aborted) {
      hardStop.abort();
      process.exit(130);
    }
    stop.abort();
    setTimeout(() => hardStop.abort(), stopTimeoutMs).unref();
    process.stderr.write('\nsealpost worker: stopping: nothing new is fetched; sends in flight finish and are recorded (press again to quit at once)\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const sender = await openSender(flags, concurrency);
  let queue: CampaignQueue | undefined;
  let pool: SendPool | undefined;
  try {
    queue = await openQueue(flags.queue, { maintain: true });
    const transportKey = `${flags.via} ${sender.opened.target}`;
    const claims = claimHooks(queue, transportKey, stop.signal);
    pool = threads > 1 ? await openSendPool({ workers: threads, concurrency, flags, identity: sender.identity, journal: { sending: (_address, key) => claims.sending(key) } }) : undefined;
    await writeStream(process.stderr, `worker ${queue.worker}: fetching from ${queue.target}, sending through ${sender.opened.target} (concurrency ${concurrency}, ${threads} thread(s))\n`);
    const context: RowContext = {
      journal: { sending: (_address, key) => claims.sending(key) },
      backend: signingOnce(sender.backend, sender.identity, createSignatureMemo()),
      transport: sender.opened.transport,
      keystore: sender.keystore,
      identity: sender.identity,
      selfCertificate: sender.selfCertificate,
      sendOptions: sender.options,
    };
    const send = pool === undefined ? (r: BulkRecipient, m: Uint8Array) => sendRow(r, m, context) : pool.sendRow;
    const counts = await workLoop({ queue, concurrency, pollMs, stop: stop.signal, hardStop: hardStop.signal, transportKey, via: flags.via, holdMs, claims, send });
    await writeStream(process.stderr, `worker ${queue.worker}: stopped; ${counts.sent} sent, ${counts.skipped} not sent again\n`);
    return EXIT.ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool?.close();
    await queue?.close();
    await sender.close();
  }
}

/**
 * The "sending" hook, by row key: the job's claim, retried while a fleet-wide rate limit holds the
 * transport. The claim decided is kept for the caller, who records (or skips) after the send.
 */
interface ClaimHooks {
  register(key: number, job: CampaignJob): void;
  sending(key: number): Promise<void>;
  /**
   * The claim; `held` when stopping came while a rate limit held the send; `lost` when the database
   * stayed away until the worker was stopping (nothing was sent); undefined when no transport was asked.
   */
  take(key: number): Claim | 'held' | 'lost' | undefined;
}

function claimHooks(queue: CampaignQueue, transportKey: string, stop: AbortSignal): ClaimHooks {
  const jobs = new Map<number, CampaignJob>();
  const claims = new Map<number, Claim | 'held' | 'lost'>();
  return {
    register: (key, job) => void jobs.set(key, job),
    async sending(key) {
      const job = jobs.get(key);
      if (job === undefined) throw new CliError('ERR_INTERNAL', NOT_CLAIMED);
      for (;;) {
        let claim: Claim;
        try {
          // Retried while the database is away, until the worker is stopping: then nothing is sent.
          claim = await queue.claim(job, transportKey, { stopping: stop });
        } catch (error) {
          claims.set(key, 'lost');
          throw error;
        }
        if (claim.kind === 'wait') {
          // Stopping while the transport is held: the copy is not sent; the job goes back to the queue.
          if (stop.aborted) {
            claims.set(key, 'held');
            throw new CliError('ERR_INTERNAL', NOT_CLAIMED);
          }
          await sleep(Math.min(claim.ms, 5000), stop);
          continue;
        }
        claims.set(key, claim);
        if (claim.kind !== 'send') throw new CliError('ERR_INTERNAL', NOT_CLAIMED);
        return;
      }
    },
    take(key) {
      jobs.delete(key);
      const claim = claims.get(key);
      claims.delete(key);
      return claim;
    },
  };
}

interface LoopOptions {
  readonly queue: CampaignQueue;
  readonly concurrency: number;
  readonly pollMs: number;
  readonly stop: AbortSignal;
  readonly hardStop: AbortSignal;
  readonly transportKey: string;
  /** Only campaigns enqueued for this transport (send --bulk --queue --via) are fetched. */
  readonly via: string;
  readonly holdMs: number;
  readonly claims: ClaimHooks;
  readonly send: (recipient: BulkRecipient, message: Uint8Array) => Promise<RowOutcome>;
}

/** Fetches while not stopping, `concurrency` rows in flight at most, round robin over running campaigns. */
async function workLoop(options: LoopOptions): Promise<{ sent: number; skipped: number }> {
  const inFlight = new Set<Promise<void>>();
  const counts = { sent: 0, skipped: 0 };
  let nextKey = 0;
  let turn = 0;
  while (!options.stop.aborted) {
    const room = options.concurrency - inFlight.size;
    let fetched = 0;
    if (room > 0) {
      const campaigns = await options.queue.runningCampaigns({ via: options.via }).catch(() => [] as string[]);
      for (let i = 0; i < campaigns.length && fetched < room && !options.stop.aborted; i++) {
        const campaign = campaigns[(turn + i) % campaigns.length]!;
        const jobs = await options.queue.fetch(campaign, room - fetched).catch(() => [] as CampaignJob[]);
        if (jobs.length === 0) await options.queue.finishIfDone(campaign).catch(() => false);
        for (const job of jobs) {
          const key = nextKey++;
          const running = handle(job, key, options, counts).finally(() => inFlight.delete(running));
          inFlight.add(running);
        }
        fetched += jobs.length;
      }
      turn++;
    }
    if (fetched === 0 || inFlight.size >= options.concurrency) {
      // Wake on the first finished send, the poll interval, or the stop signal.
      await Promise.race([sleep(options.pollMs, options.stop), ...inFlight]);
    }
  }
  await Promise.all(inFlight);
  return counts;
}

/** One row: seal, claim (in the hook), send, then record the outcome or finish the skipped job. */
async function handle(job: CampaignJob, key: number, options: LoopOptions, counts: { sent: number; skipped: number }): Promise<void> {
  options.claims.register(key, job);
  const outcome = await options
    .send({ line: key, address: job.address, fields: {} }, job.message)
    .catch((error: unknown): RowOutcome => ({ address: job.address, line: key, status: 'failed', signed: false, encrypted: false, error: errorOf(error) }));
  const claim = options.claims.take(key);
  const persist = { stopping: options.hardStop };
  try {
    if (claim === 'lost') {
      // Nothing was sent and the database is away: the job's timeout gives the row to a worker later.
    } else if (claim === 'held') {
      await options.queue.release(job, persist);
    } else if (claim?.kind === 'send') {
      await options.queue.record(job, claim, deliveryOutcome(outcome, options.holdMs), options.transportKey, persist);
      counts.sent++;
    } else if (claim?.kind === 'skip') {
      await options.queue.skip(job, persist);
      counts.skipped++;
    } else {
      // Refused before any transport had it (no certificate, a message core would not seal): final.
      await options.queue.recordUnsent(job, deliveryOutcome(outcome, options.holdMs), persist);
    }
  } catch (error) {
    // The database stayed away until a second signal: the row stays `sending` and is recorded unknown later.
    process.stderr.write(`sealpost worker: the outcome for line ${job.line} of campaign ${job.campaign} was not recorded [${errorOf(error).code}]\n`);
  }
}

/** No Retry-After holds the fleet longer than an hour (a server asking for a day is answered in an hour). */
const MAX_HOLD_MS = 3_600_000;

/**
 * The ledger's outcome for core's send report. A copy no transport took (rate limited, transport
 * unreachable) is deferred and queued again; a rate limit holds every worker's sends on this
 * transport: for as long as SparkPost's 429 asked (Retry-After), else (no Retry-After, SMTP 421 or
 * 451) for `holdMs`.
 */
export function deliveryOutcome(outcome: RowOutcome, holdMs: number): DeliveryOutcome {
  const response = outcome.response ?? outcome.error?.message;
  const base = { ...(response === undefined ? {} : { response }), ...(outcome.error === undefined ? {} : { errorCode: outcome.error.code }) };
  if (outcome.status === 'failed' && outcome.error?.code === 'ERR_TRANSPORT_RATE_LIMITED') {
    const asked = outcome.error.retryAfterMs;
    return { ...base, status: 'deferred', holdTransportMs: asked === undefined ? holdMs : Math.min(Math.max(asked, 1000), MAX_HOLD_MS) };
  }
  if (outcome.status === 'failed' && outcome.error?.code === 'ERR_TRANSPORT_UNAVAILABLE') return { ...base, status: 'deferred' };
  if (outcome.status === 'deferred' && (outcome.code === 421 || outcome.code === 451)) return { ...base, status: 'deferred', holdTransportMs: holdMs };
  return { ...base, status: outcome.status };
}

function boundedNumber(value: string | undefined, fallback: number, max: number, flag: string): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw usageError(`${flag} takes a number from 1 to ${max}, not "${value}"`);
  return Number(value);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
