// The campaign row: a mailing through the PostgreSQL queue (@sealpost/queue) with 1, 2 and N `sealpost worker`
// processes, against the same loopback SMTP server as the bulk row (STARTTLS, verified). A real PostgreSQL
// runs on loopback (tooling/fixtures' startPostgres). Each measurement is a new campaign: enqueued by
// `sealpost send --bulk --queue` (not timed), then timed from the moment the workers are started until the
// ledger says every row has its outcome. The workers seal in their main thread (`--workers 1`), with four
// sends in flight each, and are not pinned: the point is how the fleet spreads over the machine's cores.
// In turn with each run, the raw primitives do the same cryptographic work in this process (bulk.mjs's
// per-row model: one SHA-256 and one signature, two RSA public operations, AES-256-GCM of the signed entity).
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { openCampaignQueue } from '../../../packages/queue/dist/index.js';
import { startPostgres } from '../../fixtures/dist/index.js';
import { CLI, prepareRawBulk, sealingArgs, signedEntityBytes, startSink, writeMailing } from './bulk.mjs';
import { plainEnv, runToEnd } from './child.mjs';
import { ms, rate, times } from './format.mjs';
import { ratesOf } from './measure.mjs';
import { table } from './tables.mjs';

/** What the product asks of the fleet: two worker processes at least 1.8x one, on two cores. */
export const CAMPAIGN_GOAL = { scaling: 1.8 };

export function campaignWorkerCounts() {
  const cores = availableParallelism();
  return [...new Set([1, 2, cores * 2])];
}

export async function measureCampaign({ pki, recipients, rows, runs, dir }) {
  const list = recipients.slice(0, rows);
  if (list.length < rows) throw new Error(`campaign: only ${list.length} recipients were made, ${rows} asked for`);
  const files = writeMailing(pki, list, dir);
  const counts = campaignWorkerCounts();
  const database = await startPostgres();
  const sink = await startSink(files.ca);
  const rawRows = prepareRawBulk(pki, list, await signedEntityBytes(pki));
  // The whole URL, password included, goes through the environment only, as the CLI asks.
  const env = plainEnv({ SEALPOST_QUEUE_URL: database.url });
  const ledger = await openCampaignQueue({ url: database.url });
  const samples = Object.fromEntries([...counts.map((k) => [`workers-${k}`, []]), ['raw-node', []]]);
  try {
    for (let run = 0; run < runs; run++) {
      for (const k of counts) {
        const campaign = `bench-${run + 1}-${k}`;
        const enqueued = await runToEnd(process.execPath, [CLI, 'send', '--via', 'smtp', '--bulk', files.csv, '--template', files.template, '--queue', '--campaign', campaign, '--json'], {
          env,
          timeoutMs: 600_000,
        });
        if (enqueued.code !== 0) throw new Error(`campaign: enqueue exit ${enqueued.code}: ${enqueued.stderr.trim()}`);
        samples[`workers-${k}`].push(await runFleet({ k, campaign, files, port: sink.port, env, ledger, expected: list.length }));
        const received = await sink.count();
        if (received !== list.length) throw new Error(`campaign ${campaign}: the SMTP server received ${received} of ${list.length}`);
      }
      const started = performance.now();
      rawRows();
      samples['raw-node'].push(performance.now() - started);
    }
  } finally {
    await ledger.close();
    await sink.close();
    await database.stop();
  }
  const results = ratesOf(samples, list.length);
  return { rows: list.length, runs, counts, cores: availableParallelism(), results };
}

/** Starts k workers, waits until the campaign has every outcome, stops them; the wall time in ms. */
async function runFleet({ k, campaign, files, port, env, ledger, expected }) {
  const args = [CLI, 'worker', '--queue', ...sealingArgs(files, port), '--workers', '1', '--concurrency', '4', '--poll', '50'];
  const started = performance.now();
  const workers = Array.from({ length: k }, () => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    return { child, exited, stderr: () => stderr };
  });
  try {
    for (;;) {
      const status = await ledger.status(campaign);
      if (status.counts.accepted === expected) return performance.now() - started;
      const bad = status.total - status.counts.accepted - status.counts.queued - status.counts.sending - status.counts.deferred;
      if (bad > 0) throw new Error(`campaign ${campaign}: ${JSON.stringify(status.counts)}`);
      const dead = await Promise.race([Promise.all(workers.map((w) => w.exited)).then(() => true), sleep(50).then(() => false)]);
      if (dead) throw new Error(`campaign ${campaign}: every worker exited: ${workers.map((w) => w.stderr().trim()).join(' | ')}`);
    }
  } finally {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
  }
}

export function campaignTable(campaign) {
  const raw = campaign.results.get('raw-node');
  const one = campaign.results.get('workers-1').perSecond;
  const rows = campaign.counts.map((k) => {
    const { stats, perSecond } = campaign.results.get(`workers-${k}`);
    const cores = Math.min(k, campaign.cores);
    return [
      `${k} worker process${k === 1 ? '' : 'es'}`,
      `${ms(stats.median / 1000)} s`,
      rate(perSecond, ' rcpt/s'),
      cores === 1 ? rate(raw.perSecond, ' rcpt/s') : `${rate(raw.perSecond * cores, ' rcpt/s')} (one core's × ${cores})`,
      `**${times(perSecond / (raw.perSecond * cores))}**`,
      k === 1 ? '1×' : times(perSecond / one),
    ];
  });
  return table(['sealpost worker fleet', `${campaign.rows} rows, median`, 'Sealpost', 'raw node:crypto', 'ratio', 'scaling (÷ 1 worker)'], rows, 2);
}

export function campaignSummary(campaign) {
  const raw = campaign.results.get('raw-node');
  const one = campaign.results.get('workers-1').perSecond;
  return campaign.counts.map((k) => {
    const { perSecond } = campaign.results.get(`workers-${k}`);
    const cores = Math.min(k, campaign.cores);
    const scaling = perSecond / one;
    return {
      row: `campaign through the queue, ${campaign.rows} rows over SMTP, ${k} worker process${k === 1 ? '' : 'es'}`,
      sealpost: rate(perSecond, ' rcpt/s'),
      raw: cores === 1 ? `${rate(raw.perSecond, ' rcpt/s')} (node:crypto)` : `${rate(raw.perSecond * cores, ' rcpt/s')} (node:crypto, one core's × ${cores})`,
      ratio: times(perSecond / (raw.perSecond * cores)),
      goal: k === 2 ? `scaling ≥ ${CAMPAIGN_GOAL.scaling}× one worker (${times(scaling)})` : k === 1 ? 'the base of the scaling' : `scaling ${times(scaling)} (no goal)`,
      met: k === 2 ? (scaling >= CAMPAIGN_GOAL.scaling ? 'yes' : 'no') : '—',
    };
  });
}
