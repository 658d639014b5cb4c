// One of several processes that put into the same PostgreSQL key store at once (see
// src/multi-process.test.ts). Arguments: schema, worker number, puts per kind, and one certificate
// (DER, base64) that every worker puts under common@example.com.
// It makes its certificates first, says "ready", then waits for one line on stdin: the connection URL
// (kept out of argv, since it holds the password). Every worker gets it at the same moment and starts
// writing; at the end it prints its put outcomes as one JSON line.
import { generateTestIdentity } from '@sealpost/core/testing';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { createPostgresKeyStore } from '@sealpost/keystore-postgres';

const [schema, workerText, countText, commonBase64] = process.argv.slice(2);
const worker = Number(workerText);
const count = Number(countText);
const MINUTE = 60_000;
const BASE = Date.UTC(2021, 0, 1);

async function certificate(email, notBefore) {
  const identity = await generateTestIdentity({ email, keyType: 'ec-p256', notBefore: new Date(notBefore), notAfter: new Date(notBefore + 365 * 24 * 60 * MINUTE) });
  return identity.certificate;
}

const own = [];
const shared = [];
for (let i = 0; i < count; i++) {
  own.push({ address: `w${worker}-${i}@example.com`, certificate: await certificate(`w${worker}-${i}@example.com`, BASE) });
  // Distinct notBefore across all workers, so exactly one of them is the newest.
  shared.push({ address: 'shared@example.com', certificate: await certificate('shared@example.com', BASE + (i * 100 + worker) * MINUTE) });
}
const common = { address: 'common@example.com', certificate: new Uint8Array(Buffer.from(commonBase64, 'base64')) };

process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
const [url] = await once(lines, 'line');

const store = createPostgresKeyStore({ connectionString: url, schema, lockTimeoutMs: 20_000 });
const outcomes = { own: [], shared: [], common: [] };
// Its own addresses one after the other; the shared address all at once, over several connections,
// racing the other processes too.
const sharing = Promise.all(shared.map((entry) => store.put({ ...entry, source: `worker-${worker}` })));
for (let i = 0; i < count; i++) outcomes.own.push(await store.put({ ...own[i], source: `worker-${worker}` }));
outcomes.shared = await sharing;
outcomes.common.push(await store.put(common));
await store.close();
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
lines.close();
process.stdin.destroy();
