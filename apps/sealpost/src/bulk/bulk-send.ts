import { availableParallelism } from 'node:os';
import { addressesEqual, certificateAddresses, fromAddress, parseMime } from '@sealpost/core';
import { EXIT, usageError } from '../errors.js';
import { readFileArg, writeFileAtomic, writeStream } from '../io.js';
import { readAttachments } from '../send/attachments.js';
import { type Sender, type SendFlags, openSender } from '../send/sender.js';
import { openJournal } from './journal.js';
import { type MessageTemplate, emlTemplate, flagTemplate } from './message-template.js';
import { planRun } from './plan.js';
import { createProgress } from './progress.js';
import { type SendPool, openSendPool } from './send-pool.js';
import { createSignatureMemo, signingOnce } from './signing-once.js';
import { type BulkList, readBulkList } from './recipients.js';
import { type BulkLine, runBulk } from './run.js';
import { bulkSummary, namedList, renderBulkSummary } from './summary.js';

const MAX_CONCURRENCY = 64;
const DEFAULT_CONCURRENCY = 4;
const MAX_WORKERS = 64;

/** `sealpost send --bulk FILE.csv`: one sealed message per row, journaled, resumable. */
export async function runBulkSend(flags: SendFlags): Promise<number> {
  // With --queue the rows are composed here and sent by `sealpost worker` processes.
  if (flags.queue !== undefined) return (await import('../queue/enqueue.js')).runBulkEnqueue(flags);
  const concurrency = concurrencyOf(flags.concurrency ?? String(DEFAULT_CONCURRENCY));
  const workers = workersOf(flags.workers);
  const reportPath = flags.report;
  if (reportPath === undefined) throw usageError('--bulk needs --report FILE: one JSON line per recipient is written there');
  for (const name of ['in', 'to', 'cc', 'bcc'] as const) if (flags[name] !== undefined) throw usageError(`--${name} does not go with --bulk: every row of the CSV gets its own message`);
  const journalPath = flags.journal ?? `${reportPath}.journal`;
  const list = readBulkList(new TextDecoder('utf-8', { fatal: false }).decode(await readFileArg(flags.bulk!, 'recipient list')));
  const template = await templateOf(flags, list);

  const sender = await openSender(flags, concurrency);
  const journal = await openJournal(journalPath).catch(async (error: unknown) => {
    await sender.close();
    throw error;
  });
  const stop = new AbortController();
  const onSignal = (): void => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
    process.stderr.write('\nsealpost: stopping: no new message is started; those in flight finish (press again to quit at once)\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let lines: BulkLine[];
  let pool: SendPool | undefined;
  try {
    checkSenderMatchesFrom(sender, template, list);
    const decisions = planRun(list.recipients, journal.state, { resendUnknown: flags.resendUnknown === true, retryFailed: flags.retryFailed === true });
    const toSend = decisions.filter((d) => d.kind === 'send');
    // The threads load while the key store is looked through for the announcement.
    const opening = workers > 1 && toSend.length > 0 ? openSendPool({ workers, concurrency, flags, identity: sender.identity, journal }) : undefined;
    try {
      await announce(
        flags,
        sender,
        toSend.length,
        list.recipients.length,
        toSend.map((d) => d.recipient.address),
      );
    } finally {
      pool = await opening;
    }
    const progress = createProgress({
      total: toSend.length,
      stream: flags.progress ? process.stderr : nullStream(),
      tty: process.stderr.isTTY === true,
    });
    lines = await runBulk({
      decisions,
      template,
      journal,
      concurrency,
      // Without threads, signatures are remembered here; with them, the pool's memo does that.
      backend: signingOnce(sender.backend, sender.identity, createSignatureMemo()),
      transport: sender.opened.transport,
      keystore: sender.keystore,
      identity: sender.identity,
      selfCertificate: sender.selfCertificate,
      sendOptions: sender.options,
      progress,
      stop: stop.signal,
      ...(pool === undefined ? {} : { sendRow: pool.sendRow }),
    });
    progress.finish();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool?.close();
    await journal.close();
    await sender.close();
  }
  await writeFileAtomic(reportPath, new TextEncoder().encode(lines.map((l) => `${JSON.stringify(l)}\n`).join('')), 0o600);
  const summary = bulkSummary(lines, { report: reportPath, journal: journalPath, stopped: stop.signal.aborted });
  await writeStream(process.stdout, flags.json === true ? `${JSON.stringify(summary, null, 2)}\n` : renderBulkSummary(summary));
  return summary.total === summary.accepted ? EXIT.ok : EXIT.negative;
}

function concurrencyOf(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_CONCURRENCY) throw usageError(`--concurrency takes a number from 1 to ${MAX_CONCURRENCY}, not "${value}"`);
  return Number(value);
}

/** `--workers N`: threads that seal; by default one per core this process may use. */
function workersOf(value: string | undefined): number {
  if (value === undefined) return Math.min(availableParallelism(), MAX_WORKERS);
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_WORKERS) throw usageError(`--workers takes a number from 1 to ${MAX_WORKERS}, not "${value}"`);
  return Number(value);
}

export async function templateOf(flags: SendFlags, list: BulkList): Promise<MessageTemplate> {
  if (flags.template !== undefined) {
    for (const name of ['from', 'subject', 'text', 'html', 'attach'] as const)
      if (flags[name] !== undefined) throw usageError(`--${name} does not go with --template: the template file is the whole message`);
    return emlTemplate(await readFileArg(flags.template, 'template'), list.columns, flags.template);
  }
  if (flags.from === undefined) throw usageError('--bulk needs --from and --subject/--text/--html, or --template FILE.eml');
  if (flags.text === undefined && flags.html === undefined) throw usageError('--bulk needs --text or --html (or --template FILE.eml)');
  return flagTemplate({
    from: flags.from,
    subject: flags.subject ?? '',
    text: flags.text,
    html: flags.html,
    attachments: await readAttachments(flags.attach ?? []),
    columns: list.columns,
  });
}

/**
 * Checked on the first row that renders, before anything is sent: a signature by a certificate that
 * is not issued to the From address would make every recipient see an invalid message.
 */
function checkSenderMatchesFrom(sender: Sender, template: MessageTemplate, list: BulkList): void {
  if (!sender.options.sign || sender.identity === undefined) return;
  const first = firstRendered(template, list);
  if (first === undefined) return; // every row fails on its own, and is reported so
  const from = fromAddress(parseMime(first));
  if (from.status !== 'ok') throw usageError('the message needs exactly one From address');
  const addresses = certificateAddresses(sender.identity.certificate);
  if (!addresses.some((a) => addressesEqual(a, from.address)))
    throw usageError(`your certificate is issued to ${addresses.join(', ') || 'no address'}, not to the From address ${from.address}; recipients would see an invalid signature`);
}

function firstRendered(template: MessageTemplate, list: BulkList): Uint8Array | undefined {
  for (const recipient of list.recipients) {
    try {
      return template.render(recipient);
    } catch {
      // this row's own problem: it is reported when its turn comes
    }
  }
  return undefined;
}

/** Before sending: how many go out, and who has no certificate (listed now, and in the report). */
async function announce(flags: SendFlags, sender: Sender, count: number, total: number, addresses: readonly string[]): Promise<void> {
  const lines = [`bulk: ${count} of ${total} recipient(s) to send now (${sender.opened.target}, concurrency ${flags.concurrency ?? DEFAULT_CONCURRENCY})`];
  if (sender.options.encrypt === true && sender.keystore !== undefined) {
    const missing: string[] = [];
    for (const address of addresses) if ((await sender.keystore.get(address)) === null) missing.push(address);
    if (missing.length > 0) {
      const what = flags.missingCertificate === 'sign-only' ? 'they get the message signed only' : 'they are not sent to';
      lines.push(`bulk: no certificate for ${missing.length} recipient(s), ${what}: ${namedList(missing, missing.length)}`);
    }
  }
  await writeStream(process.stderr, `${lines.join('\n')}\n`);
}

function nullStream(): NodeJS.WritableStream {
  return { write: () => true } as unknown as NodeJS.WritableStream;
}
