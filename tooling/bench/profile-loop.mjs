// One operation in a loop, for `node --cpu-prof`: what a single bench row spends its time on.
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof tooling/bench/profile-loop.mjs sign|verify|open [pkijs|forge|openssl] [count]
import { createSealpost } from '../../packages/core/dist/index.js';
import { ensureTestPki } from '../fixtures/dist/index.js';
import { BACKEND_VARIANTS } from './lib/backends.mjs';
import { textMessage } from './lib/messages.mjs';

const [op = 'sign', backendId = 'pkijs', countText = '2000'] = process.argv.slice(2);
const count = Number(countText);
const variant = BACKEND_VARIANTS.find((v) => v.id === backendId);
if (!['sign', 'verify', 'open'].includes(op) || variant === undefined || !(count > 0)) {
  process.stderr.write('usage: node tooling/bench/profile-loop.mjs sign|verify|open [pkijs|pkijs-portable|forge|openssl] [count]\n');
  process.exit(2);
}
const pki = await ensureTestPki();
const { alice, bob } = pki.identities;
const signer = { certificate: alice.cert, privateKey: { type: 'pkcs8', der: alice.keyDer } };
const recipient = { certificate: bob.cert, privateKey: { type: 'pkcs8', der: bob.keyDer } };
const sealpost = createSealpost({ backend: await variant.create() });
const message = textMessage({ from: alice.email, to: bob.email, bodyKiB: 10 });
const trust = { trustAnchors: [pki.ca.cert] };
const signed = await sealpost.sign(message, { signer });
const sealed = await sealpost.encrypt(signed, { recipients: [bob.cert], cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' });
const run = {
  sign: () => sealpost.sign(message, { signer }),
  verify: () => sealpost.verify(signed, trust),
  open: () => sealpost.open(sealed, { identities: [recipient], ...trust }),
}[op];
const started = performance.now();
for (let i = 0; i < count; i++) await run();
process.stdout.write(`${op} (${backendId}): ${((performance.now() - started) / count).toFixed(3)} ms each over ${count}\n`);
