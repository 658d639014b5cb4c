// What is measured: each S/MIME operation through core's createSealpost, on whole messages.
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

/**
 * The cases, in table order. RSA-2048: alice signs, bob receives. EC P-256: carol signs and receives
 * (ECDH key agreement). The 1 MiB case keeps RSA-2048 and PKCS#1 v1.5 only: at that size the content
 * digest and cipher dominate and the key operation is the same as at 10 KiB.
 */
export function benchmarkCases(pki) {
  const { alice, bob, carol } = pki.identities;
  const anchors = [pki.ca.cert];
  const rsa = { slug: 'rsa2048', key: 'RSA-2048', signer: identityOf(alice), recipient: identityOf(bob), from: alice.email, to: bob.email };
  const ec = { slug: 'p256', key: 'EC P-256', signer: identityOf(carol), recipient: identityOf(carol), from: carol.email, to: carol.email };
  return [
    ...casesFor('text', rsa, textMessage({ from: rsa.from, to: rsa.to, bodyKiB: 10 }), anchors, { transports: KEY_TRANSPORTS }),
    ...casesFor('text', ec, textMessage({ from: ec.from, to: ec.to, bodyKiB: 10 }), anchors, { transports: [undefined] }),
    ...casesFor('attachment', rsa, attachmentMessage({ from: rsa.from, to: rsa.to, attachmentKiB: 1024 }), anchors, { transports: ['rsa-pkcs1'] }),
  ];
}

function casesFor(group, keys, message, trustAnchors, { transports }) {
  const id = (name) => `${group}.${keys.slug}.${name}`;
  const base = { group, key: keys.key };
  // The raw primitives' share of the row: the same keys, the message's size of content.
  const work = (kind, cipher, keyTransport) => ({
    kind,
    content: message,
    signer: keys.signer,
    recipient: keys.recipient,
    ca: trustAnchors[0],
    cipher,
    keyTransport: keyTransport ?? 'ecdh',
  });
  const sealCipher = 'aes-256-gcm';
  const recipients = [keys.recipient.certificate];
  const encryptOptions = (cipher, keyTransport) => ({ recipients, cipher, ...(keyTransport === undefined ? {} : { keyTransport }) });
  const encryptions = CIPHERS.flatMap((cipher) => transports.map((keyTransport) => ({ cipher, keyTransport })));
  const sealOptions = { signer: keys.signer, ...encryptOptions(sealCipher, transports[0]) };
  const isPkcs1 = (keyTransport) => keyTransport === 'rsa-pkcs1';
  return [
    {
      ...base,
      id: id('sign'),
      kind: 'sign',
      work: work('sign'),
      operation: 'sign (detached, SHA-256)',
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
      id: id(`encrypt.${cipher}.${keyTransport ?? 'ecdh'}`),
      kind: 'encrypt',
      work: work('encrypt', cipher, keyTransport),
      operation: `encrypt (${encryptionLabel(cipher, keyTransport)})`,
      prepare: (sp) => ({ run: () => sp.encrypt(message, encryptOptions(cipher, keyTransport)), check: expectBytes }),
    })),
    ...encryptions.map(({ cipher, keyTransport }) => ({
      ...base,
      id: id(`decrypt.${cipher}.${keyTransport ?? 'ecdh'}`),
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

function encryptionLabel(cipher, keyTransport) {
  return `${CIPHER_LABEL[cipher]}, ${keyTransport === undefined ? 'ECDH' : TRANSPORT_LABEL[keyTransport]}`;
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
