import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type PostgresServer, startPostgres } from '@sealpost/fixtures';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { startHoldingSparkPost } from './holding-sparkpost.js';
import { makeLocalhostCertificate } from '../src/demo/tls-certificate.js';
import { type Pki, type RunningCommand, assertBuilt, makePki, sealpost, startSealpost, tempDir, waitFor } from './helpers.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const API_KEY = 'queue-test-key';

let dir: string;
let cleanup: () => Promise<void>;
let pki: Pki;
let postgres: PostgresServer;
/** The queue URL without its password, as the command line takes it; the password goes in PGPASSWORD. */
let queueUrl: string;
let db: pg.Pool;

beforeAll(async () => {
  assertBuilt();
  ({ dir, cleanup } = await tempDir());
  [pki, postgres] = await Promise.all([makePki(dir), startPostgres()]);
  queueUrl = `postgres://${postgres.user}@${postgres.host}:${postgres.port}/${postgres.database}`;
  db = new pg.Pool({ connectionString: postgres.url, max: 2 });
  db.on('error', () => undefined);
});
/** Every worker a test started: any still running when the file ends (a test failed half way) is killed. */
const started = new Set<RunningCommand>();
function track(worker: RunningCommand): RunningCommand {
  started.add(worker);
  void worker.exited.then(() => started.delete(worker));
  return worker;
}

afterAll(async () => {
  for (const worker of started) worker.kill('SIGKILL');
  await db?.end();
  await postgres?.stop();
  await cleanup?.();
});

interface HoldingSmtp {
  readonly port: number;
  readonly ca: string;
  /** Messages the server has whole, by recipient: a held one counts, as the server has it. */
  readonly deliveries: Map<string, number>;
  readonly held: string[];
  hold(): void;
  release(): void;
  /** For `ms` from the end of the next message's DATA on, answers every message 451 (try again later), without keeping it. */
  deferFor(ms: number): void;
  /** When a message for each address first reached the end of DATA, ms since the epoch. */
  readonly firstSeen: Map<string, number>;
  close(): Promise<void>;
}

/** An SMTP server on loopback with STARTTLS (required before MAIL) that can hold its reply to DATA. */
async function startHoldingSmtp(): Promise<HoldingSmtp> {
  const certificate = makeLocalhostCertificate();
  const ca = join(dir, `smtp-ca-${Date.now()}.pem`);
  await writeFile(ca, certificate.certPem);
  const deliveries = new Map<string, number>();
  const held: string[] = [];
  const waiting: (() => void)[] = [];
  const firstSeen = new Map<string, number>();
  let holding = false;
  let deferredUntil = 0;
  let deferArmed: number | null = null;
  let counter = 0;
  const server = new SMTPServer({
    key: certificate.keyPem,
    cert: certificate.certPem,
    secure: false,
    authOptional: true,
    disabledCommands: ['AUTH'],
    disableReverseLookup: true,
    logger: false,
    onMailFrom(_address, session, callback) {
      if (!session.secure) callback(Object.assign(new Error('Must issue a STARTTLS command first'), { responseCode: 530 }));
      else callback();
    },
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        for (const address of to) if (!firstSeen.has(address)) firstSeen.set(address, Date.now());
        if (deferArmed !== null) {
          deferredUntil = Date.now() + deferArmed;
          deferArmed = null;
        }
        if (Date.now() < deferredUntil) return callback(Object.assign(new Error('Too much mail from you, try again later'), { responseCode: 451 }));
        for (const address of to) deliveries.set(address, (deliveries.get(address) ?? 0) + 1);
        const reply = (): void => callback(null, `Message queued as Q${String(++counter).padStart(5, '0')}`);
        if (!holding) return reply();
        held.push(...to);
        waiting.push(reply);
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.server.address() as AddressInfo).port,
    ca,
    deliveries,
    held,
    hold: () => void (holding = true),
    release() {
      holding = false;
      for (const reply of waiting.splice(0)) reply();
    },
    deferFor: (ms) => void (deferArmed = ms),
    firstSeen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function writeCsv(name: string, count: number): Promise<{ path: string; addresses: string[] }> {
  // Each list its own addresses, so the server's count of each is one campaign's.
  const prefix = name.replace(/\.csv$/, '');
  const addresses = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(5, '0')}@example.com`);
  const path = join(dir, name);
  await writeFile(path, ['email,name', ...addresses.map((a, i) => `${a},Customer ${i}`)].join('\r\n') + '\r\n');
  return { path, addresses };
}

const template = (): string[] => ['--from', 'Alice <alice@example.com>', '--subject', 'Statement for {{name}}', '--text', 'Dear {{name}},\nyour statement is ready.'];
const pgEnv = (): Record<string, string> => ({ PGPASSWORD: postgres.password });

async function enqueue(csv: string, campaign: string, extra: readonly string[] = ['--job-timeout', '2'], via = 'sparkpost'): Promise<{ code: number | null; out: string; stderr: string }> {
  return sealpost(['send', '--via', via, '--bulk', csv, ...template(), '--queue', queueUrl, '--campaign', campaign, ...extra], { env: pgEnv() });
}

function startSmtpWorker(smtp: HoldingSmtp, extra: readonly string[] = []): RunningCommand {
  return track(
    startSealpost(
      [
        'worker',
        '--queue',
        queueUrl,
        '--via',
        'smtp',
        '--smtp-url',
        `smtp://127.0.0.1:${smtp.port}`,
        '--smtp-ca',
        smtp.ca,
        '--cert',
        pki.alice.cert,
        '--key',
        pki.alice.key,
        '--no-encrypt',
        '--workers',
        '1',
        '--concurrency',
        '2',
        '--poll',
        '100',
        ...extra,
      ],
      { env: pgEnv(), timeoutMs: 170_000 },
    ),
  );
}

function startWorker(baseUrl: string, extra: readonly string[] = []): RunningCommand {
  return track(
    startSealpost(
      ['worker', '--queue', queueUrl, '--via', 'sparkpost', '--cert', pki.alice.cert, '--key', pki.alice.key, '--no-encrypt', '--workers', '1', '--concurrency', '2', '--poll', '100', ...extra],
      { env: { ...pgEnv(), SPARKPOST_API_KEY: API_KEY, SPARKPOST_BASE_URL: baseUrl }, timeoutMs: 170_000 },
    ),
  );
}

/**
 * While the transport was held (from when the hold was set, `holdMs` before `until`, to `until`), no
 * worker started a new copy. Copies claimed before the hold may still reach the server after it was
 * set, at most one per in-flight slot (--concurrency 2 per worker) less the one that met the limit;
 * without the hold every remaining address would arrive in that window.
 */
function expectNoNewCopiesWhileHeld(firstSeen: ReadonlyMap<string, number>, addresses: readonly string[], until: Date, holdMs: number, workers: number): void {
  const heldFrom = until.getTime() - holdMs;
  const arrivedWhileHeld = [...firstSeen].filter(([a, t]) => addresses.includes(a) && t > heldFrom && t < until.getTime() - 50);
  expect(arrivedWhileHeld.length, JSON.stringify(arrivedWhileHeld.map(([a, t]) => [a, t - heldFrom]))).toBeLessThanOrEqual(workers * 2 - 1);
  expect(addresses.length - workers * 2).toBeGreaterThan(workers * 2);
}

async function status(campaign: string): Promise<{ state: string; total: number; counts: Record<string, number> }> {
  const result = await sealpost(['campaign', 'status', campaign, '--queue', queueUrl, '--json'], { env: pgEnv() });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.out) as { state: string; total: number; counts: Record<string, number> };
}

/** SIGTERM: each worker finishes what it has in flight, records it and exits 0. */
async function stopAll(workers: readonly RunningCommand[]): Promise<void> {
  for (const w of workers) w.kill('SIGTERM');
  const exits = await Promise.all(workers.map((w) => w.exited));
  exits.forEach((exit, i) => expect(exit, workers[i]!.stderr()).toEqual({ code: 0, signal: null }));
}

async function rows(campaign: string): Promise<{ line: number; address: string; state: string; worker: string | null }[]> {
  return (await db.query('SELECT line, address, state, worker FROM sealpost.deliveries WHERE campaign = $1 ORDER BY line', [campaign])).rows;
}

describe('sealpost send --bulk --queue, worker, campaign', () => {
  it('enqueues once: the same list enqueued again adds nothing, and nothing is sent', async () => {
    const { path } = await writeCsv('idem.csv', 25);
    const first = await enqueue(path, 'idem');
    expect(first.code, first.stderr).toBe(0);
    expect(first.out).toContain('campaign idem: 25 message(s) enqueued (25 in all)');
    expect(first.out).not.toContain(postgres.password);
    const again = await enqueue(path, 'idem');
    expect(again.code, again.stderr).toBe(0);
    expect(again.out).toContain('campaign idem: 0 message(s) enqueued, 25 already in the campaign (25 in all)');
    const jobs = await db.query("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'sealpost-campaign-idem'");
    expect(jobs.rows[0].n).toBe(25);
    expect((await status('idem')).counts).toMatchObject({ queued: 25, sending: 0, accepted: 0 });
    const cancel = await sealpost(['campaign', 'cancel', 'idem', '--queue', queueUrl], { env: pgEnv() });
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.out).toMatch(/^campaign idem: cancelled, 25 of 25 finished \(100%\)/);
    expect((await db.query("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'sealpost-campaign-idem' AND state < 'completed'")).rows[0].n).toBe(0);
  });

  it('refuses a password in --queue, and never prints the one in PGPASSWORD', async () => {
    const withPassword = await sealpost(['campaign', 'list', '--queue', postgres.url], { env: pgEnv() });
    expect(withPassword.code).toBe(2);
    expect(withPassword.stderr).toContain('--queue must not carry a password');
    expect(withPassword.stderr).not.toContain(postgres.password);
    const wrong = await sealpost(['campaign', 'list', '--queue', queueUrl], { env: { PGPASSWORD: 'not-the-password' } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/cannot use the queue database postgres:\/\/sealpost@127\.0\.0\.1:\d+\/sealpost: the server refused the login \(user or password\) \[ERR_QUEUE_UNAVAILABLE\]/);
    const single = await sealpost(['send', '--via', 'sparkpost', '--no-sign', '--no-encrypt', '--from', 'a@example.com', '--to', 'b@example.com', '--text', 'x', '--queue', queueUrl], {
      env: pgEnv(),
    });
    expect(single.code).toBe(2);
    expect(single.stderr).toContain('--queue goes with --bulk FILE.csv');
    // The whole URL, password included, may come from SEALPOST_QUEUE_URL (then --queue is given alone).
    const fromEnv = await sealpost(['campaign', 'list', '--queue'], { env: { SEALPOST_QUEUE_URL: postgres.url } });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    const wrongInEnv = await sealpost(['campaign', 'list', '--queue'], { env: { SEALPOST_QUEUE_URL: postgres.url.replace(postgres.password, 'wrong-secret') } });
    expect(wrongInEnv.code).toBe(2);
    expect(wrongInEnv.stderr).toMatch(/cannot use the queue database postgres:\/\/sealpost:\*\*\*@127\.0\.0\.1:\d+\/sealpost: the server refused the login/);
    expect(wrongInEnv.stderr).not.toContain('wrong-secret');
    const missing = await sealpost(['campaign', 'status', 'nobody-here', '--queue', queueUrl], { env: pgEnv() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('[ERR_CAMPAIGN_NOT_FOUND]');
  });

  it("three workers, one killed with sends held at SparkPost: every recipient gets exactly one copy, the killed one's are unknown", async () => {
    const server = await startHoldingSparkPost(API_KEY);
    const workers = [startWorker(server.baseUrl), startWorker(server.baseUrl), startWorker(server.baseUrl)];
    try {
      const { path, addresses } = await writeCsv('kill.csv', 60);
      server.hold();
      expect((await enqueue(path, 'kill')).code).toBe(0);
      // Every worker has its two sends held at the server, each committed `sending` in the ledger first.
      await waitFor(() => (server.held.length === 6 ? true : undefined), 'six sends held at the server');
      const sending = (await rows('kill')).filter((r) => r.state === 'sending');
      expect(sending).toHaveLength(6);
      const victim = workers[0]!;
      const victimRows = sending.filter((r) => r.worker?.endsWith(`:${victim.pid}`));
      expect(victimRows).toHaveLength(2);
      victim.kill('SIGKILL');
      expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
      server.release();

      await waitFor(async () => ((await status('kill')).state === 'done' ? true : undefined), 'the campaign to be done', 90_000);
      const final = await status('kill');
      expect(final.counts).toMatchObject({ accepted: 58, unknown: 2, sending: 0, queued: 0, failed: 0, deferred: 0 });
      const unknown = (await rows('kill')).filter((r) => r.state === 'unknown').map((r) => r.address);
      expect(unknown.sort()).toEqual(victimRows.map((r) => r.address).sort());
      // The killed worker's two were received (held) and not sent again; everyone else once.
      expect(server.deliveries.size).toBe(60);
      expect(addresses.every((a) => server.deliveries.get(a) === 1)).toBe(true);

      // Asked for, the two unknown go out once more (perhaps a second copy), and nobody else does.
      const again = await enqueue(path, 'kill', ['--job-timeout', '2', '--resend-unknown']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.out).toContain('campaign kill: 0 message(s) enqueued, 2 queued again, 58 already in the campaign (60 in all)');
      await waitFor(async () => ((await status('kill')).counts['accepted'] === 60 && (await status('kill')).state === 'done' ? true : undefined), 'the two to be sent again');
      const victims = new Set(victimRows.map((r) => r.address));
      expect(addresses.every((a) => server.deliveries.get(a) === (victims.has(a) ? 2 : 1))).toBe(true);
    } finally {
      server.release();
      await stopAll(workers.slice(1));
      await server.close();
    }
  });

  it('the same over SMTP with STARTTLS: a worker killed with messages held at the server; each recipient gets one copy', async () => {
    const smtp = await startHoldingSmtp();
    const workers = [startSmtpWorker(smtp), startSmtpWorker(smtp), startSmtpWorker(smtp)];
    try {
      const { path, addresses } = await writeCsv('smtpkill.csv', 45);
      smtp.hold();
      expect((await enqueue(path, 'smtpkill', ['--job-timeout', '2'], 'smtp')).code).toBe(0);
      await waitFor(() => (smtp.held.length === 6 ? true : undefined), 'six messages held at the server');
      const sending = (await rows('smtpkill')).filter((r) => r.state === 'sending');
      expect(sending).toHaveLength(6);
      const victim = workers[1]!;
      const victimRows = sending.filter((r) => r.worker?.endsWith(`:${victim.pid}`));
      expect(victimRows).toHaveLength(2);
      victim.kill('SIGKILL');
      await victim.exited;
      smtp.release();
      await waitFor(async () => ((await status('smtpkill')).state === 'done' ? true : undefined), 'the campaign to be done', 90_000);
      expect((await status('smtpkill')).counts).toMatchObject({ accepted: 43, unknown: 2, sending: 0, queued: 0, failed: 0, deferred: 0 });
      expect(
        (await rows('smtpkill'))
          .filter((r) => r.state === 'unknown')
          .map((r) => r.address)
          .sort(),
      ).toEqual(victimRows.map((r) => r.address).sort());
      expect(addresses.every((a) => smtp.deliveries.get(a) === 1)).toBe(true);
    } finally {
      smtp.release();
      await stopAll([workers[0]!, workers[2]!]);
      await smtp.close();
    }
  });

  it('an SMTP 451 holds every worker on that server for --rate-limit-wait; the deferred copies go out later, once', async () => {
    const smtp = await startHoldingSmtp();
    const workers = [startSmtpWorker(smtp, ['--rate-limit-wait', '3']), startSmtpWorker(smtp, ['--rate-limit-wait', '3'])];
    try {
      const { path, addresses } = await writeCsv('smtp451.csv', 20);
      smtp.deferFor(4000);
      expect((await enqueue(path, 'smtp451', ['--job-timeout', '60'], 'smtp')).code).toBe(0);
      const until = await waitFor(async () => (await db.query<{ until: Date }>("SELECT until FROM sealpost.rate_limits WHERE key LIKE 'smtp %'")).rows[0]?.until, 'a hold on the SMTP server');
      await waitFor(async () => ((await status('smtp451')).state === 'done' ? true : undefined), 'the campaign to be done', 90_000);
      expectNoNewCopiesWhileHeld(smtp.firstSeen, addresses, until, 3000, workers.length);
      expect((await status('smtp451')).counts).toMatchObject({ accepted: 20, deferred: 0 });
      expect(addresses.every((a) => smtp.deliveries.get(a) === 1)).toBe(true);
    } finally {
      await stopAll(workers);
      await smtp.close();
    }
  });

  it('seals per recipient from the key store: a recipient without a certificate is recorded failed and never sent', async () => {
    const server = await startHoldingSparkPost(API_KEY);
    const keystore = join(dir, 'queue-keys');
    const imported = await sealpost(['keys', 'import', '--keystore', keystore, '--cert', pki.bob.cert, '--address', pki.bob.email]);
    expect(imported.code, imported.stderr).toBe(0);
    const worker = track(
      startSealpost(['worker', '--queue', queueUrl, '--via', 'sparkpost', '--cert', pki.alice.cert, '--key', pki.alice.key, '--keystore', keystore, '--workers', '1', '--poll', '100'], {
        env: { ...pgEnv(), SPARKPOST_API_KEY: API_KEY, SPARKPOST_BASE_URL: server.baseUrl },
        timeoutMs: 170_000,
      }),
    );
    try {
      const csv = join(dir, 'sealed.csv');
      await writeFile(csv, `email,name\r\n${pki.bob.email},Bob\r\ncarol@example.com,Carol\r\n`);
      expect((await enqueue(csv, 'sealed')).code).toBe(0);
      await waitFor(async () => ((await status('sealed')).state === 'done' ? true : undefined), 'the campaign to be done');
      expect((await status('sealed')).counts).toMatchObject({ accepted: 1, failed: 1 });
      const { rows: ledger } = await db.query<{ address: string; state: string; error_code: string | null; attempts: number }>(
        "SELECT address, state, error_code, attempts FROM sealpost.deliveries WHERE campaign = 'sealed' ORDER BY line",
      );
      expect(ledger).toEqual([
        { address: pki.bob.email, state: 'accepted', error_code: null, attempts: 1 },
        { address: 'carol@example.com', state: 'failed', error_code: 'ERR_NO_CERTIFICATE', attempts: 0 },
      ]);
      expect(server.deliveries.get(pki.bob.email)).toBe(1);
      expect(server.deliveries.has('carol@example.com')).toBe(false);
    } finally {
      await stopAll([worker]);
      await server.close();
    }
  });

  it('pause stops the workers fetching, resume goes on, cancel leaves the rest unsent; delete removes a campaign once nothing is in flight', async () => {
    const server = await startHoldingSparkPost(API_KEY);
    const worker = startWorker(server.baseUrl);
    try {
      const paused = await writeCsv('paused.csv', 20);
      server.hold();
      expect((await enqueue(paused.path, 'paused')).code).toBe(0);
      await waitFor(() => (server.held.length === 2 ? true : undefined), 'two sends held');
      const pause = await sealpost(['campaign', 'pause', 'paused', '--queue', queueUrl], { env: pgEnv() });
      expect(pause.code, pause.stderr).toBe(0);
      expect(pause.out).toMatch(/^campaign paused: paused, /);
      server.release();
      // The two in flight finish and are recorded; then, for a while, nothing more is fetched while paused.
      await waitFor(async () => ((await status('paused')).counts['accepted'] === 2 ? true : undefined), 'the two in flight to be recorded');
      await new Promise((r) => setTimeout(r, 1500));
      expect(paused.addresses.filter((a) => server.deliveries.has(a))).toHaveLength(2);
      expect((await status('paused')).counts).toMatchObject({ accepted: 2, queued: 18 });
      const resume = await sealpost(['campaign', 'resume', 'paused', '--queue', queueUrl], { env: pgEnv() });
      expect(resume.code, resume.stderr).toBe(0);
      await waitFor(async () => ((await status('paused')).state === 'done' ? true : undefined), 'the resumed campaign to be done');
      expect((await status('paused')).counts.accepted).toBe(20);
      expect(paused.addresses.every((a) => server.deliveries.get(a) === 1)).toBe(true);
      // A done campaign can be deleted, and then it is gone.
      const removed = await sealpost(['campaign', 'delete', 'paused', '--queue', queueUrl], { env: pgEnv() });
      expect(removed.code, removed.stderr).toBe(0);
      expect(removed.out).toBe('campaign paused deleted: 20 row(s) of its ledger and its jobs\n');
      const gone = await sealpost(['campaign', 'status', 'paused', '--queue', queueUrl], { env: pgEnv() });
      expect(gone.code).not.toBe(0);
      expect(gone.stderr).toContain('[ERR_CAMPAIGN_NOT_FOUND]');

      server.held.length = 0;
      server.hold();
      const cancelled = await writeCsv('cancelled.csv', 20);
      expect((await enqueue(cancelled.path, 'cancelled')).code).toBe(0);
      await waitFor(() => (server.held.length === 2 ? true : undefined), 'two sends held');
      const cancel = await sealpost(['campaign', 'cancel', 'cancelled', '--queue', queueUrl, '--json'], { env: pgEnv() });
      expect(cancel.code, cancel.stderr).toBe(0);
      expect(JSON.parse(cancel.out)).toMatchObject({ state: 'cancelled', counts: { cancelled: 18, sending: 2 } });
      // Not while two copies are with the transport: their outcomes are not recorded yet.
      const early = await sealpost(['campaign', 'delete', 'cancelled', '--queue', queueUrl], { env: pgEnv() });
      expect(early.code).not.toBe(0);
      expect(early.stderr).toBe('sealpost: campaign cancelled has 2 copies being sent; delete it once they are recorded [ERR_CAMPAIGN_STATE]\n');
      server.release();
      await waitFor(async () => ((await status('cancelled')).counts['accepted'] === 2 ? true : undefined), 'the two in flight to be recorded');
      await new Promise((r) => setTimeout(r, 1000));
      expect(cancelled.addresses.filter((a) => server.deliveries.has(a))).toHaveLength(2);
      expect((await status('cancelled')).counts).toMatchObject({ accepted: 2, cancelled: 18, queued: 0 });
      const later = await sealpost(['campaign', 'delete', 'cancelled', '--queue', queueUrl, '--json'], { env: pgEnv() });
      expect(later.code, later.stderr).toBe(0);
      expect(JSON.parse(later.out)).toEqual({ id: 'cancelled', deliveries: 20, deleted: true });
    } finally {
      server.release();
      await stopAll([worker]);
      await server.close();
    }
  });
  it('SIGTERM: a worker sealing on two threads fetches nothing more, finishes and records its sends in flight, and exits 0', async () => {
    const server = await startHoldingSparkPost(API_KEY);
    const worker = startWorker(server.baseUrl, ['--workers', '2']);
    try {
      const { path, addresses } = await writeCsv('graceful.csv', 20);
      server.hold();
      expect((await enqueue(path, 'graceful')).code).toBe(0);
      await waitFor(() => (server.held.length === 2 ? true : undefined), 'two sends held');
      worker.kill('SIGTERM');
      await waitFor(() => (worker.stderr().includes('stopping: nothing new is fetched') ? true : undefined), 'the worker to say it is stopping');
      server.release();
      expect(await worker.exited).toEqual({ code: 0, signal: null });
      expect(worker.stderr()).toMatch(/worker \S+: stopped; 2 sent, 0 not sent again/);
      expect((await status('graceful')).counts).toMatchObject({ accepted: 2, queued: 18, sending: 0 });
      expect(addresses.filter((a) => server.deliveries.has(a))).toHaveLength(2);
      expect((await sealpost(['campaign', 'cancel', 'graceful', '--queue', queueUrl], { env: pgEnv() })).code).toBe(0);
    } finally {
      server.release();
      worker.kill('SIGKILL');
      await server.close();
    }
  });

  it('SIGTERM while the database is away: the worker sends nothing more, gives up on what it cannot record after --stop-timeout, and exits 0', async () => {
    const server = await startHoldingSparkPost(API_KEY);
    const worker = startWorker(server.baseUrl, ['--stop-timeout', '2']);
    try {
      const { path, addresses } = await writeCsv('away.csv', 20);
      server.hold();
      expect((await enqueue(path, 'away', ['--job-timeout', '2'])).code).toBe(0);
      await waitFor(() => (server.held.length === 2 ? true : undefined), 'two sends held');
      await postgres.takeDown();
      try {
        server.release(); // the two outcomes are known, and cannot be written
        worker.kill('SIGTERM');
        const began = Date.now();
        expect(await worker.exited).toEqual({ code: 0, signal: null });
        expect(Date.now() - began).toBeLessThan(15_000);
        expect(worker.stderr()).toMatch(/was not recorded \[ERR_QUEUE_UNAVAILABLE\]/);
        expect(worker.stderr()).not.toMatch(/^\s+at /m);
        expect(addresses.filter((a) => server.deliveries.has(a))).toHaveLength(2);
      } finally {
        await postgres.bringBack();
      }
      // What could not be recorded stays `sending`: a later claim makes it unknown, never a second copy.
      expect((await rows('away')).filter((r) => r.state === 'sending')).toHaveLength(2);
      expect((await sealpost(['campaign', 'cancel', 'away', '--queue', queueUrl], { env: pgEnv() })).code).toBe(0);
    } finally {
      server.release();
      worker.kill('SIGKILL');
      await server.close();
    }
  });

  it('the database stopped in the middle of a campaign and started again: the campaign goes on, no copy lost, none sent twice', async () => {
    const server = await startHoldingSparkPost(API_KEY);
    server.slowDown(50);
    const workers = [startWorker(server.baseUrl), startWorker(server.baseUrl)];
    try {
      const { path, addresses } = await writeCsv('outage.csv', 60);
      expect((await enqueue(path, 'outage', ['--job-timeout', '60'])).code).toBe(0);
      await waitFor(() => (addresses.filter((a) => server.deliveries.has(a)).length >= 10 ? true : undefined), 'ten deliveries');
      await postgres.takeDown();
      await new Promise((r) => setTimeout(r, 3000));
      // Without the database nothing is claimed, so nothing new goes out: the campaign is half way.
      const duringOutage = addresses.filter((a) => server.deliveries.has(a)).length;
      expect(duringOutage).toBeLessThan(30);
      await postgres.bringBack();
      await waitFor(async () => ((await status('outage')).state === 'done' ? true : undefined), 'the campaign to be done after the outage', 90_000);
      expect((await status('outage')).counts).toMatchObject({ accepted: 60, unknown: 0, sending: 0, queued: 0, failed: 0 });
      expect(addresses.every((a) => server.deliveries.get(a) === 1)).toBe(true);
      for (const w of workers) {
        expect(w.stderr()).not.toContain(postgres.password);
        expect(w.stderr()).not.toMatch(/^\s+at /m); // no stack trace: the outage is handled, not crashed on
      }
    } finally {
      await stopAll(workers);
      await server.close();
    }
  });

  it('a 429 holds every worker (fleet-wide) for as long as its Retry-After asks, not --rate-limit-wait, then the campaign completes', async () => {
    const server = await startHoldingSparkPost(API_KEY);
    // --rate-limit-wait is left at its default (30 s): it is for limits that say nothing of how long.
    const workers = [startWorker(server.baseUrl), startWorker(server.baseUrl)];
    try {
      const { path, addresses } = await writeCsv('limited.csv', 30);
      // Long enough that the transport's own three tries (Retry-After: 2, so 2 s apart) all meet a 429.
      server.rateLimitFor(7000, 2);
      expect((await enqueue(path, 'limited', ['--job-timeout', '60'])).code).toBe(0);
      const hold = await waitFor(
        async () => {
          const { rows: limits } = await db.query<{ until: Date; ms: number }>('SELECT until, ceil(extract(epoch FROM until - now()) * 1000)::int AS ms FROM sealpost.rate_limits');
          return limits[0];
        },
        `a fleet-wide rate limit (${workers.map((w) => w.stderr()).join(' | ')})`,
      );
      expect(hold.ms).toBeLessThanOrEqual(2000);
      const until = hold.until;
      await waitFor(async () => ((await status('limited')).state === 'done' ? true : undefined), 'the campaign to be done', 90_000);
      expectNoNewCopiesWhileHeld(server.firstSeen, addresses, until, 2000, workers.length);
      expect([...server.firstSeen].filter(([a, t]) => addresses.includes(a) && t >= until.getTime()).length).toBeGreaterThan(0);
      expect((await status('limited')).counts).toMatchObject({ accepted: 30, deferred: 0, failed: 0 });
      expect(addresses.every((a) => server.deliveries.get(a) === 1)).toBe(true);
    } finally {
      await stopAll(workers);
      await server.close();
    }
  });
});
