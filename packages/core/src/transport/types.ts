import type { AbortSignalLike } from '../runtime-types.js';

/** SMTP-style envelope: who the bytes are from and every address they go to (Bcc included). */
export interface Envelope {
  readonly from: string;
  readonly to: readonly string[];
}

export interface SendRequest {
  /** The exact message bytes (RFC 5322, CRLF). Transports must not rewrite them. */
  readonly message: Uint8Array;
  readonly envelope: Envelope;
  /** The message is signed and/or encrypted: transports must not rewrite it (tracking, re-encoding). */
  readonly sealed?: boolean;
  readonly signal?: AbortSignalLike;
}

export type RecipientStatus = 'accepted' | 'rejected' | 'deferred';

export interface RecipientResult {
  readonly address: string;
  readonly status: RecipientStatus;
  /** Server reply or provider reason, when there is one. */
  readonly response?: string;
  readonly code?: number;
}

export interface SendResult {
  readonly transport: string;
  /** Provider or server message id, when given. */
  readonly id?: string;
  readonly recipients: readonly RecipientResult[];
}

/** Hands sealed bytes to a mail system. A message is reported sent only once the system accepted it. */
export interface Transport {
  readonly name: string;
  send(request: SendRequest): Promise<SendResult>;
  close?(): Promise<void>;
}
