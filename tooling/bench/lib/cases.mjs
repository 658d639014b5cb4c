// What is measured: each S/MIME operation through core's createSealpost, on whole messages.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateTestCa, generateTestIdentity } from '../../../packages/core/dist/testing.js';
import { pemBlocksToDer, vectorsDir } from '../../fixtures/dist/index.js';
import { attachmentMessage, textMessage } from './messages.mjs';

/**
 * What the product asks of each operation: its throughput at least this share of the raw primitives
 * doing the same cryptographic work (see raw.mjs). Reported next to the ratio, never asserted.
 */
export const GOALS = { sign: 0.8, verify: 0.5, open: 0.5 };

/** Operation kinds, as `--only` names them. */
export const KINDS = ['sign', 'verify', 'encrypt', 'decrypt', 'sign-and-encrypt', 'open'];

export const GROUPS = [
  { id: 'text', title: '10 KiB text message' },
  { id: 'attachment', title: '1 MiB attachment' },
];

const CIPHERS = ['aes-256-gcm', 'aes-256-cbc'];
const KEY_TRANSPORTS = ['rsa-pkcs1', 'rsa-oaep'];
const CIPHER_LABEL = { 'aes-256-gcm': 'AES-256-GCM', 'aes-256-cbc': 'AES-256-CBC' };
const TRANSPORT_LABEL = { 'rsa-pkcs1': 'RSA PKCS#1 v1.5', 'rsa-oaep': 'RSA-OAEP' };
const AGREEMENT_LABEL = { ecdh: 'ECDH', x25519: 'X25519', 'ml-kem-768': 'ML-KEM-768' };
const DIGEST_LABEL = { 'sha-256': 'SHA-256', 'sha-512': 'SHA-512' };

/** Key sets, as `--keys` names them, in table order. */
export const KEY_SETS = ['rsa2048', 'p256', 'ed25519', 'mldsa65'];

/**
 * The cases, in table order. RSA-2048: alice signs, bob receives. EC P-256: carol signs and receives
 * (ECDH key agreement). Ed25519 / X25519: RFC 9216's carlos signs (Ed25519, SHA-512) and dana receives
 * (X25519 key agreement), under the LAMPS Ed25519 CA. ML-DSA-65 / ML-KEM-768 (experimental): a signer
 * and a KEMRecipientInfo recipient under an ML-DSA-65 test CA made for the run. The 1 MiB case keeps
 * RSA-2048 and PKCS#1 v1.5 only: at that size the content digest and cipher dominate and the key
 * operation is the same as at 10 KiB. `keySets` (default all) leaves the others out.
 */
export async function benchmarkCases(pki, keySets = KEY_SETS) {
  const { alice, bob, carol } = pki.identities;
  const anchors = [pki.ca.cert];
  const rsa = { slug: 'rsa2048', key: 'RSA-2048', signer: identityOf(alice), recipient: identityOf(bob), from: alice.email, to: bob.email, anchors };
  const ec = { slug: 'p256', key: 'EC P-256', signer: identityOf(carol), recipient: identityOf(carol), from: carol.email, to: carol.email, anchors, agreement: 'ecdh' };
  const text = (keys) => textMessage({ from: keys.from, to: keys.to, bodyKiB: 10 });
  const cases = [];
  if (keySets.includes('rsa2048')) cases.push(...casesFor('text', rsa, text(rsa), { transports: KEY_TRANSPORTS }));
  if (keySets.includes('p256')) cases.push(...casesFor('text', ec, text(ec), { transports: [undefined] }));
  if (keySets.includes('ed25519')) {
    const keys = curve25519Keys();
    cases.push(...casesFor('text', keys, text(keys), { transports: [undefined], ciphers: ['aes-256-gcm'] }));
  }
  if (keySets.includes('mldsa65')) {
    const keys = await postQuantumKeys();
    cases.push(...casesFor('text', keys, text(keys), { transports: [undefined], ciphers: ['aes-256-gcm'] }));
  }
  if (keySets.includes('rsa2048')) cases.push(...casesFor('attachment', rsa, attachmentMessage({ from: rsa.from, to: rsa.to, attachmentKiB: 1024 }), { transports: ['rsa-pkcs1'] }));
  return cases;
}

/** RFC 9216's example keys, as the repository keeps them (tooling/fixtures/vectors/rfc9216). */
function curve25519Keys() {
  const rfc9216 = (name, label) => pemBlocksToDer(readFileSync(join(vectorsDir(), 'rfc9216', name), 'utf8'), label)[0];
  const identity = (certificate, key) => ({ certificate: rfc9216(certificate, 'CERTIFICATE'), privateKey: { type: 'pkcs8', der: rfc9216(key, 'PRIVATE KEY') } });
  return {
    slug: 'ed25519',
    key: 'Ed25519 / X25519',
    signer: identity('carlos@smime.example.sig.pem', 'lamps-carlos.p8.pem'),
    recipient: identity('dana@smime.example.enc.pem', 'lamps-dana.decrypt.p8.pem'),
    from: 'carlos@smime.example',
    to: 'dana@smime.example',
    anchors: [rfc9216('Sample_LAMPS_Ed25519_Certification_Authority.selfsigned.pem', 'CERTIFICATE')],
    digest: 'sha-512',
    agreement: 'x25519',
  };
}

/** Core's test helpers: an ML-DSA-65 root, an ML-DSA-65 signer and an ML-KEM-768 recipient (seed-form keys). */
async function postQuantumKeys() {
  const ca = await generateTestCa({ keyType: 'ml-dsa-65', commonName: 'Sealpost Bench ML-DSA-65 CA' });
  const from = 'alice@example.com';
  const to = 'bob@example.com';
  const signer = await generateTestIdentity({ email: from, keyType: 'ml-dsa-65', ca });
  const recipient = await generateTestIdentity({ email: to, keyType: 'ml-kem-768', ca });
  const identity = (id) => ({ certificate: id.certificate, privateKey: id.privateKey });
  return {
    slug: 'mldsa65',
    key: 'ML-DSA-65 / ML-KEM-768',
    signer: identity(signer),
    recipient: identity(recipient),
    from,
    to,
    anchors: [ca.certificate],
    digest: 'sha-512',
    agreement: 'ml-kem-768',
    // The openssl backend runs ML-DSA and ML-KEM in-process (@noble/post-quantum): no openssl process.
    inProcess: true,
  };
}

function casesFor(group, keys, message, { transports, ciphers = CIPHERS }) {
  const id = (name) => `${group}.${keys.slug}.${name}`;
  const base = { group, key: keys.key, ...(keys.inProcess ? { inProcess: true } : {}) };
  const trustAnchors = keys.anchors;
  const digest = keys.digest ?? 'sha-256';
  // The raw primitives' share of the row: the same keys, the message's size of content.
  const work = (kind, cipher, keyTransport) => ({
    kind,
    content: message,
    signer: keys.signer,
    recipient: keys.recipient,
    ca: trustAnchors[0],
    digest,
    cipher,
    keyTransport: keyTransport ?? keys.agreement,
  });
  const sealCipher = 'aes-256-gcm';
  const recipients = [keys.recipient.certificate];
  const encryptOptions = (cipher, keyTransport) => ({ recipients, cipher, ...(keyTransport === undefined ? {} : { keyTransport }) });
  const encryptions = ciphers.flatMap((cipher) => transports.map((keyTransport) => ({ cipher, keyTransport })));
  const sealOptions = { signer: keys.signer, ...encryptOptions(sealCipher, transports[0]) };
  const isPkcs1 = (keyTransport) => keyTransport === 'rsa-pkcs1';
  const encryptionLabel = (cipher, keyTransport) => `${CIPHER_LABEL[cipher]}, ${keyTransport === undefined ? AGREEMENT_LABEL[keys.agreement] : TRANSPORT_LABEL[keyTransport]}`;
  return [
    {
      ...base,
      id: id('sign'),
      kind: 'sign',
      work: work('sign'),
      operation: `sign (detached, ${DIGEST_LABEL[digest]})`,
      prepare: (sp) => ({ run: () => sp.sign(message, { signer: keys.signer }), check: expectBytes }),
    },
    {
      ...base,
      id: id('verify'),
      kind: 'verify',
      work: work('verify'),
      operation: 'verify (verdict, chain to the root)',
      prepare: async (sp) => {
        const signed = await sp.sign(message, { signer: keys.signer });
        return { run: () => sp.verify(signed, { trustAnchors }), check: expectStatus('valid') };
      },
    },
    ...encryptions.map(({ cipher, keyTransport }) => ({
      ...base,
      id: id(`encrypt.${cipher}.${keyTransport ?? keys.agreement}`),
      kind: 'encrypt',
      work: work('encrypt', cipher, keyTransport),
      operation: `encrypt (${encryptionLabel(cipher, keyTransport)})`,
      prepare: (sp) => ({ run: () => sp.encrypt(message, encryptOptions(cipher, keyTransport)), check: expectBytes }),
    })),
    ...encryptions.map(({ cipher, keyTransport }) => ({
      ...base,
      id: id(`decrypt.${cipher}.${keyTransport ?? keys.agreement}`),
      kind: 'decrypt',
      work: work('decrypt', cipher, keyTransport),
      operation: `decrypt (${encryptionLabel(cipher, keyTransport)})`,
      rsaPkcs1Decrypt: isPkcs1(keyTransport),
      prepare: async (sp) => {
        const encrypted = await sp.encrypt(message, encryptOptions(cipher, keyTransport));
        return { run: () => sp.decrypt(encrypted, { identity: keys.recipient }), check: expectStatus('decrypted') };
      },
    })),
    {
      ...base,
      id: id('sign-and-encrypt'),
      kind: 'sign-and-encrypt',
      work: work('sign-and-encrypt', sealCipher, transports[0]),
      operation: `signAndEncrypt (${encryptionLabel('aes-256-gcm', transports[0])})`,
      prepare: (sp) => ({ run: () => sp.signAndEncrypt(message, sealOptions), check: expectBytes }),
    },
    {
      ...base,
      id: id('open'),
      kind: 'open',
      work: work('open', sealCipher, transports[0]),
      operation: 'open (decrypt, then verify with chain)',
      rsaPkcs1Decrypt: isPkcs1(transports[0]),
      prepare: async (sp) => {
        const sealed = await sp.signAndEncrypt(message, sealOptions);
        return { run: () => sp.open(sealed, { identities: [keys.recipient], trustAnchors }), check: expectStatus('valid') };
      },
    },
  ];
}

function identityOf(testIdentity) {
  return { certificate: testIdentity.cert, privateKey: { type: 'pkcs8', der: testIdentity.keyDer } };
}

function expectBytes(result) {
  if (!(result instanceof Uint8Array) || result.length === 0) throw new Error('the operation returned no message');
}

function expectStatus(status) {
  return (report) => {
    if (report.status !== status) {
      const codes = report.errors.map((e) => e.code).join(', ');
      throw new Error(`expected status ${status}, got ${report.status}${codes === '' ? '' : ` (${codes})`}`);
    }
  };
}
