import type { ContentCipher, CryptoBackend } from '../backend.js';
import { SealpostError, isSealpostError } from '../errors.js';
import { chooseCipher, recipientCapabilities } from '../keystore/cipher-choice.js';
import type { KeyStore, StoredCertificate } from '../keystore/types.js';
import { addressesEqual, fromAddress, getHeaders, joinMessage, parseMailboxList, parseMime, splitMessage } from '../mime/index.js';
import { parseCertificate } from '../pki/index.js';
import type { Identity } from '../pki/types.js';
import type { RecipientResult, SendResult, Transport } from '../transport/types.js';
import { encryptEntity } from './encrypt.js';
import { splitForSealing } from './header-protection.js';
import type { SplitMessage } from '../mime/types.js';
import { errorOf } from './report.js';
import { signEntity } from './sign.js';
import type { SendError, SendOptions, SendRecipientReport, SendReport } from './types.js';

export interface SendContext {
  readonly backend: CryptoBackend;
  readonly transport: Transport | undefined;
  readonly keystore: KeyStore | undefined;
  readonly identity: Identity | undefined;
  /** The certificate the sender's own copy is encrypted to, when it is not the identity's. */
  readonly selfCertificate?: Uint8Array | undefined;
}

interface Plan {
  readonly sender: string;
  readonly recipients: readonly string[];
  /** The message without Bcc fields. */
  readonly message: Uint8Array;
}

/**
 * What addressesEqual compares, as one string: the local part exactly, the domain in ASCII lower case.
 * Undefined for something without a local part and an `@`, which addressesEqual finds equal to nothing.
 * Lists of thousands of recipients are matched through it in one pass instead of pair by pair.
 */
function mailboxKey(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0) return undefined;
  return `${address.slice(0, at)}@${address.slice(at + 1).replace(/[A-Z]+/g, (c) => c.toLowerCase())}`;
}

/** The first entry for each mailbox of `items`, by mailboxKey. */
function byMailbox<T>(items: readonly T[], addressOf: (item: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of items) {
    const key = mailboxKey(addressOf(item));
    if (key !== undefined && !out.has(key)) out.set(key, item);
  }
  return out;
}

function lookUp<T>(map: ReadonlyMap<string, T>, address: string): T | undefined {
  const key = mailboxKey(address);
  return key === undefined ? undefined : map.get(key);
}

/** Every To, Cc and Bcc mailbox, de-duplicated (domain case-insensitive). */
function recipientsOf(root: ReturnType<typeof parseMime>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const field of ['to', 'cc', 'bcc']) {
    for (const value of getHeaders(root, field)) {
      for (const { address } of parseMailboxList(value)) {
        const key = mailboxKey(address);
        if (key !== undefined && seen.has(key)) continue;
        if (key !== undefined) seen.add(key);
        out.push(address);
      }
    }
  }
  return out;
}

function planOf(message: Uint8Array): Plan {
  const root = parseMime(message);
  const from = fromAddress(root);
  if (from.status !== 'ok') throw new SealpostError('ERR_FROM_MISSING', 'the message needs exactly one From address to be sent');
  const recipients = recipientsOf(root);
  if (recipients.length === 0) throw new SealpostError('ERR_NO_RECIPIENTS', 'the message has no To, Cc or Bcc recipient');
  const split = splitMessage(message);
  // Bcc recipients get the message through the envelope only; the header (outer or protected) would disclose them.
  const withoutBcc = split.outerHeaders.some((h) => h.name.toLowerCase() === 'bcc')
    ? joinMessage(
        split.outerHeaders.filter((h) => h.name.toLowerCase() !== 'bcc'),
        split.entity,
      )
    : message;
  return { sender: from.address, recipients, message: withoutBcc };
}

function assertSenderIdentity(identity: Identity | undefined, sender: string): Identity {
  if (identity === undefined) throw new SealpostError('ERR_INVALID_ARGUMENT', 'signing needs an identity: pass `identity` to createSealpost');
  const addresses = parseCertificate(identity.certificate).emailAddresses;
  if (!addresses.some((a) => addressesEqual(a, sender)))
    throw new SealpostError('ERR_FROM_MISMATCH', `the signing certificate is not issued to the From address ${sender}; recipients would see an invalid signature`);
  return identity;
}

/**
 * The certificate the sender's own copy of each encrypted message goes to: `selfCertificate`, else the
 * identity's when its key can receive. An Ed25519 or ML-DSA key only signs (RFC 8410 5, RFC 9881): such
 * a sender receives with another certificate (X25519, as RFC 9216's examples pair them), which must be named.
 */
function selfCertificateOf(ctx: SendContext): Uint8Array | undefined {
  if (ctx.selfCertificate !== undefined) return ctx.selfCertificate;
  if (ctx.identity === undefined) return undefined;
  const key = parseCertificate(ctx.identity.certificate).publicKey.type;
  if (key === 'ed25519' || key === 'ed448' || key === 'ml-dsa')
    throw new SealpostError(
      'ERR_INVALID_ARGUMENT',
      `the sender's ${key} certificate cannot receive encrypted mail, so the sent copy has nowhere to go: pass selfCertificate (an X25519, ECDH, RSA or ML-KEM certificate of the sender's)`,
    );
  return ctx.identity.certificate;
}

async function certificatesFor(keystore: KeyStore, recipients: readonly string[]): Promise<Map<string, StoredCertificate | null>> {
  const found = new Map<string, StoredCertificate | null>();
  for (const r of recipients) found.set(r, await keystore.get(r));
  return found;
}

function reportsFrom(result: SendResult, addresses: readonly string[], sealing: Omit<SendRecipientReport, 'address' | 'status'>): SendRecipientReport[] {
  const results = byMailbox(result.recipients, (x) => x.address);
  return addresses.map((address) => {
    const r: RecipientResult | undefined = lookUp(results, address);
    return {
      address,
      ...sealing,
      status: r?.status ?? 'unknown',
      ...(result.id === undefined ? {} : { id: result.id }),
      ...(r?.response === undefined ? {} : { response: r.response }),
      ...(r?.code === undefined ? {} : { code: r.code }),
    };
  });
}

/**
 * The reports for a send the transport ended with an error. A transport that retries may already have
 * a final answer for some recipients (SMTP: accepted in an earlier try, or refused at RCPT TO) and say
 * exactly whose outcome is in doubt: `detail.recipients` and `detail.outcomeUnknown` (a list of
 * addresses). Those are kept. Everyone else is `unknown` when the error says the message may have been
 * taken (ERR_TRANSPORT_OUTCOME_UNKNOWN without that list, or `detail.outcomeUnknown: true`, as on an
 * abort while the request was out), else `failed` (not sent).
 */
function failureReports(error: unknown, addresses: readonly string[], sealing: Omit<SendRecipientReport, 'address' | 'status'>): SendRecipientReport[] {
  const detail = isSealpostError(error) ? error.detail : undefined;
  const e: SendError = { ...errorOf(error), ...retryAfterOf(error, detail) };
  const answered = answeredRecipients(detail?.['recipients']);
  const doubtful = Array.isArray(detail?.['outcomeUnknown']) ? (detail['outcomeUnknown'] as unknown[]).filter((a): a is string => typeof a === 'string') : undefined;
  const unknownForAll = detail?.['outcomeUnknown'] === true || (isSealpostError(error, 'ERR_TRANSPORT_OUTCOME_UNKNOWN') && doubtful === undefined);
  const finals = byMailbox(answered, (r) => r.address);
  const inDoubt = byMailbox(doubtful ?? [], (a) => a);
  return addresses.map((address) => {
    const final = lookUp(finals, address);
    if (final !== undefined)
      return { address, ...sealing, status: final.status, ...(final.response === undefined ? {} : { response: final.response }), ...(final.code === undefined ? {} : { code: final.code }) };
    const unknown = unknownForAll || lookUp(inDoubt, address) !== undefined;
    return { address, ...sealing, status: unknown ? 'unknown' : 'failed', error: e };
  });
}

/** A rate limit's `detail.retryAfterMs`, when it is a wait (a whole number of ms, at most a day). */
function retryAfterOf(error: unknown, detail: Readonly<Record<string, unknown>> | undefined): { retryAfterMs?: number } {
  const ms = detail?.['retryAfterMs'];
  if (!isSealpostError(error, 'ERR_TRANSPORT_RATE_LIMITED') || typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0 || ms > 86_400_000) return {};
  return { retryAfterMs: ms };
}

/** The final answers (accepted, rejected) among a transport error's `detail.recipients`; a deferral is not final. */
function answeredRecipients(value: unknown): RecipientResult[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (r): r is RecipientResult =>
      typeof r === 'object' && r !== null && typeof (r as RecipientResult).address === 'string' && ((r as RecipientResult).status === 'accepted' || (r as RecipientResult).status === 'rejected'),
  );
}

/**
 * Signs once, then encrypts a copy for each recipient (to that recipient and the sender, so the sent
 * copy stays readable and no recipient learns who else got it), and hands each to the transport.
 * Recipients without a certificate are refused before anything is sent, unless the caller asked for
 * them to get the message signed only.
 */
export async function sendMessage(ctx: SendContext, message: Uint8Array, options: SendOptions = {}): Promise<SendReport> {
  const { transport } = ctx;
  if (transport === undefined) throw new SealpostError('ERR_INVALID_ARGUMENT', 'sending needs a transport: pass `transport` to createSealpost');
  const sign = options.sign ?? true;
  const encrypt = options.encrypt ?? true;
  if (!encrypt && options.headerProtection === 'encrypt')
    throw new SealpostError('ERR_INVALID_ARGUMENT', "headerProtection 'encrypt' needs encryption: a message that is only signed cannot hide its header fields");
  const plan = planOf(message);
  const identity = sign ? assertSenderIdentity(ctx.identity, plan.sender) : ctx.identity;
  const self = encrypt ? selfCertificateOf(ctx) : undefined;

  let certificates = new Map<string, StoredCertificate | null>();
  if (encrypt) {
    if (ctx.keystore === undefined) throw new SealpostError('ERR_INVALID_ARGUMENT', 'encrypting needs a key store: pass `keystore` to createSealpost');
    certificates = await certificatesFor(ctx.keystore, plan.recipients);
    const missing = plan.recipients.filter((r) => certificates.get(r) == null);
    if (missing.length > 0 && (options.missingCertificate ?? 'refuse') === 'refuse')
      throw new SealpostError('ERR_NO_CERTIFICATE', `no certificate for ${missing.join(', ')}; nothing was sent`, { detail: { addresses: missing } });
  }

  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const signed = async (split: SplitMessage): Promise<SplitMessage> =>
    sign ? { ...split, entity: await signEntity(ctx.backend, split.entity, { signer: identity!, ...(options.digest === undefined ? {} : { digest: options.digest }), ...signal }) } : split;

  const reports: SendRecipientReport[] = [];
  const plain = plan.recipients.filter((r) => !encrypt || certificates.get(r) == null);
  // Signed once for every copy; with header protection once more for signed-only copies, whose payload
  // differs (hp="clear" rather than hp="cipher", nothing hidden outside).
  const protecting = (options.headerProtection ?? 'off') !== 'off';
  const sealedCopies = plan.recipients.length > plain.length ? await signed(splitForSealing(plan.message, true, options)) : undefined;
  const plainCopies =
    plain.length === 0
      ? undefined
      : sealedCopies !== undefined && !protecting
        ? sealedCopies
        : await signed(sign && protecting ? splitForSealing(plan.message, false, { headerProtection: 'sign-only' }) : splitMessage(plan.message));

  for (const recipient of plan.recipients) {
    const stored = certificates.get(recipient);
    if (!encrypt || stored == null) continue;
    const known = recipientCapabilities(stored.certificate, stored.smimeCapabilities);
    const cipher: ContentCipher = chooseCipher([known.smimeCapabilities], { cipher: options.cipher, cipherUnknown: options.cipherUnknown });
    const sealing = { signed: sign, encrypted: true, cipher, capabilities: known.source };
    try {
      const sealed = await encryptEntity(ctx.backend, sealedCopies!.entity, {
        recipients: self === undefined ? [stored.certificate] : [stored.certificate, self],
        cipher,
        ...(options.keyTransport === undefined ? {} : { keyTransport: options.keyTransport }),
        ...signal,
      });
      const result = await transport.send({ message: joinMessage(sealedCopies!.outerHeaders, sealed), envelope: { from: plan.sender, to: [recipient] }, sealed: true, ...signal });
      reports.push(...reportsFrom(result, [recipient], sealing));
    } catch (error) {
      reports.push(...failureReports(error, [recipient], sealing));
    }
  }
  if (plain.length > 0) {
    const sealing = { signed: sign, encrypted: false };
    try {
      const result = await transport.send({ message: joinMessage(plainCopies!.outerHeaders, plainCopies!.entity), envelope: { from: plan.sender, to: plain }, sealed: sign, ...signal });
      reports.push(...reportsFrom(result, plain, sealing));
    } catch (error) {
      reports.push(...failureReports(error, plain, sealing));
    }
  }
  const reportOf = new Map<string, SendRecipientReport>();
  for (const report of reports) if (!reportOf.has(report.address)) reportOf.set(report.address, report);
  return { recipients: plan.recipients.map((r) => reportOf.get(r)!) };
}
