export type CampaignState = 'running' | 'paused' | 'cancelled' | 'done';

/**
 * queued: waiting for a worker; sending: claimed, the transport may have it (durable before the hand-over);
 * accepted/rejected/deferred/failed/unknown: the send report's status; cancelled: the campaign was
 * cancelled before this copy was sent.
 */
export type DeliveryState = 'queued' | 'sending' | 'accepted' | 'rejected' | 'deferred' | 'failed' | 'unknown' | 'cancelled';

export const DELIVERY_STATES: readonly DeliveryState[] = ['queued', 'sending', 'accepted', 'rejected', 'deferred', 'failed', 'unknown', 'cancelled'];

/** One row of a campaign: its CSV line, address, and the composed (not yet sealed) message. */
export interface CampaignRow {
  readonly line: number;
  readonly address: string;
  readonly message: Uint8Array;
}

export interface CampaignRules {
  /** Queue again the rows an earlier attempt left `unknown` (they may have been delivered). */
  readonly resendUnknown?: boolean;
  /** Queue again the rows that ended rejected, deferred or failed. */
  readonly retryFailed?: boolean;
}

export interface CreateCampaignOptions extends CampaignRules {
  /** Letters, digits, '-' and '_', at most 64; a new random id when absent. */
  readonly id?: string;
  /** Recorded with the campaign for `status` (how it was composed; never a secret). */
  readonly options?: Readonly<Record<string, unknown>>;
  /**
   * Seconds a worker may hold a row before the queue gives it to another worker (which then finds it
   * `sending` and records it `unknown`): longer than the slowest seal and send. Default 300.
   */
  readonly jobTimeoutSeconds?: number;
}

export interface EnqueueResult {
  readonly campaign: string;
  /** Rows added by this call. */
  readonly added: number;
  /** Rows already in the campaign that this call queued again (--retry-failed, --resend-unknown). */
  readonly requeued: number;
  /** Rows already in the campaign and left as they were. */
  readonly already: number;
  readonly total: number;
}

/** A row fetched for sending. */
export interface CampaignJob {
  readonly id: string;
  readonly campaign: string;
  readonly line: number;
  readonly address: string;
  readonly message: Uint8Array;
}

/**
 * What a claim decided. `send`: the row is `sending` (committed) and may go to the transport now.
 * `skip`: it must not be sent (already final, unknown, or its campaign cancelled); its job is done.
 * `wait`: a fleet-wide rate limit on the transport holds every send for `ms` more.
 */
export type Claim =
  { readonly kind: 'send'; readonly token: string; readonly attempt: number } | { readonly kind: 'skip'; readonly state: DeliveryState } | { readonly kind: 'wait'; readonly ms: number };

/** The outcome of one send, from core's send report. */
export interface DeliveryOutcome {
  readonly status: 'accepted' | 'rejected' | 'deferred' | 'failed' | 'unknown';
  readonly response?: string;
  readonly errorCode?: string;
  /**
   * The transport asked everyone to slow down (SparkPost 429, SMTP 421/451): every worker holds its
   * sends on this transport for this long.
   */
  readonly holdTransportMs?: number;
}

export interface CampaignStatus {
  readonly id: string;
  readonly state: CampaignState;
  readonly total: number;
  readonly counts: Readonly<Record<DeliveryState, number>>;
  /** Rows with a final outcome (accepted, rejected, failed, unknown, cancelled), of total, 0 to 1. */
  readonly progress: number;
  /** Outcomes recorded in the last minute. */
  readonly perMinute: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly resendUnknown: boolean;
  readonly retryFailed: boolean;
  readonly options: Readonly<Record<string, unknown>>;
}
