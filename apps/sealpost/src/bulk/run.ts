import { type CryptoBackend, type Identity, type KeyStore, type SendOptions, type SendRequest, type Transport, createSealpost } from '@sealpost/core';
import type { RecipientOutcome } from '../send/send-report.js';
import type { Journal } from './journal.js';
import type { MessageTemplate } from './message-template.js';
import type { Decision } from './plan.js';
import type { Progress } from './progress.js';
import type { BulkRecipient } from './recipients.js';

export interface BulkRunOptions {
  readonly decisions: readonly Decision[];
  readonly template: MessageTemplate;
  readonly journal: Journal;
  readonly concurrency: number;
  readonly backend: CryptoBackend;
  readonly transport: Transport;
  readonly keystore: KeyStore | undefined;
  readonly identity: Identity | undefined;
  /** The certificate the sender's own copies are encrypted to, when it is not the identity's (--self-cert). */
  readonly selfCertificate?: Uint8Array | undefined;
  readonly sendOptions: SendOptions;
  readonly progress: Progress;
  /** Once aborted, no further recipient is started; those already started finish. */
  readonly stop: AbortSignal;
  /**
   * Where each rendered message is sealed and sent (the worker threads of send-pool.ts); by default
   * here, with the fields above. Either way the journal's "sending" record is on disk before the
   * transport has the message.
   */
  readonly sendRow?: RowSend;
}

/** Seals and sends one rendered message to its row's recipient; never throws. */
export type RowSend = (recipient: BulkRecipient, message: Uint8Array) => Promise<RowOutcome>;

export type RowOutcome = RecipientOutcome & { readonly line: number };

/** A bulk report line: the outcome, whether an earlier run produced it, or `pending` if nobody tried yet. */
export type BulkLine = (RecipientOutcome & { readonly line: number; readonly earlier?: true }) | { readonly line: number; readonly address: string; readonly status: 'pending' };

/**
 * Seals and sends one message per recipient, `concurrency` at a time. For each one the journal gets
 * "sending" (on disk) just before the transport is handed the message, and the outcome right after.
 * Returns one line per recipient, in the order of the list.
 */
export async function runBulk(options: BulkRunOptions): Promise<BulkLine[]> {
  const lines: BulkLine[] = options.decisions.map((d) =>
    d.kind === 'keep' ? { ...d.outcome, line: d.recipient.line, earlier: true as const } : { line: d.recipient.line, address: d.recipient.address, status: 'pending' as const },
  );
  const queue = options.decisions.flatMap((d, index) => (d.kind === 'send' ? [{ index, recipient: d.recipient }] : []));
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && !options.stop.aborted && next < queue.length) {
      const item = queue[next++]!;
      try {
        const outcome = await sendOne(item.recipient, options);
        await options.journal.done(outcome);
        lines[item.index] = outcome;
        options.progress.tick(outcome.status === 'accepted');
      } catch (error) {
        // An outcome the journal could not keep: start nothing more, but let the sends in flight end
        // before the caller closes the journal and the transport under them.
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, queue.length) }, worker));
  if (failure !== undefined) throw failure.error;
  return lines;
}

async function sendOne(recipient: BulkRecipient, options: BulkRunOptions): Promise<RowOutcome> {
  let message: Uint8Array;
  try {
    message = options.template.render(recipient);
  } catch (error) {
    return { address: recipient.address, line: recipient.line, status: 'failed', signed: false, encrypted: false, error: errorOf(error) };
  }
  return options.sendRow === undefined ? sendRow(recipient, message, options) : options.sendRow(recipient, message);
}

export interface RowContext {
  readonly journal: Pick<Journal, 'sending'>;
  readonly backend: CryptoBackend;
  readonly transport: Transport;
  readonly keystore: KeyStore | undefined;
  readonly identity: Identity | undefined;
  readonly selfCertificate?: Uint8Array | undefined;
  readonly sendOptions: SendOptions;
}

/** send() of one row's message, the journal's "sending" record written just before the transport has it. */
export async function sendRow(recipient: BulkRecipient, message: Uint8Array, options: RowContext): Promise<RowOutcome> {
  const base = { address: recipient.address, line: recipient.line };
  const sealpost = createSealpost({
    backend: options.backend,
    transport: journaled(options.transport, options.journal, recipient),
    ...(options.keystore === undefined ? {} : { keystore: options.keystore }),
    ...(options.identity === undefined ? {} : { identity: options.identity }),
    ...(options.selfCertificate === undefined ? {} : { selfCertificate: options.selfCertificate }),
  });
  try {
    const report = await sealpost.send(message, options.sendOptions);
    const mine = report.recipients.find((r) => r.address === recipient.address) ?? report.recipients[0];
    if (mine === undefined) return { ...base, status: 'failed', signed: false, encrypted: false, error: { code: 'ERR_NO_RECIPIENTS', message: 'the message went to nobody' } };
    return { ...mine, ...base };
  } catch (error) {
    return { ...base, status: 'failed', signed: false, encrypted: false, error: errorOf(error) };
  }
}

/** The transport, with the journal's "sending" record written (and flushed) before each hand-over. */
function journaled(transport: Transport, journal: Pick<Journal, 'sending'>, recipient: BulkRecipient): Transport {
  return {
    name: transport.name,
    async send(request: SendRequest) {
      await journal.sending(recipient.address, recipient.line);
      return transport.send(request);
    },
  };
}

export function errorOf(error: unknown): { code: string; message: string } {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (error instanceof Error && typeof e?.code === 'string' && /^ERR_[A-Z_]+$/.test(e.code)) return { code: e.code, message: error.message };
  return { code: 'ERR_INTERNAL', message: 'internal error' };
}
