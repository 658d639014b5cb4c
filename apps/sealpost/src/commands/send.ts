import { type Command, Option } from 'commander';
import { CIPHERS, DIGESTS, backendOption, cipherUnknownOption, collect, headerProtectionOptions, identityOptions } from '../options.js';
import type { SendFlags } from '../send/sender.js';

// The transports load only when a message is sent; these names are all the options need.
const VIAS = ['sparkpost', 'smtp'] as const;
const TLS_POLICIES = ['require', 'opportunistic', 'implicit'] as const;

export function addSendCommand(program: Command): void {
  const cmd = program
    .command('send')
    .summary('sign, encrypt per recipient and send, through SparkPost or SMTP; also in bulk')
    .description(
      "Seal a message and send it: signed with your identity, and encrypted separately for each recipient to that recipient's certificate (from --keystore) and to yours, so your sent copy stays readable. The message is --in FILE (or stdin), or made from --from/--to/--subject/--text/--html/--attach. With --bulk FILE.csv, one message per CSV row is made from a template, sent with bounded concurrency, journaled so that a run stopped half way can be started again without sending anyone the message twice. Secrets only from the environment: SPARKPOST_API_KEY, SMTP_URL (smtp://user:pass@host:587) or SMTP_PASSWORD. Exit 0 when every recipient was accepted, 1 when some were not, 2 for a usage error or unreadable input.",
    )
    .addOption(new Option('--via <transport>', 'how to send').choices(VIAS).makeOptionMandatory())
    .option('--in <file>', 'the message to send (RFC 822), instead of stdin or the composing flags')
    .option('--from <mailbox>', 'compose: the sender, e.g. "Alice <alice@example.com>"')
    .option('--to <mailbox>', 'compose: a recipient (repeatable; commas separate several)', collect)
    .option('--cc <mailbox>', 'compose: a copy recipient (repeatable)', collect)
    .option('--bcc <mailbox>', 'compose: a blind copy recipient (repeatable); not shown in any header', collect)
    .option('--subject <text>', 'compose: the subject; in bulk, a template with {{column}} placeholders')
    .option('--text <text>', 'compose: the plain text body; in bulk, a template')
    .option('--html <html>', 'compose: the HTML body (with --text: multipart/alternative); in bulk, a template whose values are HTML-escaped')
    .option('--attach <file>', 'compose: attach a file (repeatable)', collect)
    .option('--no-sign', 'do not sign (default: sign with your identity)')
    .option('--no-encrypt', 'do not encrypt (default: encrypt to each recipient from the key store)')
    .option('--keystore <dir|sqlite:file|postgres://...>', "where recipients' certificates are (needed to encrypt)")
    .option(
      '--self-cert <file>',
      'your own encryption certificate, when it is not the signing one: your copy of each encrypted message goes to it (an Ed25519 identity receives with its X25519 certificate, ADDRESS.enc.crt)',
    )
    .addOption(
      new Option('--missing-certificate <what>', 'a recipient without a certificate: refuse (nothing is sent to anyone, or in bulk to that row) or sign-only')
        .choices(['refuse', 'sign-only'])
        .default('refuse'),
    )
    .addOption(
      new Option('--cipher <name>', 'content cipher for every recipient (default: the strongest each recipient advertised, in signed mail collected into the key store or in its certificate)').choices(
        CIPHERS,
      ),
    )
    .addOption(cipherUnknownOption())
    .option('--oaep', 'RSA-OAEP key transport instead of PKCS#1 v1.5')
    .addOption(new Option('--digest <name>', 'signature digest (default sha-256; sha-512 for an Ed25519 key)').choices(DIGESTS))
    .option('--chain <file>', 'intermediate certificates to include in the signature (repeatable)', collect)
    .option('--sparkpost-base-url <url>', 'SparkPost API host (default SPARKPOST_BASE_URL, else https://api.sparkpost.com)')
    .option('--smtp-url <url>', 'SMTP server without a password, e.g. smtp://host:587 (default SMTP_URL); a user here takes the password from SMTP_PASSWORD')
    .addOption(new Option('--tls <policy>', 'SMTP TLS: require (STARTTLS, verified; default), opportunistic, implicit (port 465)').choices(TLS_POLICIES))
    .option('--smtp-ca <file>', "CA certificate(s) to verify the SMTP server with, instead of the system's (repeatable)", collect)
    .option('--dkim-key <file>', 'SMTP: also sign each sealed message with DKIM, with this RSA private key (PEM or DER, in a file other users cannot read)')
    .option('--dkim-selector <selector>', 'SMTP: the DKIM selector its public key is published under (SELECTOR._domainkey.DOMAIN)')
    .option('--dkim-domain <domain>', 'SMTP: the DKIM signing domain (default: the domain of the From address)')
    .option('--json', 'print the report as JSON (the only thing on stdout)')
    .option('--bulk <file.csv>', 'bulk: one message per row of this CSV (header row with an email or address column)')
    .option('--template <file.eml>', 'bulk: the message template, instead of --subject/--text/--html')
    .option('--concurrency <n>', 'bulk: messages in flight at once (default 4)')
    .option('--workers <n>', 'bulk: threads that sign and encrypt (default: the number of cores; 1 seals in the main thread)')
    .option('--report <file>', 'bulk: write one JSON line per recipient here (required with --bulk)')
    .option('--journal <file>', 'bulk: the journal that makes the run resumable (default: REPORT.journal)')
    .option('--resend-unknown', 'bulk: also send again recipients whose earlier send has no known outcome (they may get it twice)')
    .option('--retry-failed', 'bulk: also send again recipients an earlier run could not deliver (rejected, deferred, failed)')
    .option('--no-progress', 'bulk: no progress bar or progress lines on stderr')
    .option(
      '--queue [url]',
      'bulk: enqueue the composed messages in this PostgreSQL campaign queue (postgres://user@host/db, password in PGPASSWORD; alone: SEALPOST_QUEUE_URL) for sealpost worker to send; nothing is sent here',
    )
    .option('--campaign <id>', 'bulk with --queue: the campaign id (default: a new one); the same list enqueued twice adds nothing')
    .option('--job-timeout <seconds>', 'bulk with --queue: how long a worker may hold a message before another takes it over (default 300)');
  headerProtectionOptions(cmd, true);
  identityOptions(cmd, false);
  backendOption(cmd);
  cmd.action(async (flags: SendFlags) => {
    if (flags.bulk === undefined) process.exitCode = await (await import('../send/single-send.js')).runSingleSend(flags);
    else process.exitCode = await (await import('../bulk/bulk-send.js')).runBulkSend(flags);
  });
}
