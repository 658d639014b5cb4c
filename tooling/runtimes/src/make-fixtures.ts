// The inputs every runtime reads, made now with core's test PKI (no stored blobs) and sealed by the
// backend the caller passes (the test passes Node's pkijs).
import { type CryptoBackend, createSealpost } from '@sealpost/core';
import { type TestCa, type TestIdentity, type TestKeyType, generateTestCa, generateTestIdentity } from '@sealpost/core/testing';
import { type FixturesJson, type IdentityJson, type SparkPostJson, textOf } from './fixtures.js';
import { MARKER } from './scenarios.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function identityJson(id: TestIdentity): IdentityJson {
  return { email: id.email, certificate: textOf(id.certificate), privateKey: textOf(id.privateKey.der) };
}

const identity = (ca: TestCa, email: string, keyType: TestKeyType): Promise<TestIdentity> => generateTestIdentity({ email, keyType, ca });

function message(from: string, subject: string): Uint8Array {
  return enc.encode(
    `From: ${from}\r\nTo: ${from}\r\nSubject: ${subject}\r\nDate: Sun, 06 Dec 2026 08:00:00 +0000\r\nMessage-ID: <node-fixture@example.com>\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nMade by Node.\r\n${MARKER}\r\n`,
  );
}

/** `bytes` with one base64 character of the CMS body changed, half way through it (ciphertext there). */
function flipBase64InBody(bytes: Uint8Array): Uint8Array {
  const text = dec.decode(bytes);
  const start = text.indexOf('\r\n\r\n') + 4;
  const at = start + Math.floor((text.length - start) / 2);
  let i = at;
  while (!/[A-Za-z0-9]/.test(text[i] ?? '')) i += 1;
  const swapped = text[i] === 'A' ? 'B' : 'A';
  return enc.encode(text.slice(0, i) + swapped + text.slice(i + 1));
}

export interface MakeFixturesOptions {
  readonly backend: CryptoBackend;
  readonly sparkpost?: SparkPostJson;
}

export async function makeFixtures(options: MakeFixturesOptions): Promise<FixturesJson> {
  const rsaCa = await generateTestCa({ commonName: 'Sealpost Runtimes RSA Root' });
  const edCa = await generateTestCa({ commonName: 'Sealpost Runtimes Ed25519 Root', keyType: 'ed25519' });
  const rsa = await identity(rsaCa, 'alice@example.com', 'rsa-2048');
  const ec = await identity(rsaCa, 'carol@example.com', 'ec-p256');
  const ed25519 = await identity(edCa, 'erin@example.com', 'ed25519');
  const x25519 = await identity(edCa, 'xavier@example.com', 'x25519');

  const sp = createSealpost({ backend: options.backend, policy: { revocation: 'off' } });
  const signer = { certificate: rsa.certificate, privateKey: rsa.privateKey };
  const signed = await sp.sign(message(rsa.email, 'signed in Node'), { signer });
  const tamperedSigned = enc.encode(dec.decode(signed).replace('Made by Node.', 'Made by Eve..'));
  if (dec.decode(tamperedSigned) === dec.decode(signed)) throw new Error('makeFixtures: the signed body was not found to tamper with');
  const sealed = await sp.signAndEncrypt(message(rsa.email, 'sealed in Node'), { signer, recipients: [rsa.certificate], cipher: 'aes-256-gcm', keyTransport: 'rsa-oaep' });
  const sealedProtected = await sp.signAndEncrypt(message(rsa.email, 'Q3 figures: sealed in Node'), {
    signer,
    recipients: [rsa.certificate],
    headerProtection: 'encrypt',
  });
  const aes192 = await sp.encrypt(message(rsa.email, 'AES-192 from Node'), { recipients: [rsa.certificate], cipher: 'aes-192-cbc' });
  const gcm = await sp.encrypt(message(rsa.email, 'encrypted in Node'), { recipients: [rsa.certificate], cipher: 'aes-256-gcm' });

  return {
    anchors: [textOf(rsaCa.certificate), textOf(edCa.certificate)],
    identities: { rsa: identityJson(rsa), ec: identityJson(ec), ed25519: identityJson(ed25519), x25519: identityJson(x25519) },
    messages: {
      signed: textOf(signed),
      tamperedSigned: textOf(tamperedSigned),
      sealed: textOf(sealed),
      sealedProtected: textOf(sealedProtected),
      tamperedGcm: textOf(flipBase64InBody(gcm)),
      aes192: textOf(aes192),
    },
    relayToken: 'relay-token-runtimes-7d41',
    ...(options.sparkpost === undefined ? {} : { sparkpost: options.sparkpost }),
  };
}

/** The fixtures without the SparkPost server: what a page or a worker gets (it sends nothing). */
export function withoutNetwork(fixtures: FixturesJson): FixturesJson {
  const { sparkpost: _sparkpost, ...rest } = fixtures;
  return rest;
}
