import { isSealpostError } from '@sealpost/core';
import type { FetchRequest, FetchResponse, KeyStore, Sealpost } from '@sealpost/core';
import { readCapped } from '../read-capped.js';
import { type RelayMessage, parseRelayBatch } from '../relay/parse.js';
import { collectMessage } from './collect-message.js';
import type { CollectorEvent, RequestRejection } from './events.js';
import { WEBHOOK_TOKEN_HEADER, tokenChecker } from './token.js';

export interface RelayCollectorOptions {
  /** From createSealpost: verifies each relayed message with core's verdict rules. */
  readonly sealpost: Sealpost;
  readonly keystore: KeyStore;
  /** Certificates (DER) a signer's chain must reach for its certificate to be stored. */
  readonly trustAnchors: readonly Uint8Array[];
  /** The relay webhook's auth_token, which SparkPost sends as X-MessageSystems-Webhook-Token. */
  readonly token: string;
  /** Largest request body read. Default 25 MiB. */
  readonly maxBodyBytes?: number;
  /** One structured event per message and per refused request; never content or keys. */
  readonly log?: (event: CollectorEvent) => void;
  /** Validation time and seenAt. Default: the clock. */
  readonly now?: () => Date;
  /** `source` of stored certificates. Default "relay-webhook". */
  readonly source?: string;
}

export interface RelayCollector {
  /** Answers one HTTP request (fetch API Request/Response: workers, Deno, Bun, or Node through an adapter). */
  handle(request: FetchRequest): Promise<FetchResponse>;
}

export const DEFAULT_MAX_BODY_BYTES = 25 * 1024 * 1024;

function assertOptions(options: RelayCollectorOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('createRelayCollector: options are required');
  if (typeof options.sealpost?.verify !== 'function') throw new TypeError('createRelayCollector: sealpost must come from createSealpost');
  if (typeof options.keystore?.put !== 'function') throw new TypeError('createRelayCollector: keystore must be a KeyStore');
  if (!Array.isArray(options.trustAnchors) || options.trustAnchors.length === 0 || !options.trustAnchors.every((a) => a instanceof Uint8Array))
    throw new TypeError('createRelayCollector: trustAnchors must list at least one DER certificate');
  if (typeof options.token !== 'string' || options.token.length === 0) throw new TypeError('createRelayCollector: token must be a non-empty string');
  const max = options.maxBodyBytes;
  if (max !== undefined && (!Number.isSafeInteger(max) || max < 1)) throw new RangeError('createRelayCollector: maxBodyBytes must be a positive integer');
}

// Bodies say nothing about what was found or stored: SparkPost only needs the status.
function answer(status: number, headers?: Record<string, string>): Response {
  return new Response(status === 200 ? 'ok\n' : `${status}\n`, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers } });
}

function declaredLength(request: Request): number | null {
  const value = request.headers.get('content-length');
  return value !== null && /^\d+$/.test(value) ? Number(value) : null;
}

/**
 * The receiving end of a SparkPost relay webhook that collects certificates: each relayed message is
 * verified, and the signer's certificate, chain and SMIMECapabilities are stored only when core's
 * verdict is `valid`. SparkPost redelivers batches, and the key store's `put` makes that harmless.
 *
 * Answers: 401 for a wrong or missing token (nothing read), 405 for anything but POST, 413 for an
 * oversized body, 400 for a body that is not a relay batch, 500 when the key store failed in a way that
 * may pass (so that SparkPost delivers the batch again), and otherwise 200 whatever the messages held.
 * A store refusal that would fail the same way on every redelivery (an address the store cannot keep)
 * is reported as `not-storable` in that message's event and does not hold back the batch.
 */
export function createRelayCollector(options: RelayCollectorOptions): RelayCollector {
  assertOptions(options);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const tokenMatches = tokenChecker(options.token, options.sealpost.backend);
  const ctx = {
    sealpost: options.sealpost,
    keystore: options.keystore,
    trustAnchors: [...options.trustAnchors],
    now: options.now ?? (() => new Date()),
    source: options.source ?? 'relay-webhook',
  };
  const emit = (event: CollectorEvent): void => {
    try {
      options.log?.(event);
    } catch {
      // A failing logger must not change what is stored or answered.
    }
  };
  const refuse = (status: number, reason: RequestRejection, headers?: Record<string, string>): Response => {
    emit({ type: 'request', status, reason });
    return answer(status, headers);
  };

  async function readBatch(request: Request): Promise<RelayMessage[] | Response> {
    const declared = declaredLength(request);
    if (declared !== null && declared > maxBodyBytes) return refuse(413, 'too-large');
    let body: Uint8Array | null;
    try {
      body = await readCapped(request.body, maxBodyBytes);
    } catch {
      // The body stream failed: what arrived says nothing about the batch, and the sender may be gone.
      return refuse(400, 'incomplete');
    }
    if (body === null) return refuse(413, 'too-large');
    try {
      return parseRelayBatch(body);
    } catch (error) {
      if (isSealpostError(error)) return refuse(400, 'malformed');
      throw error;
    }
  }

  async function handleAuthorized(request: Request): Promise<Response> {
    const batch = await readBatch(request);
    if (batch instanceof Response) return batch;
    let storeFailed = false;
    for (const [index, relay] of batch.entries()) {
      const event = await collectMessage(ctx, relay, index);
      if (event.outcome === 'store-failed') storeFailed = true;
      emit(event);
    }
    const status = storeFailed ? 500 : 200;
    emit({ type: 'batch', status, messages: batch.length });
    return answer(status);
  }

  return {
    async handle(request: Request): Promise<Response> {
      try {
        if (request.method !== 'POST') return refuse(405, 'method', { Allow: 'POST' });
        if (!(await tokenMatches(request.headers.get(WEBHOOK_TOKEN_HEADER)))) return refuse(401, 'unauthorized');
        return await handleAuthorized(request);
      } catch {
        return refuse(500, 'internal');
      }
    },
  };
}
