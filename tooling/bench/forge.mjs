// What each CryptoBackend operation of @sealpost/backend-forge costs, next to @sealpost/backend-pkijs,
// called directly (no MIME, no policy): the numbers the forge README quotes.
//
//   node tooling/bench/forge.mjs [--iterations 30] [--warmup 3]
//
// Needs the packages built. Prints a Markdown table of medians in milliseconds.
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createForgeBackend } from '../../packages/backend-forge/dist/index.js';
import { createPkijsBackend } from '../../packages/backend-pkijs/dist/index.js';
import { ensureTestPki } from '../fixtures/dist/index.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '30' }, warmup: { type: 'string', default: '3' } } });
const iterations = Number(values.iterations);
const warmup = Number(values.warmup);

const pki = await ensureTestPki();
const { alice, carol } = pki.identities;
const id = (who) => ({ certificate: who.cert, privateKey: { type: 'pkcs8', der: who.keyDer } });
const text = new Uint8Array(10 * 1024).map((_, i) => 32 + (i % 90));
const large = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
const backends = { forge: createForgeBackend(), pkijs: createPkijsBackend() };

/** Each case prepares its input once per backend (outside the timing), then returns the timed call. */
const cases = [
  ['digest SHA-256, 1 MiB', async (b) => () => b.digest({ algorithm: 'sha-256', data: large })],
  ['sign RSA-2048 PKCS#1 v1.5, 10 KiB', async (b) => () => b.sign({ content: text, detached: true, signers: [{ ...id(alice), digest: 'sha-256' }] })],
  ['sign RSA-2048 PSS, 10 KiB', async (b) => () => b.sign({ content: text, detached: true, signers: [{ ...id(alice), digest: 'sha-256', scheme: 'rsa-pss' }] })],
  ['sign ECDSA P-256, 10 KiB', async (b) => () => b.sign({ content: text, detached: true, signers: [{ ...id(carol), digest: 'sha-256' }] })],
  ...[
    ['RSA PKCS#1 v1.5', alice, 'rsa-pkcs1'],
    ['RSA PSS', alice, 'rsa-pss'],
    ['ECDSA P-256', carol, 'ecdsa'],
  ].map(([label, who, scheme]) => [
    `verify ${label}, 10 KiB`,
    async (b) => {
      const cms = await b.sign({ content: text, detached: true, signers: [{ ...id(who), digest: 'sha-256', scheme }] });
      return () => b.verify({ cms, content: text });
    },
  ]),
  ['verify certificate signature (RSA-3072 CA)', async (b) => () => b.verifyCertificateSignature({ certificate: alice.cert, issuer: pki.ca.cert })],
  ...['rsa-pkcs1', 'rsa-oaep'].map((keyTransport) => [
    `encrypt AES-256-GCM, ${keyTransport}, 10 KiB`,
    async (b) => () => b.encrypt({ content: text, recipients: [{ certificate: alice.cert }], cipher: 'aes-256-gcm', keyTransport }),
  ]),
  ...['rsa-pkcs1', 'rsa-oaep'].map((keyTransport) => [
    `decrypt AES-256-GCM, ${keyTransport}, 10 KiB`,
    async (b) => {
      const cms = await b.encrypt({ content: text, recipients: [{ certificate: alice.cert }], cipher: 'aes-256-gcm', keyTransport });
      return () => b.decrypt({ cms, ...id(alice) });
    },
  ]),
  ...['aes-256-cbc', 'aes-256-gcm'].flatMap((cipher) => [
    [`encrypt ${cipher.toUpperCase()}, rsa-oaep, 1 MiB`, async (b) => () => b.encrypt({ content: large, recipients: [{ certificate: alice.cert }], cipher, keyTransport: 'rsa-oaep' })],
    [
      `decrypt ${cipher.toUpperCase()}, rsa-oaep, 1 MiB`,
      async (b) => {
        const cms = await b.encrypt({ content: large, recipients: [{ certificate: alice.cert }], cipher, keyTransport: 'rsa-oaep' });
        return () => b.decrypt({ cms, ...id(alice) });
      },
    ],
  ]),
];

async function median(run) {
  for (let i = 0; i < warmup; i++) await run();
  const times = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const rows = [];
for (const [label, prepare] of cases) {
  const cells = [];
  for (const [name, backend] of Object.entries(backends)) {
    process.stderr.write(`${label}: ${name}\n`);
    cells.push(await median(await prepare(backend)));
  }
  rows.push(`| ${label} | ${cells.map((ms) => ms.toFixed(ms < 10 ? 2 : 1)).join(' | ')} | ${(cells[0] / cells[1]).toFixed(1)}× |`);
}
// A fingerprint of the input, so two runs can be seen to measure the same thing.
const inputs = createHash('sha256').update(text).update(large).digest('hex').slice(0, 12);
console.log(`${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), Node ${process.versions.node}; median of ${iterations} runs after ${warmup} warm-up; inputs ${inputs}\n`);
console.log('| operation | forge (ms) | pkijs (ms) | forge / pkijs |');
console.log('|---|---:|---:|---:|');
console.log(rows.join('\n'));
