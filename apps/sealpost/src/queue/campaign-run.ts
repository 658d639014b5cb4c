import type { CampaignStatus } from '@sealpost/queue';
import { EXIT } from '../errors.js';
import { writeStream } from '../io.js';
import { formatTable } from '../text-table.js';
import { withQueue } from './open-queue.js';

interface CampaignFlags {
  readonly queue: string | boolean;
  readonly json?: boolean;
}

/** `sealpost campaign status|pause|resume|cancel ID`: does it, then prints the campaign's status. */
export async function runCampaign(what: 'status' | 'pause' | 'resume' | 'cancel', id: string, flags: CampaignFlags): Promise<number> {
  const status = await withQueue(flags.queue, (queue) => (what === 'status' ? queue.status(id) : queue[what](id)));
  await writeStream(process.stdout, flags.json === true ? `${JSON.stringify(status, null, 2)}\n` : renderStatus(status));
  return EXIT.ok;
}

/** `sealpost campaign delete ID`: a done or cancelled campaign's rows and jobs go; what went is printed. */
export async function runCampaignDelete(id: string, flags: CampaignFlags): Promise<number> {
  const removed = await withQueue(flags.queue, (queue) => queue.remove(id));
  const text = `campaign ${removed.id} deleted: ${removed.deliveries} row(s) of its ledger and its jobs\n`;
  await writeStream(process.stdout, flags.json === true ? `${JSON.stringify({ ...removed, deleted: true }, null, 2)}\n` : text);
  return EXIT.ok;
}

export async function runCampaignList(flags: CampaignFlags): Promise<number> {
  const all = await withQueue(flags.queue, (queue) => queue.list());
  if (flags.json === true) {
    await writeStream(process.stdout, `${JSON.stringify(all, null, 2)}\n`);
    return EXIT.ok;
  }
  const rows = all.map((c) => [c.id, c.state, String(c.total), String(c.counts.accepted), String(c.total - finished(c)), percent(c.progress), c.createdAt]);
  await writeStream(process.stdout, all.length === 0 ? 'no campaigns\n' : formatTable(['campaign', 'state', 'total', 'accepted', 'open', 'progress', 'created'], rows));
  return EXIT.ok;
}

function finished(c: CampaignStatus): number {
  return c.counts.accepted + c.counts.rejected + c.counts.failed + c.counts.unknown + c.counts.cancelled;
}

function percent(progress: number): string {
  return `${Math.floor(progress * 1000) / 10}%`;
}

function renderStatus(c: CampaignStatus): string {
  const lines = [
    `campaign ${c.id}: ${c.state}, ${finished(c)} of ${c.total} finished (${percent(c.progress)}), ${c.perMinute} in the last minute`,
    ...Object.entries(c.counts)
      .filter(([, n]) => n > 0)
      .map(([state, n]) => `  ${state.padEnd(10)} ${n}`),
    `created ${c.createdAt}, last change ${c.updatedAt}${c.resendUnknown ? ', resends unknown' : ''}${c.retryFailed ? ', retries failed' : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}
