import { Command, Option } from 'commander';
import { addSendCommand } from './send.js';

/** send's options that make no sense for a worker: the message comes from the queue. */
const NOT_FOR_WORKER = new Set([
  '--in',
  '--from',
  '--to',
  '--cc',
  '--bcc',
  '--subject',
  '--text',
  '--html',
  '--attach',
  '--json',
  '--bulk',
  '--template',
  '--report',
  '--journal',
  '--resend-unknown',
  '--retry-failed',
  '--no-progress',
  '--queue',
  '--campaign',
  '--job-timeout',
  '--concurrency',
  '--workers',
]);

export function addWorkerCommand(program: Command): void {
  const cmd = program
    .command('worker')
    .summary('send the campaigns queued in PostgreSQL (send --bulk --queue); run any number, on any hosts')
    .description(
      "Fetch the messages of running campaigns from the PostgreSQL queue (sealpost send --bulk FILE.csv --queue URL puts them there), seal each as sealpost send does and send it. Every copy is recorded `sending` in the queue's ledger before the transport has it, and its outcome after: a copy accepted is never sent again, and one whose worker died while the transport had it is recorded unknown, not sent again (unless the campaign was enqueued with --resend-unknown). A transport that rate limits holds every worker's sends on it: for as long as SparkPost's 429 asks (Retry-After, at most an hour), or for --rate-limit-wait seconds when it does not say (SMTP 421/451, a 429 without Retry-After). Runs until SIGTERM or SIGINT, then finishes and records the sends in flight and exits 0. The database password from PGPASSWORD or SEALPOST_QUEUE_URL, never the command line.",
    )
    .requiredOption('--queue [url]', 'the queue database, postgres://user@host:5432/db (password in PGPASSWORD); alone: SEALPOST_QUEUE_URL')
    .option('--workers <n>', 'threads that sign and encrypt (default: the number of cores; 1 seals in the main thread)')
    .option('--concurrency <n>', 'messages in flight at once in this process (default 4)')
    .option('--rate-limit-wait <seconds>', 'how long every worker holds its sends on a transport that rate limited without saying for how long (default 30)')
    .option('--poll <ms>', 'how often to look for work when there is none (default 500)')
    .option('--stop-timeout <seconds>', 'after SIGTERM, how long to keep trying to record outcomes while the database is away (default 30)');
  // The sealing, identity, key store and transport options are send's own declarations.
  const send = new Command();
  addSendCommand(send);
  for (const option of send.commands[0]!.options as Option[]) if (!NOT_FOR_WORKER.has(option.long ?? '')) cmd.addOption(option);
  cmd.action(async (flags) => {
    process.exitCode = await (await import('../queue/worker-run.js')).runWorker(flags);
  });
}
