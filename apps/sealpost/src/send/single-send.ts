import { type SendRecipientReport, addressesEqual, createSealpost, getHeaders, isSealpostError, parseMailboxList, parseMime } from '@sealpost/core';
import { EXIT, usageError } from '../errors.js';
import { readInput, writeStream } from '../io.js';
import { toJson } from '../report.js';
import { readAttachments } from './attachments.js';
import { composeMessage } from './compose.js';
import { allAccepted, renderSendReport } from './send-report.js';
import { type SendFlags, openSender } from './sender.js';

export type { SendFlags } from './sender.js';

const COMPOSE_FLAGS = ['from', 'to', 'cc', 'bcc', 'subject', 'text', 'html', 'attach'] as const;
const BULK_ONLY = ['template', 'report', 'journal', 'concurrency', 'resendUnknown', 'retryFailed', 'queue', 'campaign', 'jobTimeout'] as const;

/** `sealpost send` of one message: every recipient gets their own sealed copy; exit 0 only if all were accepted. */
export async function runSingleSend(flags: SendFlags): Promise<number> {
  const bulkOnly = BULK_ONLY.find((name) => flags[name] !== undefined);
  if (bulkOnly !== undefined) throw usageError(`--${kebab(bulkOnly)} goes with --bulk FILE.csv`);
  const message = await messageToSend(flags);
  const sender = await openSender(flags, 1);
  let recipients: readonly SendRecipientReport[];
  try {
    const sealpost = createSealpost({
      backend: sender.backend,
      transport: sender.opened.transport,
      ...(sender.keystore === undefined ? {} : { keystore: sender.keystore }),
      ...(sender.identity === undefined ? {} : { identity: sender.identity }),
      ...(sender.selfCertificate === undefined ? {} : { selfCertificate: sender.selfCertificate }),
    });
    try {
      recipients = (await sealpost.send(message, sender.options)).recipients;
    } catch (error) {
      if (!isSealpostError(error, 'ERR_NO_CERTIFICATE')) throw error;
      recipients = refusedForMissingCertificates(message, (error.detail?.['addresses'] as string[] | undefined) ?? [], flags);
    }
  } finally {
    await sender.close();
  }
  const report = flags.json === true ? toJson({ via: flags.via, recipients }) : renderSendReport(recipients, sender.opened.target);
  await writeStream(process.stdout, report);
  return allAccepted(recipients) ? EXIT.ok : EXIT.negative;
}

async function messageToSend(flags: SendFlags): Promise<Uint8Array> {
  const composing = COMPOSE_FLAGS.filter((name) => flags[name] !== undefined);
  if (flags.in !== undefined && composing.length > 0) throw usageError(`give either --in FILE or the composing flags (--${composing.join(', --')}), not both`);
  if (composing.length === 0) return readInput(flags.in);
  if (flags.from === undefined) throw usageError('composing a message needs --from');
  if ((flags.to ?? []).length + (flags.cc ?? []).length + (flags.bcc ?? []).length === 0) throw usageError('composing a message needs at least one --to, --cc or --bcc');
  return composeMessage({
    from: flags.from,
    to: flags.to ?? [],
    cc: flags.cc ?? [],
    bcc: flags.bcc ?? [],
    subject: flags.subject ?? '',
    text: flags.text,
    html: flags.html,
    attachments: await readAttachments(flags.attach ?? []),
  });
}

/**
 * Core refuses the whole message when a recipient has no certificate, before anything is sent. The
 * report still lists every recipient: those without a certificate, and the others, not sent either.
 */
function refusedForMissingCertificates(message: Uint8Array, missing: readonly string[], flags: SendFlags): SendRecipientReport[] {
  const root = parseMime(message);
  const all: string[] = [];
  for (const field of ['to', 'cc', 'bcc'])
    for (const value of getHeaders(root, field)) for (const { address } of parseMailboxList(value)) if (!all.some((a) => addressesEqual(a, address))) all.push(address);
  return all.map((address) => {
    const lacking = missing.some((m) => addressesEqual(m, address));
    return {
      address,
      status: 'failed',
      signed: false,
      encrypted: false,
      error: lacking
        ? { code: 'ERR_NO_CERTIFICATE', message: `no certificate for ${address} in ${flags.keystore ?? 'the key store'}` }
        : { code: 'ERR_NOT_SENT', message: 'not sent: another recipient has no certificate (--missing-certificate sign-only sends them signed only)' },
    };
  });
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
