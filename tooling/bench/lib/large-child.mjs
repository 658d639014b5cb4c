// Child of large.mjs: one operation on one large message with one backend, in a fresh process, so
// that its peak RSS is this operation's alone. Times, inside the process (Node's start-up and module
// loading left out), reading the input file, the operation and writing the result, as `openssl cms`
// does. Prints one JSON line: { ms, startKiB, peakKiB, outputBytes }.
//
//   node tooling/bench/lib/large-child.mjs '{"pkiDir":...,"backend":"pkijs","op":"sign","input":...,"output":...}'
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createSealpost } from '../../../packages/core/dist/index.js';
import { createOpensslBackend } from '../../../packages/backend-openssl/dist/index.js';
import { loadTestPki } from '../../fixtures/dist/index.js';
import { BACKEND_VARIANTS } from './backends.mjs';

const options = JSON.parse(process.argv[2]);
const pki = await loadTestPki(options.pkiDir);
const identityOf = (i) => ({ certificate: i.cert, privateKey: { type: 'pkcs8', der: i.keyDer } });
const alice = identityOf(pki.identities.alice);
const bob = identityOf(pki.identities.bob);
const backend =
  options.backend === 'openssl' && options.opensslBinary !== undefined
    ? // openssl through a wrapper that logs each process's peak RSS (large.mjs reads the log afterwards).
      await createOpensslBackend({ binary: options.opensslBinary })
    : await BACKEND_VARIANTS.find((v) => v.id === options.backend).create();
if (options.rssLog !== undefined) truncateSync(options.rssLog); // the probes at start-up are not the operation
const sealpost = createSealpost({ backend });

const startKiB = process.resourceUsage().maxRSS;
const started = performance.now();
const input = new Uint8Array(readFileSync(options.input));
const output = await operate(options.op, input);
writeFileSync(options.output, output);
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms, startKiB, peakKiB: process.resourceUsage().maxRSS, outputBytes: output.length })}\n`);
process.exit(0);

async function operate(op, message) {
  switch (op) {
    case 'sign':
      return sealpost.sign(message, { signer: alice });
    case 'encrypt':
      return sealpost.encrypt(message, { recipients: [bob.certificate], cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' });
    case 'open': {
      const report = await sealpost.open(message, { identities: [bob], trustAnchors: [pki.ca.cert] });
      if (report.status !== 'valid' || report.content === undefined) throw new Error(`open: status ${report.status}`);
      return report.content;
    }
    default:
      throw new Error(`unknown operation ${op}`);
  }
}
