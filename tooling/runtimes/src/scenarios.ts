// The round trips behind the runtime claims, written once for every runtime: no node:* import, no
// Node global, no test framework. Each returns what a caller acts on (status, error codes, a few facts),
// so the test can require the same answers from Chromium, a Web Worker, Deno and Bun as from Node.
import { type CryptoBackend, type ContentCipher, type Identity, type KeyTransport, type ReportError, type Sealpost, type SignatureScheme, createSealpost, isSealpostError } from '@sealpost/core';
import { generateTestCa, generateTestIdentity } from '@sealpost/core/testing';
import { createMemoryKeyStore } from '@sealpost/keystore-memory';
import { WEBHOOK_TOKEN_HEADER, createRelayCollector, createSparkPostTransport } from '@sealpost/transport-sparkpost';
import { type FixturesJson, type IdentityJson, bytesOf, textOf } from './fixtures.js';

export type Fact = string | number | boolean | null;

export interface ScenarioResult {
  readonly name: string;
  /** The report's status, or `threw` when the call threw. */
  readonly status: string;
  /** Every error code the report holds (its own, its signers', its layers'), or the thrown error's. */
  readonly codes: readonly string[];
  readonly facts: Readonly<Record<string, Fact>>;
  /** Bytes this runtime wrote (base64), for Node to read back; not compared. */
  readonly output?: string;
}

/** A backend as the runtime loaded it: `pkijs` from the package's own entry, `pkijs-portable` forced. */
export interface RuntimeBackend {
  readonly name: string;
  readonly backend: CryptoBackend;
}

export interface RunOptions {
  readonly fixtures: FixturesJson;
  readonly backends: readonly RuntimeBackend[];
}

/** The marker every test body carries; a decrypted or verified content must contain it. */
export const MARKER = 'the contract is attached.';
const SECRET_SUBJECT = 'Q3 figures: do not forward';

const enc = new TextEncoder();
const dec = new TextDecoder();

function message(from: string, to: string, subject = 'runtime round trip'): Uint8Array {
  return enc.encode(
    `From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\nDate: Sun, 06 Dec 2026 09:00:00 +0000\r\nMessage-ID: <runtimes@example.com>\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nHello,\r\n${MARKER}\r\n`,
  );
}

function identityOf(json: IdentityJson): Identity {
  return { certificate: bytesOf(json.certificate), privateKey: { type: 'pkcs8', der: bytesOf(json.privateKey) } };
}

const codesOf = (errors: readonly ReportError[] | undefined): string[] => (errors ?? []).map((e) => e.code);
const carries = (content: Uint8Array | undefined): boolean => content !== undefined && dec.decode(content).includes(MARKER);

/** The outer header's Subject of a whole message (what a relay, or a mail client without RFC 9788, shows). */
function outerSubject(bytes: Uint8Array): string | null {
  const text = dec.decode(bytes);
  const header = text.slice(0, text.indexOf('\r\n\r\n'));
  return /^Subject: ([^\r\n]*)$/im.exec(header)?.[1] ?? null;
}

/** Runs one round trip; a throw becomes a result (status `threw`), so one failure does not hide the rest. */
async function attempt(name: string, run: () => Promise<Omit<ScenarioResult, 'name'>>): Promise<ScenarioResult> {
  try {
    return { name, ...(await run()) };
  } catch (error) {
    const code = isSealpostError(error) ? error.code : `untyped ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    return { name, status: 'threw', codes: [code], facts: {} };
  }
}

async function verifyResult(sp: Sealpost, signed: Uint8Array, anchors: readonly Uint8Array[]): Promise<Omit<ScenarioResult, 'name'>> {
  const report = await sp.verify(signed, { trustAnchors: anchors });
  const signer = report.signers[0];
  return {
    status: report.status,
    codes: [...codesOf(report.errors), ...report.signers.flatMap((s) => codesOf(s.errors))],
    facts: {
      form: report.form ?? null,
      signatureAlgorithm: signer?.signatureAlgorithm ?? null,
      digest: signer?.digest ?? null,
      matchesFrom: signer?.matchesFrom ?? null,
      content: carries(report.content),
    },
  };
}

async function decryptResult(sp: Sealpost, encrypted: Uint8Array, identity: Identity): Promise<Omit<ScenarioResult, 'name'>> {
  const report = await sp.decrypt(encrypted, { identity });
  return {
    status: report.status,
    codes: codesOf(report.errors),
    facts: {
      cipher: report.cipher ?? null,
      authenticated: report.authenticated ?? null,
      keyTransport: report.keyTransport ?? null,
      keyAgreement: report.keyAgreement ?? null,
      content: carries(report.content),
    },
  };
}

async function openResult(sp: Sealpost, sealed: Uint8Array, identity: Identity, anchors: readonly Uint8Array[]): Promise<Omit<ScenarioResult, 'name'>> {
  const report = await sp.open(sealed, { identities: [identity], trustAnchors: anchors });
  const hp = report.headerProtection;
  const subject = hp?.headers.find((h) => h.name.toLowerCase() === 'subject')?.value ?? null;
  return {
    status: report.status,
    codes: [...codesOf(report.errors), ...report.layers.flatMap((l) => [...codesOf(l.errors), ...(l.type === 'signed' ? l.signers.flatMap((s) => codesOf(s.errors)) : [])])],
    facts: {
      layers: report.layers.map((l) => `${l.type}:${l.status}`).join(' '),
      content: carries(report.content),
      outerSubject: outerSubject(sealed),
      hp: hp?.hp ?? null,
      hpSigned: hp?.signed ?? null,
      hpEncrypted: hp?.encrypted ?? null,
      protectedSubject: subject,
      confidential: hp === undefined ? null : [...hp.confidential].sort().join(','),
      outerDifferences: hp === undefined ? null : hp.outerDifferences.length,
    },
  };
}

const SIGNING: readonly { readonly scheme: SignatureScheme; readonly key: 'rsa' | 'ec' | 'ed25519' }[] = [
  { scheme: 'rsa-pkcs1', key: 'rsa' },
  { scheme: 'rsa-pss', key: 'rsa' },
  { scheme: 'ecdsa', key: 'ec' },
  { scheme: 'ed25519', key: 'ed25519' },
];
const CIPHERS: readonly ContentCipher[] = ['aes-256-gcm', 'aes-128-cbc'];
const KEY_TRANSPORTS: readonly KeyTransport[] = ['rsa-oaep', 'rsa-pkcs1'];

/** Every round trip of one backend. */
async function backendScenarios(b: RuntimeBackend, fixtures: FixturesJson): Promise<ScenarioResult[]> {
  const sp = createSealpost({ backend: b.backend, policy: { revocation: 'off' } });
  const anchors = fixtures.anchors.map(bytesOf);
  const ids = fixtures.identities;
  const rsa = identityOf(ids.rsa);
  const results: ScenarioResult[] = [];
  const run = async (name: string, fn: () => Promise<Omit<ScenarioResult, 'name'>>): Promise<void> => {
    results.push(await attempt(`${b.name}: ${name}`, fn));
  };

  for (const { scheme, key } of SIGNING) {
    await run(`sign and verify ${scheme}`, async () => {
      const signed = await sp.sign(message(ids[key].email, ids.rsa.email), { signer: identityOf(ids[key]), scheme });
      return verifyResult(sp, signed, anchors);
    });
  }
  for (const cipher of CIPHERS) {
    for (const keyTransport of KEY_TRANSPORTS) {
      await run(`encrypt and decrypt ${cipher} ${keyTransport}`, async () => {
        const encrypted = await sp.encrypt(message(ids.ec.email, ids.rsa.email), { recipients: [rsa.certificate], cipher, keyTransport });
        return decryptResult(sp, encrypted, rsa);
      });
    }
  }
  for (const [key, cipher] of [
    ['ec', 'aes-256-gcm'],
    ['x25519', 'aes-256-cbc'],
  ] as const) {
    await run(`encrypt and decrypt ${cipher} to ${key === 'ec' ? 'ECDH P-256' : 'X25519'}`, async () => {
      const recipient = identityOf(ids[key]);
      const encrypted = await sp.encrypt(message(ids.rsa.email, ids[key].email), { recipients: [recipient.certificate], cipher });
      return decryptResult(sp, encrypted, recipient);
    });
  }
  await run('sign, encrypt and open (RSA)', async () => {
    const sealed = await sp.signAndEncrypt(message(ids.rsa.email, ids.rsa.email), { signer: rsa, recipients: [rsa.certificate], cipher: 'aes-256-gcm' });
    return { ...(await openResult(sp, sealed, rsa, anchors)), output: textOf(sealed) };
  });
  await run('sign, encrypt and open (Ed25519 signer, X25519 recipient)', async () => {
    const recipient = identityOf(ids.x25519);
    const sealed = await sp.signAndEncrypt(message(ids.ed25519.email, ids.x25519.email), {
      signer: identityOf(ids.ed25519),
      recipients: [recipient.certificate],
      cipher: 'aes-128-gcm',
    });
    return openResult(sp, sealed, recipient, anchors);
  });
  await run('header protection round trip (encrypt)', async () => {
    const sealed = await sp.signAndEncrypt(message(ids.rsa.email, ids.rsa.email, SECRET_SUBJECT), {
      signer: rsa,
      recipients: [rsa.certificate],
      headerProtection: 'encrypt',
    });
    return openResult(sp, sealed, rsa, anchors);
  });
  await run("verify Node's signed message", () => verifyResult(sp, bytesOf(fixtures.messages.signed), anchors));
  await run("verify Node's tampered signed message", () => verifyResult(sp, bytesOf(fixtures.messages.tamperedSigned), anchors));
  await run("open Node's signed and encrypted message", () => openResult(sp, bytesOf(fixtures.messages.sealed), rsa, anchors));
  await run("open Node's header-protected message", () => openResult(sp, bytesOf(fixtures.messages.sealedProtected), rsa, anchors));
  await run("decrypt Node's tampered AES-GCM message", () => decryptResult(sp, bytesOf(fixtures.messages.tamperedGcm), rsa));
  await run("decrypt Node's AES-192-CBC message", () => decryptResult(sp, bytesOf(fixtures.messages.aes192), rsa));
  await run('keystore-memory: store, look up, encrypt to what it advertises', async () => {
    const keystore = createMemoryKeyStore();
    const address = ids.rsa.email;
    const outcome = await keystore.put({ address, certificate: rsa.certificate, smimeCapabilities: ['aes-128-gcm'], source: 'import' });
    const again = await keystore.put({ address, certificate: rsa.certificate, source: 'import' });
    const stored = await keystore.get(address.replace(/@(.*)$/, (_, domain: string) => `@${domain.toUpperCase()}`));
    if (stored === null) return { status: 'not-found', codes: [], facts: { outcome, again } };
    const encrypted = await sp.encrypt(message(ids.ec.email, address), { recipients: [{ certificate: stored.certificate, smimeCapabilities: stored.smimeCapabilities }] });
    const decrypted = await decryptResult(sp, encrypted, rsa);
    return { ...decrypted, facts: { ...decrypted.facts, outcome, again, fingerprint: /^[0-9a-f]{64}$/.test(stored.fingerprint) } };
  });
  await run('transport-sparkpost: the relay collector stores a valid signer', async () => {
    const keystore = createMemoryKeyStore();
    const collector = createRelayCollector({ sealpost: sp, keystore, trustAnchors: anchors, token: fixtures.relayToken });
    const post = (token: string): Request =>
      new Request('https://collector.example/relay', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [WEBHOOK_TOKEN_HEADER]: token },
        body: relayBatch(fixtures.messages.signed, ids.rsa.email),
      });
    const refused = await collector.handle(post(`${fixtures.relayToken}x`));
    const storedBefore = (await keystore.get(ids.rsa.email)) !== null;
    const accepted = await collector.handle(post(fixtures.relayToken));
    const stored = await keystore.get(ids.rsa.email);
    return {
      status: String(accepted.status),
      codes: [],
      facts: { wrongToken: refused.status, storedBefore, stored: stored !== null && textOf(stored.certificate) === ids.rsa.certificate },
    };
  });
  return results;
}

/** A relay-webhook batch shaped like SparkPost's documented sample, the message base64-encoded. */
function relayBatch(messageBase64: string, from: string): string {
  return JSON.stringify([
    {
      msys: {
        relay_message: {
          content: {
            email_rfc822: messageBase64,
            email_rfc822_is_base64: true,
            headers: [{ From: from }, { 'Message-ID': '<runtimes@example.com>' }],
            html: '',
            subject: 'runtime round trip',
            text: MARKER,
            to: ['keys@collector.example'],
          },
          customer_id: '1337',
          friendly_from: from,
          msg_from: from,
          rcpt_to: 'keys@collector.example',
          webhook_id: '4839201967643219',
          protocol: 'smtp',
        },
      },
    },
  ]);
}

/** core/testing in this runtime: a P-256 CA and identity and an Ed25519 one, made here, sign and verify. */
async function testPkiHere(b: RuntimeBackend): Promise<ScenarioResult> {
  return attempt('core/testing: identities made here sign and verify', async () => {
    const sp = createSealpost({ backend: b.backend, policy: { revocation: 'off' } });
    const statuses: string[] = [];
    const codes: string[] = [];
    for (const keyType of ['ec-p256', 'ed25519'] as const) {
      const ca = await generateTestCa({ keyType, commonName: `Runtime ${keyType} CA` });
      const who = await generateTestIdentity({ email: `${keyType}@example.com`, keyType, ca });
      const signer = { certificate: who.certificate, privateKey: who.privateKey };
      const signed = await sp.sign(message(who.email, who.email), { signer });
      const report = await verifyResult(sp, signed, [ca.certificate]);
      statuses.push(`${keyType}:${report.status}`);
      codes.push(...report.codes);
    }
    return { status: statuses.join(' '), codes, facts: {} };
  });
}

/** A transmission to the SparkPost contract server (only where the fixtures name one). */
async function sparkPostSend(b: RuntimeBackend, fixtures: FixturesJson): Promise<ScenarioResult> {
  return attempt('transport-sparkpost: a sealed transmission is accepted', async () => {
    const target = fixtures.sparkpost;
    if (target === undefined) throw new Error('no SparkPost server in the fixtures');
    const sp = createSealpost({ backend: b.backend });
    const rsa = identityOf(fixtures.identities.rsa);
    const to = fixtures.identities.ec.email;
    const sealed = await sp.signAndEncrypt(message(fixtures.identities.rsa.email, to), { signer: rsa, recipients: [bytesOf(fixtures.identities.ec.certificate)] });
    const transport = createSparkPostTransport({ apiKey: target.apiKey, baseUrl: target.baseUrl, retry: { maxAttempts: 1 } });
    const result = await transport.send({ message: sealed, envelope: { from: fixtures.identities.rsa.email, to: [to] }, sealed: true });
    return {
      status: result.recipients.map((r) => r.status).join(' '),
      codes: [],
      facts: { transport: result.transport, id: typeof result.id === 'string' && result.id.length > 0 },
    };
  });
}

/**
 * Every round trip, in a fixed order: the per-backend ones for each backend, then the test PKI made
 * here and (where the fixtures name a server) a SparkPost transmission, both with the first backend.
 */
export async function runScenarios(options: RunOptions): Promise<ScenarioResult[]> {
  const [first] = options.backends;
  if (first === undefined) throw new TypeError('runScenarios: no backend');
  const results: ScenarioResult[] = [];
  for (const b of options.backends) results.push(...(await backendScenarios(b, options.fixtures)));
  results.push(await testPkiHere(first));
  if (options.fixtures.sparkpost !== undefined) results.push(await sparkPostSend(first, options.fixtures));
  return results;
}
