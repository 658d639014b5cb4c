// Child of bulk.mjs: the loopback SMTP server the sealpost CLI's own tests and demo use
// (apps/sealpost/src/demo/smtp-sink.ts: smtp-server, STARTTLS required, every message accepted), in a
// process of its own so that it can run on the other core than the CLI under measurement.
// Writes its CA certificate to `caFile`, prints {"port":N}; then answers each "count" line on stdin with
// {"received":N} (and forgets those messages); ends when stdin closes.
//
//   node tooling/bench/lib/smtp-sink-child.mjs '{"caFile":"/tmp/x/ca.pem"}'
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { startSmtpSink } from '../../../apps/sealpost/dist/demo/smtp-sink.js';
import { makeLocalhostCertificate } from '../../../apps/sealpost/dist/demo/tls-certificate.js';

const { caFile } = JSON.parse(process.argv[2]);
const certificate = makeLocalhostCertificate();
writeFileSync(caFile, certificate.certPem);
const sink = await startSmtpSink(certificate);
process.stdout.write(`${JSON.stringify({ port: sink.port })}\n`);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() !== 'count') return;
  const received = sink.received.length;
  sink.received.length = 0;
  process.stdout.write(`${JSON.stringify({ received })}\n`);
});
lines.on('close', async () => {
  await sink.close();
  process.exit(0);
});
