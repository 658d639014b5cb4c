// Child of bulk.mjs (pinned to the CLI's core): what the receiving side takes without any S/MIME work.
// Sends `rows` copies of one ready-made message of the sealed copies' size, one per recipient, through
// @sealpost/transport-smtp with the pool the CLI uses (--concurrency 4: four connections, four copies in
// flight) to the loopback SMTP sink. Prints {"ms":N} for the whole run.
//
//   node tooling/bench/lib/smtp-capacity-child.mjs '{"port":N,"caFile":"...","rows":1000,"bytes":19000,"from":"...","to":["..."]}'
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createSmtpTransport } from '../../../packages/transport-smtp/dist/index.js';

const CONCURRENCY = 4;
const options = JSON.parse(process.argv[2]);
const transport = createSmtpTransport({ url: `smtp://127.0.0.1:${options.port}`, ca: readFileSync(options.caFile, 'utf8'), pool: { maxConnections: CONCURRENCY } });
const body = randomBytes(Math.ceil((options.bytes * 3) / 4))
  .toString('base64')
  .replace(/.{76}/g, '$&\r\n');
const message = Buffer.from(
  `From: ${options.from}\r\nTo: undisclosed-recipients:;\r\nSubject: capacity\r\nMIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=authEnveloped-data; name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n`,
);

let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < options.to.length) {
      const to = options.to[next++];
      const report = await transport.send({ message, envelope: { from: options.from, to: [to] }, sealed: true });
      if (report.recipients.some((r) => r.status !== 'accepted')) throw new Error(`not accepted: ${JSON.stringify(report.recipients)}`);
    }
  }),
);
const elapsed = performance.now() - started;
await transport.close?.();
process.stdout.write(`${JSON.stringify({ ms: elapsed })}\n`);
process.exit(0);
