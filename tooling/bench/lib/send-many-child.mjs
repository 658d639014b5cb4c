// Child of send-many.mjs (run pinned to one core): `send()` of one message to many recipients through
// each backend, in turn with the raw primitives doing the same cryptographic work. Prints one JSON line:
// { samples: { [variant id]: ms[] }, copies, copyBytes, entityBytes }.
//
//   node tooling/bench/lib/send-many-child.mjs '{"pkiDir":...,"recipientsFile":...,"backends":[...],"runs":3,"warmupRecipients":50}'
import { constants, createHash, createPrivateKey, createPublicKey, publicEncrypt, randomBytes, sign, createCipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createSealpost, parseCertificate } from '../../../packages/core/dist/index.js';
import { createMemoryKeyStore } from '../../../packages/keystore-memory/dist/index.js';
import { loadTestPki } from '../../fixtures/dist/index.js';
import { createBackends } from './backends.mjs';
import { messageToMany, textMessage } from './messages.mjs';
import { SIGNED_ATTRIBUTES } from './raw.mjs';

const options = JSON.parse(process.argv[2]);
const pki = await loadTestPki(options.pkiDir);
const alice = pki.identities.alice;
const identity = { certificate: alice.cert, privateKey: { type: 'pkcs8', der: alice.keyDer } };
const recipients = JSON.parse(readFileSync(options.recipientsFile, 'utf8')).map((r) => ({ address: r.address, certificate: Buffer.from(r.certificate, 'base64') }));
const keystore = createMemoryKeyStore();
for (const r of recipients) await keystore.put({ address: r.address, certificate: new Uint8Array(r.certificate), source: 'bench' });

const addresses = recipients.map((r) => r.address);
const message = messageToMany({ from: alice.email, recipients: addresses, bodyKiB: 10 });
const warmupMessage = messageToMany({ from: alice.email, recipients: addresses.slice(0, options.warmupRecipients), bodyKiB: 10 });
const transport = countingTransport();
const backends = (await createBackends(options.backends)).filter((v) => v.follows === undefined);
const sealposts = backends.map((v) => ({ id: v.id, sealpost: createSealpost({ backend: v.backend, transport, keystore, identity }) }));
// What each copy encrypts: the signed entity (the content and its signature), about the size of the
// same message signed without its Bcc field (which no copy carries).
const entityBytes = (await sealposts[0].sealpost.sign(textMessage({ from: alice.email, to: alice.email, bodyKiB: 10 }), { signer: identity })).length;
const rawSend = prepareRawSend(recipients, entityBytes);

for (const { sealpost } of sealposts) await sendAll(sealpost, warmupMessage, options.warmupRecipients);
rawSend(options.warmupRecipients);

const samples = Object.fromEntries([...sealposts.map((s) => [s.id, []]), ['raw-node', []]]);
for (let run = 0; run < options.runs; run++) {
  for (const { id, sealpost } of sealposts) {
    const before = transport.count;
    const started = performance.now();
    const report = await sealpost.send(message, { cipher: 'aes-256-gcm' });
    samples[id].push(performance.now() - started);
    checkReport(report, transport.count - before, addresses.length);
  }
  const started = performance.now();
  rawSend(addresses.length);
  samples['raw-node'].push(performance.now() - started);
}
process.stdout.write(`${JSON.stringify({ samples, copies: addresses.length, copyBytes: Math.round(transport.bytes / transport.count), entityBytes })}\n`);
process.exit(0);

async function sendAll(sealpost, msg, count) {
  const before = transport.count;
  checkReport(await sealpost.send(msg, { cipher: 'aes-256-gcm' }), transport.count - before, count);
}

function checkReport(report, handedOver, expected) {
  const accepted = report.recipients.filter((r) => r.status === 'accepted' && r.encrypted && r.signed).length;
  if (accepted !== expected || handedOver !== expected) throw new Error(`send: ${accepted} of ${expected} accepted sealed, ${handedOver} handed to the transport`);
}

/** A transport that takes every copy in-process and counts it: the cost of sending is left out. */
function countingTransport() {
  const t = {
    name: 'counting',
    count: 0,
    bytes: 0,
    async send(request) {
      t.count += 1;
      t.bytes += request.message.length;
      return { transport: 'counting', recipients: request.envelope.to.map((address) => ({ address, status: 'accepted' })) };
    },
  };
  return t;
}

/**
 * send()'s cryptographic work with node:crypto (WebCrypto has no RSAES-PKCS1-v1_5): once, SHA-256 of
 * the content and one signature; per copy, two RSA public operations (the recipient, and the sender,
 * to whom every copy is also encrypted) and AES-256-GCM over the signed entity. Keys imported once.
 */
function prepareRawSend(list, plaintextBytes) {
  const signer = createPrivateKey({ key: Buffer.from(alice.keyDer), format: 'der', type: 'pkcs8' });
  const sender = createPublicKey({ key: Buffer.from(parseCertificate(alice.cert).spki), format: 'der', type: 'spki' });
  // Every generated certificate holds the same key, so one import stands for all of them.
  const recipient = createPublicKey({ key: Buffer.from(parseCertificate(list[0].certificate).spki), format: 'der', type: 'spki' });
  const entity = randomBytes(plaintextBytes);
  const attributes = randomBytes(SIGNED_ATTRIBUTES);
  return (copies) => {
    createHash('sha256').update(message).digest();
    sign('sha256', attributes, signer);
    for (let i = 0; i < copies; i++) {
      const cek = randomBytes(32);
      publicEncrypt({ key: recipient, padding: constants.RSA_PKCS1_PADDING }, cek);
      publicEncrypt({ key: sender, padding: constants.RSA_PKCS1_PADDING }, cek);
      const cipher = createCipheriv('aes-256-gcm', cek, randomBytes(12));
      cipher.update(entity);
      cipher.final();
      cipher.getAuthTag();
    }
  };
}
