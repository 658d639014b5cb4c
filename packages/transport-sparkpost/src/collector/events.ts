import type { PutOutcome, VerifyStatus } from '@sealpost/core';

/**
 * Why a whole request was answered without looking at its messages. `incomplete`: the body stopped
 * before its end (the client went away, or the server's request timeout closed the connection).
 */
export type RequestRejection = 'unauthorized' | 'method' | 'too-large' | 'incomplete' | 'malformed' | 'internal';

export interface RequestEvent {
  readonly type: 'request';
  readonly status: number;
  readonly reason: RequestRejection;
}

/** One relayed message: what it was and what the collector did with it. Never holds content or keys. */
export interface MessageEvent {
  readonly type: 'message';
  /** Position in its batch. */
  readonly index: number;
  /** SHA-256 of the message bytes, lower-case hex: the same message gives the same value on redelivery. */
  readonly sha256: string;
  /** The Message-ID header as relayed (shortened if long), or null. */
  readonly messageId: string | null;
  /** The From address core found, or null. Trust it only when the verdict is `valid`. */
  readonly from: string | null;
  readonly verdict: VerifyStatus | 'unreadable';
  /**
   * What the key store did; `not-stored` for every verdict but `valid`; `not-storable` when the store
   * refused the certificate for good (ERR_ADDRESS_MALFORMED: an address it cannot keep;
   * ERR_CERTIFICATE_MALFORMED), which still lets the batch be answered 200; `store-failed` when the
   * store failed in a way that may pass (ERR_KEYSTORE and anything else), which answers the batch 500.
   */
  readonly outcome: PutOutcome | 'not-stored' | 'not-storable' | 'store-failed';
  /** With `not-storable` and `store-failed`: the store error's code, or `unknown` when it had none. */
  readonly storeError?: string;
  /** SHA-256 fingerprint of the certificate put into the store. */
  readonly certificate?: string;
  /** Codes of the verification findings, e.g. ERR_CHAIN_UNTRUSTED. */
  readonly findings?: readonly string[];
}

export interface BatchEvent {
  readonly type: 'batch';
  readonly status: number;
  readonly messages: number;
}

export type CollectorEvent = RequestEvent | MessageEvent | BatchEvent;
