import type { CampaignQueue, CampaignQueueOptions } from '@sealpost/queue';
import { CliError } from '../errors.js';
import { queueUrlOf } from './queue-url.js';

/** The campaign queue named by --queue (or SEALPOST_QUEUE_URL); @sealpost/queue (pg, pg-boss) loads only here. */
export async function openQueue(flag: string | boolean | undefined, options: Omit<CampaignQueueOptions, 'url'> = {}): Promise<CampaignQueue> {
  const url = queueUrlOf(flag);
  let module: typeof import('@sealpost/queue');
  try {
    module = await import('@sealpost/queue');
  } catch (error) {
    throw new CliError('ERR_QUEUE_UNAVAILABLE', 'the campaign queue cannot be loaded here (its dependencies pg and pg-boss are missing): npm install pg pg-boss beside sealpost', { cause: error });
  }
  return module.openCampaignQueue({ ...options, url });
}

/** Runs `work` with the queue open, and closes it afterwards. */
export async function withQueue<T>(flag: string | boolean | undefined, work: (queue: CampaignQueue) => Promise<T>): Promise<T> {
  const queue = await openQueue(flag);
  try {
    return await work(queue);
  } finally {
    await queue.close();
  }
}
