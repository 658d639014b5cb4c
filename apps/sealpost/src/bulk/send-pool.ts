import { Worker } from 'node:worker_threads';
import type { Identity } from '@sealpost/core';
import { CliError } from '../errors.js';
import type { SendFlags } from '../send/sender.js';
import type { Journal } from './journal.js';
import type { BulkRecipient } from './recipients.js';
import type { RowOutcome, RowSend } from './run.js';
import { type FromWorker, type SendWorkerData, type ToWorker, errorFrom, workerError } from './send-protocol.js';
import { createSignatureMemo } from './signing-once.js';

/**
 * `--workers N` (N > 1): N threads (send-worker.ts) that each seal and send the rows handed to them,
 * so that signing, encryption, the key store look-ups and the transport's work run on every core. This
 * thread renders the rows, keeps the journal (each "sending" record is on disk before the thread's
 * transport has the message, as without workers), the signature memo, progress and the report.
 */
export interface SendPool {
  readonly sendRow: RowSend;
  /** Closes each thread's transport and key store, once nothing is in flight. */
  close(): Promise<void>;
}

export interface SendPoolOptions {
  readonly workers: number;
  /** Messages in flight at once in the whole run. */
  readonly concurrency: number;
  readonly flags: SendFlags;
  readonly identity: Identity | undefined;
  readonly journal: Pick<Journal, 'sending'>;
}

interface InFlight {
  readonly recipient: BulkRecipient;
  readonly resolve: (outcome: RowOutcome) => void;
  /** The journal has the "sending" record: the transport may have the message. */
  sending: boolean;
}

interface Slot {
  readonly worker: Worker;
  readonly rows: Map<number, InFlight>;
  alive: boolean;
}

const NOT_KNOWN = 'the thread sending this message stopped after handing it to the transport, so it may have been delivered';
const NOT_SENT = 'the thread sealing this message stopped before handing it to the transport';

export async function openSendPool(options: SendPoolOptions): Promise<SendPool> {
  const perWorker = Math.ceil(options.concurrency / options.workers);
  const data: SendWorkerData = { flags: options.flags, identity: options.identity, concurrency: perWorker };
  const memo = createSignatureMemo();
  /** Signatures a thread is making for the memo, by key. */
  const signing = new Map<string, { readonly slot: Slot; readonly resolve: (cms: Uint8Array) => void; readonly reject: (error: unknown) => void }>();
  const slots: Slot[] = [];
  let nextId = 0;
  let closing = false;

  const post = (slot: Slot, message: ToWorker): void => {
    if (slot.alive) slot.worker.postMessage(message);
  };

  const onSignatureAsked = (slot: Slot, ask: number, key: string): void => {
    let theirs = false;
    const made = memo.get(key, () => {
      theirs = true;
      return new Promise<Uint8Array>((resolve, reject) => signing.set(key, { slot, resolve, reject }));
    });
    if (theirs) return post(slot, { kind: 'sign-it', ask });
    made.then(
      (cms) => post(slot, { kind: 'signature', ask, cms }),
      () => post(slot, { kind: 'sign-it', ask }),
    );
  };

  const onMessage = (slot: Slot, message: FromWorker): void => {
    switch (message.kind) {
      case 'sending': {
        const row = slot.rows.get(message.id);
        if (row === undefined) return;
        options.journal.sending(row.recipient.address, row.recipient.line).then(
          () => {
            row.sending = true;
            post(slot, { kind: 'sending-ok', id: message.id });
          },
          (error: unknown) => post(slot, { kind: 'sending-failed', id: message.id, error: workerError(error) }),
        );
        return;
      }
      case 'signature?':
        return onSignatureAsked(slot, message.ask, message.key);
      case 'signed':
        signing.get(message.key)?.resolve(message.cms);
        signing.delete(message.key);
        return;
      case 'sign-failed':
        signing.get(message.key)?.reject(new CliError('ERR_INTERNAL', 'signing failed'));
        signing.delete(message.key);
        return;
      case 'row':
        slot.rows.get(message.id)?.resolve(message.outcome);
        slot.rows.delete(message.id);
        return;
      default:
        return;
    }
  };

  /** A thread that died: its rows end unknown (if the transport may have had them) or failed. */
  const onGone = (slot: Slot): void => {
    if (!slot.alive) return;
    slot.alive = false;
    for (const row of slot.rows.values()) {
      const base = { address: row.recipient.address, line: row.recipient.line, signed: false, encrypted: false };
      row.resolve(
        row.sending
          ? { ...base, status: 'unknown', error: { code: 'ERR_TRANSPORT_OUTCOME_UNKNOWN', message: NOT_KNOWN } }
          : { ...base, status: 'failed', error: { code: 'ERR_INTERNAL', message: NOT_SENT } },
      );
    }
    slot.rows.clear();
    for (const [key, pending] of signing) {
      if (pending.slot !== slot) continue;
      pending.reject(new CliError('ERR_INTERNAL', 'a sending thread stopped'));
      signing.delete(key);
    }
  };

  const started = Array.from({ length: options.workers }, () => {
    const worker = new Worker(new URL('./send-worker.js', import.meta.url), { workerData: data });
    const slot: Slot = { worker, rows: new Map(), alive: true };
    slots.push(slot);
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        if (message.kind === 'ready') resolve();
        else if (message.kind === 'failed') reject(errorFrom(message.error));
        else onMessage(slot, message);
      });
      worker.on('error', () => {
        onGone(slot);
        reject(new CliError('ERR_INTERNAL', 'a sending thread failed to start'));
      });
      worker.on('exit', () => {
        if (!closing) onGone(slot);
        reject(new CliError('ERR_INTERNAL', 'a sending thread stopped before it was ready'));
      });
    });
  });
  try {
    await Promise.all(started);
  } catch (error) {
    closing = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
    throw error;
  }

  return {
    sendRow(recipient, message) {
      const live = slots.filter((s) => s.alive);
      if (live.length === 0) {
        return Promise.resolve({
          address: recipient.address,
          line: recipient.line,
          status: 'failed',
          signed: false,
          encrypted: false,
          error: { code: 'ERR_INTERNAL', message: 'no sending thread is left' },
        });
      }
      // The least busy thread: with `concurrency` in flight in all, none has more than its share.
      const slot = live.reduce((a, b) => (b.rows.size < a.rows.size ? b : a));
      const id = nextId++;
      return new Promise<RowOutcome>((resolve) => {
        slot.rows.set(id, { recipient, resolve, sending: false });
        post(slot, { kind: 'row', id, recipient, message });
      });
    },
    async close() {
      closing = true;
      await Promise.all(slots.map((slot) => closeSlot(slot)));
    },
  };
}

/** Asks the thread to close its transport and key store, then waits for it to end (or ends it). */
async function closeSlot(slot: Slot): Promise<void> {
  if (!slot.alive) return;
  const ended = new Promise<void>((resolve) => slot.worker.once('exit', () => resolve()));
  slot.worker.postMessage({ kind: 'close' } satisfies ToWorker);
  const timer = setTimeout(() => void slot.worker.terminate(), 10_000);
  await ended;
  clearTimeout(timer);
  slot.alive = false;
}
