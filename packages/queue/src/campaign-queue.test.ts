import { type PostgresServer, startPostgres } from '@sealpost/fixtures';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CampaignQueue, openCampaignQueue } from './campaign-queue.js';
import { isQueueError } from './errors.js';
import { jobId } from './job-id.js';
import { redactUrl } from './redact.js';
import type { CampaignJob, CampaignRow } from './types.js';

let postgres: PostgresServer;
let queue: CampaignQueue;

beforeAll(async () => {
  postgres = await startPostgres();
  // Two processes starting at once: the schema is made once, under the advisory lock.
  const [a, b] = await Promise.all([openCampaignQueue({ url: postgres.url }), openCampaignQueue({ url: postgres.url })]);
  await b.close();
  queue = a;
}, 120_000);
afterAll(async () => {
  await queue?.close();
  await postgres?.stop();
});

const rows = (count: number, prefix: string): CampaignRow[] =>
  Array.from({ length: count }, (_, i) => ({ line: i + 2, address: `${prefix}${i}@example.com`, message: new TextEncoder().encode(`message ${i}`) }));

async function fetchAll(campaign: string, count: number): Promise<CampaignJob[]> {
  const jobs = await queue.fetch(campaign, count);
  return jobs.sort((x, y) => x.line - y.line);
}

describe('the campaign queue', () => {
  it('names the database without its password, and refuses what is not a postgres:// URL', async () => {
    expect(redactUrl('postgres://u:s3cret@db:5432/x?password=s3cret')).toBe('postgres://u:***@db:5432/x');
    const wrong = postgres.url.replace(postgres.password, 'wrong-password');
    const error = await openCampaignQueue({ url: wrong }).catch((e: unknown) => e);
    expect(isQueueError(error, 'ERR_QUEUE_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('the server refused the login');
    expect((error as Error).message).not.toContain('wrong-password');
    await expect(openCampaignQueue({ url: 'redis://localhost' })).rejects.toMatchObject({ code: 'ERR_QUEUE_URL' });
  });

  it('derives the same job id from the same row, another for another round', () => {
    expect(jobId('c', 2, 'a@example.com', 0)).toBe(jobId('c', 2, 'a@example.com', 0));
    expect(jobId('c', 2, 'a@example.com', 0)).not.toBe(jobId('c', 2, 'a@example.com', 1));
    expect(jobId('c', 2, 'a@example.com', 0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('enqueues each row once; --retry-failed queues again only what was not delivered', async () => {
    const { id } = await queue.createCampaign({ id: 'once' });
    expect(await queue.enqueue(id, rows(5, 'once'))).toMatchObject({ added: 5, requeued: 0, already: 0, total: 5 });
    expect(await queue.enqueue(id, rows(5, 'once'))).toMatchObject({ added: 0, requeued: 0, already: 5, total: 5 });
    // Another list under the same id (line 3 now someone else) is refused, and adds nothing.
    const edited = rows(6, 'once').map((r) => (r.line === 3 ? { ...r, address: 'someone-else@example.com' } : r));
    await expect(queue.enqueue(id, edited)).rejects.toMatchObject({ code: 'ERR_CAMPAIGN_CONFLICT' });
    expect((await queue.status(id)).total).toBe(5);
    const jobs = await fetchAll(id, 10);
    expect(jobs.map((j) => j.line)).toEqual([2, 3, 4, 5, 6]);
    expect(new TextDecoder().decode(jobs[0]!.message)).toBe('message 0');
    const outcomes = ['accepted', 'rejected', 'failed', 'unknown', 'accepted'] as const;
    for (const [i, job] of jobs.entries()) {
      const claim = await queue.claim(job, 'test');
      if (claim.kind !== 'send') throw new Error('expected a send');
      await queue.record(job, claim, { status: outcomes[i]! }, 'test');
    }
    expect(await queue.enqueue(id, rows(5, 'once'), { retryFailed: true })).toMatchObject({ added: 0, requeued: 2, already: 3 });
    expect((await fetchAll(id, 10)).map((j) => j.line)).toEqual([3, 4]);
    expect((await queue.status(id)).counts).toMatchObject({ accepted: 2, unknown: 1, queued: 2, rejected: 0, failed: 0 });
  });

  it('claims: a final row is never sent again, a row left sending becomes unknown, and resendUnknown sends it', async () => {
    const { id } = await queue.createCampaign({ id: 'claims' });
    await queue.enqueue(id, rows(2, 'claims'));
    const [first, second] = await fetchAll(id, 2);
    const claim = await queue.claim(first!, 'test');
    expect(claim).toMatchObject({ kind: 'send', attempt: 1 });
    await queue.record(first!, claim as Extract<typeof claim, { kind: 'send' }>, { status: 'accepted', response: '250 ok' }, 'test');
    expect(await queue.claim(first!, 'test')).toEqual({ kind: 'skip', state: 'accepted' });
    // The message left the queue with its finished job; the row still waiting keeps its own.
    const db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    const { rows: held } = await db.query<{ id: string; has: boolean }>("SELECT id, data ? 'message' AS has FROM pgboss.job WHERE name = 'sealpost-campaign-claims'");
    await db.end();
    expect(Object.fromEntries(held.map((r) => [r.id, r.has]))).toEqual({ [first!.id]: false, [second!.id]: true });
    // The worker that claimed the second row dies after the claim: the next claim finds it sending.
    expect(await queue.claim(second!, 'test')).toMatchObject({ kind: 'send' });
    expect(await queue.claim(second!, 'test')).toEqual({ kind: 'skip', state: 'unknown' });
    expect(await queue.claim(second!, 'test')).toEqual({ kind: 'skip', state: 'unknown' });

    const { id: resend } = await queue.createCampaign({ id: 'claims-resend', resendUnknown: true });
    await queue.enqueue(resend, rows(1, 'resend'));
    const [job] = await fetchAll(resend, 1);
    expect(await queue.claim(job!, 'test')).toMatchObject({ kind: 'send', attempt: 1 });
    expect(await queue.claim(job!, 'test')).toMatchObject({ kind: 'send', attempt: 2 });
  });

  it('holds every claim on a rate-limited transport, and only that transport', async () => {
    const { id } = await queue.createCampaign({ id: 'limits' });
    await queue.enqueue(id, rows(2, 'limits'));
    const [first, second] = await fetchAll(id, 2);
    const claim = await queue.claim(first!, 'limited');
    await queue.record(first!, claim as Extract<typeof claim, { kind: 'send' }>, { status: 'deferred', holdTransportMs: 60_000, errorCode: 'ERR_TRANSPORT_RATE_LIMITED' }, 'limited');
    const held = await queue.claim(second!, 'limited');
    expect(held.kind).toBe('wait');
    expect((held as { ms: number }).ms).toBeGreaterThan(55_000);
    expect((await queue.claim(second!, 'other')).kind).toBe('send');
  });

  it('gives a worker only the campaigns enqueued for its transport', async () => {
    const { id } = await queue.createCampaign({ id: 'by-smtp', options: { via: 'smtp' } });
    expect(await queue.runningCampaigns({ via: 'smtp' })).toContain(id);
    expect(await queue.runningCampaigns({ via: 'sparkpost' })).not.toContain(id);
    expect(await queue.runningCampaigns()).toContain(id);
    await queue.cancel(id);
  });

  it('pause, resume and cancel', async () => {
    const { id } = await queue.createCampaign({ id: 'steer' });
    await queue.enqueue(id, rows(3, 'steer'));
    expect((await queue.pause(id)).state).toBe('paused');
    expect(await queue.runningCampaigns()).not.toContain(id);
    expect((await queue.resume(id)).state).toBe('running');
    const cancelled = await queue.cancel(id);
    expect(cancelled).toMatchObject({ state: 'cancelled', progress: 1, counts: { cancelled: 3, queued: 0 } });
    expect(await queue.fetch(id, 10)).toEqual([]);
    await expect(queue.resume(id)).rejects.toMatchObject({ code: 'ERR_CAMPAIGN_STATE' });
    await expect(queue.createCampaign({ id })).rejects.toMatchObject({ code: 'ERR_CAMPAIGN_STATE' });
    await expect(queue.status('no-such-campaign')).rejects.toMatchObject({ code: 'ERR_CAMPAIGN_NOT_FOUND' });
    await expect(queue.createCampaign({ id: 'not valid!' })).rejects.toMatchObject({ code: 'ERR_CAMPAIGN_ID' });
  });

  it('deletes a done or cancelled campaign with its rows and jobs; not one running, paused or with a copy being sent', async () => {
    const { id } = await queue.createCampaign({ id: 'removable' });
    await queue.enqueue(id, rows(3, 'removable'));
    await expect(queue.remove(id)).rejects.toMatchObject({ code: 'ERR_CAMPAIGN_STATE', message: expect.stringContaining('is running') });
    await queue.pause(id);
    await expect(queue.remove(id)).rejects.toMatchObject({ code: 'ERR_CAMPAIGN_STATE' });
    await queue.resume(id);
    const [job] = await fetchAll(id, 1);
    expect(await queue.claim(job!, 'test')).toMatchObject({ kind: 'send' });
    await queue.cancel(id);
    await expect(queue.remove(id)).rejects.toMatchObject({ code: 'ERR_CAMPAIGN_STATE', message: expect.stringContaining('1 copy being sent') });
    const claim = await queue.claim(job!, 'test');
    expect(claim).toEqual({ kind: 'skip', state: 'unknown' });
    expect(await queue.remove(id)).toEqual({ id, deliveries: 3 });
    await expect(queue.status(id)).rejects.toMatchObject({ code: 'ERR_CAMPAIGN_NOT_FOUND' });
    await expect(queue.remove(id)).rejects.toMatchObject({ code: 'ERR_CAMPAIGN_NOT_FOUND' });
    expect((await queue.list()).map((c) => c.id)).not.toContain(id);
    const db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    const { rows: jobs } = await db.query<{ n: string }>("SELECT count(*) AS n FROM pgboss.job WHERE name = 'sealpost-campaign-removable'");
    const { rows: deliveries } = await db.query<{ n: string }>("SELECT count(*) AS n FROM sealpost.deliveries WHERE campaign = 'removable'");
    await db.end();
    expect([jobs[0]!.n, deliveries[0]!.n]).toEqual(['0', '0']);
    // The id is free again: a new campaign may take it.
    expect((await queue.createCampaign({ id })).created).toBe(true);
    await queue.cancel(id);
  });

  it('keeps an outcome known in memory while the database is away, and writes it once it is back', async () => {
    const { id } = await queue.createCampaign({ id: 'outage' });
    await queue.enqueue(id, rows(1, 'outage'));
    const [job] = await fetchAll(id, 1);
    const claim = await queue.claim(job!, 'test');
    await postgres.takeDown();
    let written = false;
    const recording = queue.record(job!, claim as Extract<typeof claim, { kind: 'send' }>, { status: 'accepted' }, 'test').then(() => (written = true));
    await new Promise((r) => setTimeout(r, 1500));
    expect(written).toBe(false);
    await postgres.bringBack();
    await recording;
    expect((await queue.status(id)).counts).toMatchObject({ accepted: 1, sending: 0 });
    expect(await queue.finishIfDone(id)).toBe(true);
  }, 60_000);
});
