// What one operation costs through @sealpost/backend-openssl (one openssl process each) next to
// @sealpost/backend-pkijs (in-process WebCrypto), on this machine: the backends alone, without core's
// MIME work. For whole messages and every backend, see backends.mjs (pnpm bench).
//
//   pnpm exec turbo run build --filter=@sealpost/backend-openssl... && node tooling/bench/openssl.mjs [iterations] [contentKiB]
//
// Prints a Markdown table of the median and 90th percentile, in milliseconds.
import { createOpensslBackend } from '../../packages/backend-openssl/dist/index.js';
import { createPkijsBackend } from '../../packages/backend-pkijs/dist/index.node.js';
import { ensureTestPki } from '../fixtures/dist/index.js';
import { ms } from './lib/format.mjs';
import { measure } from './lib/measure.mjs';
import { measureOpensslStart } from './lib/process-start.mjs';

const iterations = Number(process.argv[2] ?? 50);
const kib = Number(process.argv[3] ?? 4);
const content = new Uint8Array(kib * 1024).map((_, i) => 0x20 + (i % 90));
const settings = { iterations, warmup: 5 };

const pki = await ensureTestPki();
const { alice, bob } = pki.identities;
const openssl = await createOpensslBackend();
// The Node setup its README recommends: OpenSSL does the raw RSA operation for PKCS#1 v1.5.
const pkijs = createPkijsBackend();

const signer = { certificate: alice.cert, privateKey: { type: 'pkcs8', der: alice.keyDer }, digest: 'sha-256' };
const operations = {
  'sign (RSA-2048, SHA-256, detached)': (b) => () => b.sign({ content, detached: true, signers: [signer] }),
  'verify (one signer)': async (b) => {
    const cms = await b.sign({ content, detached: true, signers: [signer] });
    return () => b.verify({ cms, content });
  },
  'encrypt (AES-256-GCM, RSA PKCS#1 v1.5)': (b) => () => b.encrypt({ content, recipients: [{ certificate: bob.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' }),
  'decrypt (AES-256-GCM, RSA PKCS#1 v1.5)': async (b) => {
    const cms = await b.encrypt({ content, recipients: [{ certificate: bob.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' });
    return () => b.decrypt({ cms, certificate: bob.cert, privateKey: { type: 'pkcs8', der: bob.keyDer } });
  },
  'verifyCertificateSignature (chain step)': (b) => () => b.verifyCertificateSignature({ certificate: alice.cert, issuer: pki.ca.cert }),
};

const cell = ({ median, p90 }) => `${ms(median)} / ${ms(p90)}`;
const rows = [['`openssl version` (one process, no work)', cell(await measureOpensslStart(settings)), '']];
for (const [name, prepare] of Object.entries(operations)) {
  rows.push([name, cell(await measure(await prepare(openssl), settings)), cell(await measure(await prepare(pkijs), settings))]);
}

console.log(`OpenSSL ${openssl.opensslVersion}, Node ${process.version}, ${kib} KiB content, ${iterations} runs each; median / p90 in ms\n`);
console.log('| operation | openssl backend | pkijs backend |');
console.log('|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
