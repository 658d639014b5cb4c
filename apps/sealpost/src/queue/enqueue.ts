import { basename } from 'node:path';
import type { CampaignRow } from '@sealpost/queue';
import { EXIT, usageError } from '../errors.js';
import { readFileArg, writeStream } from '../io.js';
import { templateOf } from '../bulk/bulk-send.js';
import { readBulkList } from '../bulk/recipients.js';
import { errorOf } from '../bulk/run.js';
import type { SendFlags } from '../send/sender.js';
import { openQueue } from './open-queue.js';

/** Flags that decide how a copy is sealed or sent: they belong to `sealpost worker`, not to the enqueue. */
const WORKER_FLAGS = ['concurrency', 'workers', 'report', 'journal', 'keystore', 'cipher', 'cipherUnknown', 'oaep', 'digest', 'chain', 'dkimKey', 'smtpUrl', 'sparkpostBaseUrl'] as const;

/**
 * `sealpost send --bulk FILE.csv --queue URL [--campaign ID]`: composes each row exactly as a
 * journaled bulk send does (the same template code) and enqueues the unsealed messages in the
 * campaign; nothing is sent. Enqueuing the same list again adds nothing (with --retry-failed or
 * --resend-unknown it queues those rows again). Workers (`sealpost worker`) seal and send.
 */
export async function runBulkEnqueue(flags: SendFlags): Promise<number> {
  for (const name of ['in', 'to', 'cc', 'bcc'] as const) if (flags[name] !== undefined) throw usageError(`--${name} does not go with --bulk: every row of the CSV gets its own message`);
  for (const name of WORKER_FLAGS) if (flags[name] !== undefined) throw usageError(`--${kebab(name)} goes to sealpost worker: with --queue this command only composes and enqueues`);
  const jobTimeout = jobTimeoutOf(flags.jobTimeout);
  const list = readBulkList(new TextDecoder('utf-8', { fatal: false }).decode(await readFileArg(flags.bulk!, 'recipient list')));
  const template = await templateOf(flags, list);
  const rows: CampaignRow[] = [];
  const refused: string[] = [];
  for (const recipient of list.recipients) {
    try {
      rows.push({ line: recipient.line, address: recipient.address, message: template.render(recipient) });
    } catch (error) {
      const e = errorOf(error);
      refused.push(`line ${recipient.line} (${recipient.address}): ${e.message} [${e.code}]`);
    }
  }
  const queue = await openQueue(flags.queue);
  try {
    const rules = { resendUnknown: flags.resendUnknown === true, retryFailed: flags.retryFailed === true };
    const campaign = await queue.createCampaign({
      ...(flags.campaign === undefined ? {} : { id: flags.campaign }),
      ...rules,
      ...(jobTimeout === undefined ? {} : { jobTimeoutSeconds: jobTimeout }),
      options: { list: basename(flags.bulk!), via: flags.via, sign: flags.sign, encrypt: flags.encrypt },
    });
    const result = await queue.enqueue(campaign.id, rows, rules);
    const summary = {
      campaign: campaign.id,
      queue: queue.target,
      enqueued: result.added,
      requeued: result.requeued,
      already: result.already,
      total: result.total,
      refused,
    };
    const text = [
      `campaign ${campaign.id}: ${result.added} message(s) enqueued${result.requeued > 0 ? `, ${result.requeued} queued again` : ''}${result.already > 0 ? `, ${result.already} already in the campaign` : ''} (${result.total} in all) in ${queue.target}`,
      ...refused.map((r) => `not enqueued: ${r}`),
      `nothing is sent until a worker runs: sealpost worker --queue URL --via ${flags.via} ...; then sealpost campaign status ${campaign.id} --queue URL`,
    ];
    await writeStream(process.stdout, flags.json === true ? `${JSON.stringify(summary, null, 2)}\n` : `${text.join('\n')}\n`);
    return refused.length === 0 ? EXIT.ok : EXIT.negative;
  } finally {
    await queue.close();
  }
}

function jobTimeoutOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 86_400) throw usageError(`--job-timeout takes seconds from 1 to 86400, not "${value}"`);
  return Number(value);
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
