import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type PostgresServer, startPostgres } from '@sealpost/fixtures';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHoldingSparkPost } from './holding-sparkpost.js';
import { type Pki, type RunningCommand, assertBuilt, makePki, sealpost, startSealpost, tempDir, waitFor } from './helpers.js';

// 10,000 recipients through the PostgreSQL queue with three workers, one killed while it has sends in
// flight: about a minute on two cores (hence *.slow.test.ts). Sign-only, one signature for the run.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const API_KEY = 'queue-slow-key';
const COUNT = 10_000;

let dir: string;
let cleanup: () => Promise<void>;
let pki: Pki;
let postgres: PostgresServer;
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
afterAll(async () => {
  await db?.end();
  await postgres?.stop();
  await cleanup?.();
});

const pgEnv = (): Record<string, string> => ({ PGPASSWORD: postgres.password });

describe('a 10,000-recipient campaign through the queue', () => {
  it('three workers, one killed with sends in flight: each of 10,000 recipients gets exactly one copy', async () => {
    const server = await startHoldingSparkPost(API_KEY);
    const worker = (): RunningCommand =>
      startSealpost(['worker', '--queue', queueUrl, '--via', 'sparkpost', '--cert', pki.alice.cert, '--key', pki.alice.key, '--no-encrypt', '--workers', '1', '--concurrency', '8', '--poll', '100'], {
        env: { ...pgEnv(), SPARKPOST_API_KEY: API_KEY, SPARKPOST_BASE_URL: server.baseUrl },
        timeoutMs: 230_000,
      });
    const workers = [worker(), worker(), worker()];
    try {
      const addresses = Array.from({ length: COUNT }, (_, i) => `customer${String(i).padStart(5, '0')}@example.com`);
      const csv = join(dir, 'ten-thousand.csv');
      await writeFile(csv, ['email,name', ...addresses.map((a, i) => `${a},Customer ${i}`)].join('\r\n') + '\r\n');
      const started = performance.now();
      const enqueued = await sealpost(
        [
          'send',
          '--via',
          'sparkpost',
          '--bulk',
          csv,
          '--from',
          'Alice <alice@example.com>',
          '--subject',
          'Statement for {{name}}',
          '--text',
          'Your statement is ready.',
          '--queue',
          queueUrl,
          '--campaign',
          'ten-thousand',
          '--job-timeout',
          '5',
        ],
        { env: pgEnv(), timeoutMs: 120_000 },
      );
      expect(enqueued.code, enqueued.stderr).toBe(0);
      expect(enqueued.out).toContain(`campaign ten-thousand: ${COUNT} message(s) enqueued`);
      const enqueueMs = performance.now() - started;

      await waitFor(() => (addresses.filter((a) => server.deliveries.has(a)).length >= COUNT / 2 ? true : undefined), 'half of the campaign sent', 120_000);
      server.hold();
      await waitFor(() => (server.held.length === 24 ? true : undefined), 'every worker with its sends held');
      const victim = workers[2]!;
      const { rows: victimRows } = await db.query<{ address: string }>("SELECT address FROM sealpost.deliveries WHERE campaign = 'ten-thousand' AND state = 'sending' AND worker LIKE $1", [
        `%:${victim.pid}`,
      ]);
      expect(victimRows).toHaveLength(8);
      victim.kill('SIGKILL');
      await victim.exited;
      server.release();

      await waitFor(async () => ((await db.query("SELECT state FROM sealpost.campaigns WHERE id = 'ten-thousand'")).rows[0]?.state === 'done' ? true : undefined), 'the campaign to be done', 180_000);
      const totalMs = performance.now() - started;
      const status = await sealpost(['campaign', 'status', 'ten-thousand', '--queue', queueUrl, '--json'], { env: pgEnv() });
      const counts = (JSON.parse(status.out) as { counts: Record<string, number> }).counts;
      expect(counts).toMatchObject({ accepted: COUNT - 8, unknown: 8, sending: 0, queued: 0, failed: 0, deferred: 0 });
      const { rows: unknown } = await db.query<{ address: string }>("SELECT address FROM sealpost.deliveries WHERE campaign = 'ten-thousand' AND state = 'unknown'");
      expect(unknown.map((r) => r.address).sort()).toEqual(victimRows.map((r) => r.address).sort());
      expect(server.deliveries.size).toBe(COUNT);
      expect(addresses.filter((a) => server.deliveries.get(a) !== 1)).toEqual([]);
      process.stderr.write(`queue.slow: ${COUNT} recipients enqueued in ${Math.round(enqueueMs)} ms, campaign done in ${Math.round(totalMs / 1000)} s\n`);
      expect(totalMs).toBeLessThan(120_000);
    } finally {
      server.release();
      // SIGTERM for the two left (SIGKILL, too, for all three if the test failed before the kill).
      for (const w of workers.slice(0, 2)) w.kill('SIGTERM');
      const stopped = Promise.all(workers.map((w) => w.exited));
      const timer = setTimeout(() => workers.forEach((w) => w.kill('SIGKILL')), 20_000);
      workers[2]!.kill('SIGKILL');
      await stopped;
      clearTimeout(timer);
      await server.close();
    }
  });
});
