import { createHash } from 'node:crypto';

/**
 * The id of the job that sends one row of a campaign: a UUID made from SHA-256 over the campaign, the
 * line, the address and the round (0 for the first enqueue, higher when a later enqueue with
 * --retry-failed or --resend-unknown queues the row again). Enqueuing the same list twice makes the
 * same ids, so nothing is added twice.
 */
export function jobId(campaign: string, line: number, address: string, round: number): string {
  const hash = createHash('sha256');
  for (const part of [campaign, String(line), address, String(round)]) {
    hash.update(`${Buffer.byteLength(part)}:`);
    hash.update(part);
  }
  const bytes = hash.digest().subarray(0, 16);
  // Shaped as an RFC 9562 version 8 (custom) UUID, which PostgreSQL's uuid type takes.
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The pg-boss queue of a campaign: one per campaign, so pausing one is not fetching from its queue. */
export function queueName(campaign: string): string {
  return `sealpost-campaign-${campaign}`;
}

const CAMPAIGN_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isCampaignId(value: string): boolean {
  return CAMPAIGN_ID.test(value);
}
