// One operation in a loop, for `node --cpu-prof`: what a single bench row spends its time on.
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof tooling/bench/profile-loop.mjs OPERATION [BACKEND] [COUNT] [KEYS]
//
// OPERATION: sign, verify, encrypt, decrypt, sign-and-encrypt or open; BACKEND: pkijs, pkijs-portable,
// forge or openssl; KEYS: a key set of backends.mjs (rsa2048, p256, ed25519, mldsa65). The loop runs the
// 10 KiB row of backends.mjs with that key set (its first cipher and key transport), so a profile shows
// the work the row measured.
import { createSealpost } from '../../packages/core/dist/index.js';
import { ensureTestPki } from '../fixtures/dist/index.js';
import { BACKEND_VARIANTS } from './lib/backends.mjs';
import { KEY_SETS, KINDS, benchmarkCases } from './lib/cases.mjs';

const [op = 'sign', backendId = 'pkijs', countText = '2000', keySet = 'rsa2048'] = process.argv.slice(2);
const count = Number(countText);
const variant = BACKEND_VARIANTS.find((v) => v.id === backendId);
if (!KINDS.includes(op) || variant === undefined || !(count > 0) || !KEY_SETS.includes(keySet)) {
  process.stderr.write(`usage: node tooling/bench/profile-loop.mjs ${KINDS.join('|')} [${BACKEND_VARIANTS.map((v) => v.id).join('|')}] [count] [${KEY_SETS.join('|')}]\n`);
  process.exit(2);
}
const pki = await ensureTestPki();
const benchCase = (await benchmarkCases(pki, [keySet])).find((c) => c.group === 'text' && c.kind === op);
const sealpost = createSealpost({ backend: await variant.create() });
const { run, check } = await benchCase.prepare(sealpost);
check(await run());
const started = performance.now();
for (let i = 0; i < count; i++) await run();
process.stdout.write(`${benchCase.key} ${benchCase.operation} (${backendId}): ${((performance.now() - started) / count).toFixed(3)} ms each over ${count}\n`);
