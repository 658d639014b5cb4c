import { access, readFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { inspectCms } from '@sealpost/core';
import { type TestIdentity, type TestPki, withTempDir } from '@sealpost/fixtures';
import type { Abilities } from '../abilities.js';
import type { ActorContext, ActorFactory } from '../actor.js';
import { createLimiter } from '../limit.js';
import { privateDir, writePrivate } from '../files.js';
import { failureLine, requireSuccess, runPeer } from './command.js';
import type { PeerDriver, PeerVerdict } from './driver.js';
import { nssSignerProblem, nssSignerReport } from './nss-status.js';
import { peerActor } from './peer-actor.js';

// NSS `cmsutil` (the S/MIME engine of Thunderbird) with one certificate database per role: the
// producer's holds alice's key, the consumer's bob's key; both trust only the test root.

const PRODUCES: Abilities = {
  signs: true,
  ciphers: ['aes-128-cbc'],
  keyTransports: ['rsa-pkcs1'],
  why: {
    'aes-cbc': 'cmsutil -E always encrypts with AES-128-CBC',
    'des-ede3': 'cmsutil -E always encrypts with AES-128-CBC',
    rc2: 'cmsutil -E always encrypts with AES-128-CBC',
    'aes-gcm': 'cmsutil -E always makes AES-128-CBC EnvelopedData and has no switch for AuthEnvelopedData (AES-GCM)',
    'rsa-oaep': 'cmsutil -E always uses RSA PKCS#1 v1.5 key transport and has no switch for RSA-OAEP',
    ecdh: 'NSS 3.87 CMS has no ECDH key agreement: cmsutil -E to an EC certificate stops with SEC_ERROR_INVALID_ALGORITHM',
  },
};

const CONSUMES: Abilities = {
  signs: true,
  ciphers: ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'des-ede3-cbc', 'rc2-128-cbc'],
  keyTransports: ['rsa-pkcs1'],
  why: {
    'aes-gcm': 'NSS has no AuthEnvelopedData (RFC 5083); cmsutil stops at its content type with SEC_ERROR_UNRECOGNIZED_OID',
    'rsa-oaep': 'NSS CMS has no RSAES-OAEP key transport; cmsutil stops with SEC_ERROR_UNSUPPORTED_KEYALG',
    ecdh: 'NSS 3.87 CMS has no ECDH key agreement: cmsutil -D stops at the KeyAgreeRecipientInfo with SEC_ERROR_BAD_DER, the EC key in its database or not',
  },
};

const ROOT_NICKNAME = 'Sealpost Test Root CA';

export const nssPeer: ActorFactory = {
  id: 'nss',
  label: 'NSS cmsutil',
  kind: 'peer',
  open: async (context) => peerActor('nss', 'NSS cmsutil', await openNssDriver(context), context.parties),
};

async function openNssDriver(context: ActorContext): Promise<PeerDriver> {
  const version = await nssVersion(context.signal);
  const { pki, sender, recipient, ecRecipient } = context.parties;
  const producerDb = await createDatabase(context, pki, 'nss-producer', sender, [recipient, ecRecipient]);
  // Carol's EC key too, so that a key-agreement cell fails only for what NSS lacks.
  const consumerDb = await createDatabase(context, pki, 'nss-consumer', recipient, [], [ecRecipient]);
  // One cmsutil at a time per run: the databases are SQLite files shared by every call.
  const serial = createLimiter(1);
  return {
    version,
    produces: PRODUCES,
    consumes: CONSUMES,
    sign: (content, detached, signal) =>
      serial(() => produced(content, signal, (input, output) => ['-S', ...(detached ? ['-T'] : []), '-N', sender.email, '-H', 'SHA256', '-G', '-P', '-i', input, '-d', producerDb, '-o', output])),
    // cmsutil has no switch for the cipher or the RSA padding: the matrix reads what it made.
    encrypt: (content, plan, signal) => serial(() => produced(content, signal, (input, output) => ['-E', '-r', plan.recipient.email, '-i', input, '-d', producerDb, '-o', output])),
    verify: (cms, content, signal) => serial(() => verify(consumerDb, cms, content, signal)),
    // cmsutil finds the key for any recipient in its database.
    decrypt: (cms, _recipient, signal) => serial(() => decoded(consumerDb, cms, signal)),
    dispose: async () => {},
  };
}

async function createDatabase(context: ActorContext, pki: TestPki, name: string, owner: TestIdentity, others: readonly TestIdentity[], moreKeys: readonly TestIdentity[] = []): Promise<string> {
  const dir = await privateDir(context.dir, name);
  const db = `sql:${dir}`;
  const passwordFile = await writePrivate(dir, 'p12-password', `${pki.p12Password}\n`);
  const run = async (file: string, args: readonly string[]): Promise<void> => {
    requireSuccess(`${file} ${args[0] ?? ''}`, await runPeer(file, args, context.signal));
  };
  await run('certutil', ['-N', '-d', db, '--empty-password']);
  for (const holder of [owner, ...moreKeys]) await run('pk12util', ['-i', holder.p12Path, '-d', db, '-w', passwordFile, '-K', '']);
  await run('certutil', ['-A', '-d', db, '-n', ROOT_NICKNAME, '-t', 'C,C,C', '-i', pki.ca.certPath]);
  for (const other of others) await run('certutil', ['-A', '-d', db, '-n', other.name, '-t', ',,', '-i', other.certPath]);
  return db;
}

async function produced(content: Uint8Array, signal: AbortSignal | undefined, args: (input: string, output: string) => string[]): Promise<Uint8Array> {
  return withTempDir('sealpost-nss-', async (dir) => {
    const input = await writePrivate(dir, 'content.bin', content);
    const output = join(dir, 'out.p7m');
    requireSuccess('cmsutil', await runPeer('cmsutil', args(input, output), signal));
    return new Uint8Array(await readFile(output));
  });
}

async function verify(db: string, cms: Uint8Array, content: Uint8Array | undefined, signal: AbortSignal | undefined): Promise<PeerVerdict> {
  // With -c, cmsutil checks embedded eContent and ignores the detached content: refuse that shape here.
  if (content !== undefined && hasEContent(cms)) return { ok: false, detail: 'detached signature carries eContent, which cmsutil would verify instead' };
  const status = await withTempDir('sealpost-nss-', async (dir) => {
    const input = await writePrivate(dir, 'signed.p7s', cms);
    const detached = content === undefined ? [] : ['-c', await writePrivate(dir, 'content.bin', content)];
    return runPeer('cmsutil', ['-D', '-n', '-h', '1', '-i', input, ...detached, '-d', db], signal);
  });
  if (status.exitCode !== 0) return { ok: false, detail: `cmsutil exit ${status.exitCode}: ${failureLine(status.stderr)}` };
  const problem = nssSignerProblem(nssSignerReport(new TextDecoder().decode(status.stdout)));
  if (problem !== null) return { ok: false, detail: problem };
  if (content !== undefined) return { ok: true, detail: 'GoodSignature' };
  const unwrapped = await decoded(db, cms, signal);
  return unwrapped.ok ? { ...unwrapped, detail: 'GoodSignature' } : unwrapped;
}

function hasEContent(cms: Uint8Array): boolean {
  const summary = inspectCms(cms);
  return summary.type === 'signed-data' && summary.eContent !== null;
}

/** `cmsutil -D`: decrypts, or unwraps and verifies an opaque signature; content only after exit 0. */
async function decoded(db: string, cms: Uint8Array, signal: AbortSignal | undefined): Promise<PeerVerdict> {
  return withTempDir('sealpost-nss-', async (dir) => {
    const input = await writePrivate(dir, 'in.p7m', cms);
    const output = join(dir, 'content.out');
    const result = await runPeer('cmsutil', ['-D', '-i', input, '-d', db, '-o', output], signal);
    if (result.exitCode !== 0) return { ok: false, detail: `cmsutil exit ${result.exitCode}: ${failureLine(result.stderr)}` };
    return { ok: true, detail: 'cmsutil exit 0', content: new Uint8Array(await readFile(output)) };
  });
}

/** "NSS 3.87.1", read from the libnss3 that cmsutil links (cmsutil itself has no version switch). */
export async function nssVersion(signal?: AbortSignal): Promise<string> {
  const cmsutil = await onPath('cmsutil');
  if (cmsutil === null) throw new Error('cmsutil is not installed or not on PATH (Debian: apt-get install libnss3-tools)');
  const ldd = await runPeer('ldd', [cmsutil], signal).catch(() => null);
  const library = ldd === null ? undefined : /libnss3\.so\S* => (\S+)/.exec(new TextDecoder().decode(ldd.stdout))?.[1];
  if (library === undefined) return 'NSS (version not found)';
  const text = (await readFile(library)).toString('latin1');
  const version = /Version: NSS (\d+(?:\.\d+)+)/.exec(text)?.[1];
  return version === undefined ? 'NSS (version not found)' : `NSS ${version}`;
}

async function onPath(name: string): Promise<string | null> {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    const found = await access(candidate, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (found) return candidate;
  }
  return null;
}
