import { Readable } from 'node:stream';
import type { RecipientResult } from '@sealpost/core';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { SMTPConnectionEnvelope, SMTPConnectionSendInfo, SMTPEnvelope } from 'nodemailer/lib/smtp-connection';
import { queueIdOf } from './queue-id.js';
import { redactText } from './redact.js';
import { replyCodeOf, smtpFailureOf, type SmtpFailure } from './smtp-failure.js';
import { AbortedStep, runStep } from './step.js';

export interface TransactionRequest {
  readonly from: string;
  readonly to: readonly string[];
  readonly message: Uint8Array;
  readonly signal: AbortSignal | undefined;
  readonly secrets: readonly string[];
}

/** Every recipient of one MAIL FROM ... DATA transaction, decided by a server reply. */
export interface TransactionOutcome {
  readonly results: readonly RecipientResult[];
  readonly id: string | undefined;
  /** The transaction ended with the reply to the message: the connection can carry another. */
  readonly reusable: boolean;
}

/**
 * A transaction that ended without a reply deciding it (connection lost, timeout, abort). After
 * the server said 354 the message may have been accepted: `dataStarted` says which side of that
 * line the failure fell on.
 */
export class TransactionFailure extends Error {
  override readonly name = 'TransactionFailure';
  constructor(
    readonly failure: SmtpFailure | undefined,
    readonly dataStarted: boolean,
    readonly aborted: AbortedStep | undefined,
    /** Recipients the server already answered for at RCPT TO with a refusal. */
    readonly refusedAtRcpt: readonly RecipientResult[],
    /** Recipients whose fate the lost reply would have decided. */
    readonly undecided: readonly string[],
  ) {
    super(failure?.message ?? 'aborted');
  }
}

/** The server wants a login before MAIL FROM (530): a setting to fix, not a verdict on recipients. */
export class AuthenticationRequired extends Error {
  override readonly name = 'AuthenticationRequired';
}

/** A message bigger than the SIZE the server announced, refused before anything was sent. */
export class MessageTooLarge extends Error {
  override readonly name = 'MessageTooLarge';
}

// nodemailer records RCPT replies on the envelope object it is given, also when the transaction
// fails later; reading them back keeps each recipient's own reply.
type TrackedEnvelope = SMTPEnvelope & Partial<Pick<SMTPConnectionEnvelope, 'accepted' | 'rejectedErrors'>>;

export async function runTransaction(connection: SMTPConnection, request: TransactionRequest): Promise<TransactionOutcome> {
  const envelope: TrackedEnvelope = {
    from: request.from,
    to: [...request.to],
    size: request.message.byteLength,
    ...(hasEightBitBytes(request.message) ? { use8BitMime: true } : {}),
  };
  let dataStarted = false;
  const body = messageStream(request.message, () => {
    dataStarted = true;
  });
  try {
    const info = await runStep<SMTPConnectionSendInfo>(connection, request.signal, (done) => connection.send(envelope, body, done));
    return acceptedOutcome(request, info, envelope, dataStarted);
  } catch (error) {
    if (error instanceof TransactionFailure) throw error;
    const failure = error instanceof AbortedStep ? undefined : smtpFailureOf(error);
    if (failure?.replyCode !== undefined) return refusedOutcome(request, envelope, failure);
    if (failure?.code === 'EMESSAGE' && failure.command === 'MAIL FROM') throw new MessageTooLarge(failure.message);
    throw new TransactionFailure(failure, dataStarted, error instanceof AbortedStep ? error : undefined, rcptRefusals(request, envelope), undecidedRecipients(request, envelope));
  }
}

function acceptedOutcome(request: TransactionRequest, info: SMTPConnectionSendInfo, envelope: TrackedEnvelope, dataStarted: boolean): TransactionOutcome {
  const response = redactText(info.response, request.secrets);
  const code = replyCodeOf(info.response);
  const refusals = new Map((info.rejectedErrors ?? []).map(smtpFailureOf).map((f) => [f.recipient, f] as const));
  const accepted = new Set(info.accepted);
  const results = request.to.map((address): RecipientResult | undefined => {
    if (accepted.has(address)) return { address, status: 'accepted', response, ...(code === undefined ? {} : { code }) };
    const refusal = refusals.get(address);
    return refusal === undefined ? undefined : replyResult(address, refusal, request.secrets);
  });
  if (results.some((r) => r === undefined)) {
    // The server took the message but nodemailer reported no reply for someone: never guess.
    throw new TransactionFailure(
      undefined,
      dataStarted,
      undefined,
      rcptRefusals(request, envelope),
      request.to.filter((_, i) => results[i] === undefined),
    );
  }
  return { results: results as RecipientResult[], id: queueIdOf(info.response, info.serverMessageId), reusable: true };
}

// A reply refused the transaction (MAIL FROM, every RCPT TO, DATA, or the message itself): each
// recipient keeps its own RCPT refusal if it had one, the others share the transaction's reply.
function refusedOutcome(request: TransactionRequest, envelope: TrackedEnvelope, failure: SmtpFailure): TransactionOutcome {
  if (failure.command === 'MAIL FROM') {
    if (failure.replyCode === 530) throw new AuthenticationRequired(redactText(failure.response ?? failure.message, request.secrets));
    // With PIPELINING the RCPT replies after a refused MAIL FROM only say "no transaction".
    return { results: request.to.map((address) => replyResult(address, failure, request.secrets)), id: undefined, reusable: false };
  }
  const own = new Map([...failure.rejected, ...(envelope.rejectedErrors ?? []).map(smtpFailureOf)].map((f) => [f.recipient, f] as const));
  const results = request.to.map((address) => replyResult(address, own.get(address) ?? failure, request.secrets));
  return { results, id: undefined, reusable: false };
}

function replyResult(address: string, failure: SmtpFailure, secrets: readonly string[]): RecipientResult {
  const code = failure.replyCode ?? replyCodeOf(failure.response);
  const response = redactText(failure.response ?? failure.message, secrets);
  // 4xx is temporary; anything else that is not a 2xx (5xx, or a reply that makes no sense) is final.
  const status = code !== undefined && code >= 400 && code < 500 ? 'deferred' : 'rejected';
  return { address, status, response, ...(code === undefined ? {} : { code }) };
}

function rcptRefusals(request: TransactionRequest, envelope: TrackedEnvelope): RecipientResult[] {
  const refusals = (envelope.rejectedErrors ?? []).map(smtpFailureOf);
  return refusals.filter((f) => f.recipient !== undefined && request.to.includes(f.recipient)).map((f) => replyResult(f.recipient as string, f, request.secrets));
}

function undecidedRecipients(request: TransactionRequest, envelope: TrackedEnvelope): string[] {
  const refused = new Set((envelope.rejectedErrors ?? []).map((f) => smtpFailureOf(f).recipient));
  return request.to.filter((address) => !refused.has(address));
}

/**
 * The message as a stream nodemailer pipes only once the server has answered DATA with 354, so
 * the first read marks the point after which a lost connection leaves the outcome unknown.
 */
function messageStream(message: Uint8Array, onFirstRead: () => void): Readable {
  let delivered = false;
  return new Readable({
    read() {
      if (!delivered) {
        delivered = true;
        onFirstRead();
        this.push(Buffer.from(message.buffer, message.byteOffset, message.byteLength));
      }
      this.push(null);
    },
  });
}

function hasEightBitBytes(message: Uint8Array): boolean {
  for (let i = 0; i < message.length; i++) if ((message[i] as number) >= 0x80) return true;
  return false;
}
