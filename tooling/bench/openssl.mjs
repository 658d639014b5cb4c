// What one operation costs through @sealpost/backend-openssl (one openssl process each) next to
// @sealpost/backend-pkijs (in-process WebCrypto), on this machine.
//
//   pnpm exec turbo run build --filter=@sealpost/backend-openssl... && node tooling/bench/openssl.mjs [iterations] [contentKiB]
//
// Prints a Markdown table of the median and 90th percentile, in milliseconds.
import { spawnSync } from 'node:child_process';
import { constants, createPrivateKey, privateDecrypt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createOpensslBackend } from '../../packages/backend-openssl/dist/index.js';
import { createPkijsBackend } from '../../packages/backend-pkijs/dist/index.js';
import { ensureTestPki } from '../fixtures/dist/index.js';

const iterations = Number(process.argv[2] ?? 50);
const kib = Number(process.argv[3] ?? 4);
const content = new Uint8Array(kib * 1024).map((_, i) => 0x20 + (i % 90));

const pki = await ensureTestPki();
const { alice, bob } = pki.identities;
const openssl = await createOpensslBackend();
const pkijs = createPkijsBackend({
  // The Node setup its README recommends: OpenSSL does the raw RSA operation for PKCS#1 v1.5.
  rsaDecryptRaw: async (pkcs8, block) =>
    privateDecrypt({ key: createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }), padding: constants.RSA_NO_PADDING }, block),
});

async function measure(run) {
  for (let i = 0; i < 5; i++) await run();
  const times = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return `${at(0.5).toFixed(2)} / ${at(0.9).toFixed(2)}`;
}

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

const rows = [];
const baseline = await measure(async () => spawnSync('openssl', ['version']));
rows.push(['`openssl version` (one process, no work)', baseline, '']);
for (const [name, prepare] of Object.entries(operations)) {
  rows.push([name, await measure(await prepare(openssl)), await measure(await prepare(pkijs))]);
}

console.log(`OpenSSL ${openssl.opensslVersion}, Node ${process.version}, ${kib} KiB content, ${iterations} runs each; median / p90 in ms\n`);
console.log('| operation | openssl backend | pkijs backend |');
console.log('|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
