import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ContentCipher, OID } from '@sealpost/core';
import { type TestIdentity, withTempDir } from '@sealpost/fixtures';
import type { Abilities } from '../abilities.js';
import type { ActorContext, ActorFactory } from '../actor.js';
import { createLimiter, type Limiter } from '../limit.js';
import { privateDir, writePrivate } from '../files.js';
import { failureLine, firstLine, requireSuccess, runPeer, runPeerWithStdin } from './command.js';
import type { PeerDriver, PeerVerdict } from './driver.js';
import { gpgsmDecryptionProblem, gpgsmSignatureProblem } from './gpgsm-status.js';
import { peerActor } from './peer-actor.js';

// GnuPG `gpgsm` with one home per role (alice's key for producing, bob's for consuming), no CRL checks,
// no dirmngr, and the test root in trustlist.txt. Keys come from the 3DES .p12 files: gpgsm 2.2 cannot
// read PBES2. Each home's gpg-agent is stopped at dispose.

const PRODUCES: Abilities = {
  signs: true,
  ciphers: ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'des-ede3-cbc'],
  keyTransports: ['rsa-pkcs1'],
  why: {
    rc2: 'gpgsm 2.2 has no RC2 to encrypt with ("selected cipher algorithm is invalid")',
    'aes-gcm': 'gpgsm 2.2 cannot make AuthEnvelopedData: given the AES-GCM OID it writes a plain EnvelopedData with that OID, which is not RFC 5083',
    'rsa-oaep': 'gpgsm 2.2 always uses RSA PKCS#1 v1.5 key transport and has no switch for RSA-OAEP',
    ecdh: 'gpgsm 2.2 does not encrypt to EC certificates ("Wrong key usage"): no ECDH key agreement for S/MIME',
  },
};

const CONSUMES: Abilities = {
  signs: true,
  ciphers: ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'des-ede3-cbc'],
  keyTransports: ['rsa-pkcs1'],
  why: {
    rc2: 'gpgsm 2.2 does not decrypt RC2 ("Unsupported algorithm")',
    'aes-gcm': 'gpgsm 2.2 has no AuthEnvelopedData (RFC 5083): decryption fails ("error getting IV: Buffer too short")',
    'rsa-oaep': 'gpgsm 2.2 has no RSAES-OAEP key transport: it cannot unwrap the content-encryption key ("No secret key")',
    ecdh: 'gpgsm 2.2 has no ECDH key agreement for S/MIME, and importing an EC PKCS#12 key crashes gpgsm 2.2.40: it reports "No secret key"',
  },
};

// gpgsm names CBC ciphers; for anything else the OID is passed, libgcrypt's way of naming a mode.
const CIPHER_NAMES: Readonly<Partial<Record<ContentCipher, string>>> = {
  'aes-128-cbc': 'AES128',
  'aes-192-cbc': 'AES192',
  'aes-256-cbc': 'AES256',
  'des-ede3-cbc': '3DES',
  'aes-128-gcm': OID.aes128Gcm,
  'aes-192-gcm': OID.aes192Gcm,
  'aes-256-gcm': OID.aes256Gcm,
};

export const gpgsmPeer: ActorFactory = {
  id: 'gpgsm',
  label: 'GnuPG gpgsm',
  kind: 'peer',
  open: async (context) => peerActor('gpgsm', 'GnuPG gpgsm', await openGpgsmDriver(context), context.parties),
};

export async function gpgsmVersion(signal?: AbortSignal): Promise<string> {
  const result = requireSuccess('gpgsm --version', await runPeer('gpgsm', ['--version'], signal));
  return firstLine(new TextDecoder().decode(result.stdout));
}

interface GpgsmHome {
  readonly dir: string;
  /** gpgsm and its agent share a keybox: one command at a time per home. */
  readonly serial: Limiter;
}

async function openGpgsmDriver(context: ActorContext): Promise<PeerDriver> {
  const version = await gpgsmVersion(context.signal);
  const { sender, recipient, ecRecipient } = context.parties;
  const passphrase = await writePrivate(context.dir, 'gpgsm-passphrase', `${context.parties.pki.p12Password}\n`);
  const homes: GpgsmHome[] = [];
  const dispose = async (): Promise<void> => {
    await Promise.all(homes.map((home) => runPeer('gpgconf', ['--homedir', home.dir, '--kill', 'all']).catch(() => undefined)));
  };
  try {
    const producer = await createHome(context, 'gpgsm-producer', sender, [recipient, ecRecipient], passphrase, homes);
    const consumer = await createHome(context, 'gpgsm-consumer', recipient, [], passphrase, homes);
    const withKey = ['--batch', '--pinentry-mode', 'loopback', '--passphrase-fd', '0'];
    return {
      version,
      produces: PRODUCES,
      consumes: CONSUMES,
      sign: (content, detached, signal) =>
        producer.serial(() =>
          produced(content, (input, output) =>
            runPeerWithStdin(passphrase, 'gpgsm', ['--homedir', producer.dir, ...withKey, '-u', sender.email, detached ? '--detach-sign' : '--sign', '--output', output, input], signal),
          ),
        ),
      // No switch selects RSA-OAEP: gpgsm is asked for the cipher only, and the matrix reads what it made.
      encrypt: (content, plan, signal) =>
        producer.serial(() =>
          produced(content, (input, output) =>
            runPeer(
              'gpgsm',
              ['--homedir', producer.dir, '--batch', '--cipher-algo', CIPHER_NAMES[plan.cipher] ?? plan.cipher, '-r', plan.recipient.email, '--encrypt', '--output', output, input],
              signal,
            ),
          ),
        ),
      verify: (cms, content, signal) => consumer.serial(() => verify(consumer.dir, cms, content, signal)),
      // gpgsm finds the key among those it holds: bob's only (see CONSUMES.why.ecdh).
      decrypt: (cms, _recipient, signal) =>
        consumer.serial(() =>
          withTempDir('sealpost-gpgsm-', async (dir) => {
            const input = await writePrivate(dir, 'in.p7m', cms);
            const output = join(dir, 'content.out');
            const result = await runPeerWithStdin(passphrase, 'gpgsm', ['--homedir', consumer.dir, ...withKey, '--status-fd', '1', '--decrypt', '--output', output, input], signal);
            const problem = gpgsmDecryptionProblem(result.exitCode, new TextDecoder().decode(result.stdout));
            return judged(problem, result.stderr, 'DECRYPTION_OKAY', output);
          }),
        ),
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

async function createHome(context: ActorContext, name: string, owner: TestIdentity, others: readonly TestIdentity[], passphrase: string, homes: GpgsmHome[]): Promise<GpgsmHome> {
  const dir = await privateDir(context.dir, name);
  const home: GpgsmHome = { dir, serial: createLimiter(1) };
  homes.push(home);
  const { pki } = context.parties;
  await writePrivate(dir, 'gpgsm.conf', 'disable-crl-checks\ndisable-dirmngr\nno-common-certs-import\n');
  await writePrivate(dir, 'gpg-agent.conf', 'allow-loopback-pinentry\n');
  await writePrivate(dir, 'trustlist.txt', `${sha1Fingerprint(pki.ca.cert)} S relax\n`);
  const base = ['--homedir', dir, '--batch'];
  await importLegacyPkcs12(context, dir, base, owner, passphrase);
  requireSuccess('gpgsm --import', await runPeer('gpgsm', [...base, '--import', pki.ca.certPath, ...others.map((o) => o.certPath)], context.signal));
  return home;
}

// gpgsm 2.2.40 refuses about one in twenty of the 3DES PKCS#12 files `openssl pkcs12 -export` writes
// ("encryptedData error at outer.outer.seq ... possibly bad passphrase"), depending only on the random
// salts and IV: the same key and certificate exported again import. So a refused file is exported again,
// with fresh salts, into the peer's private home, a few times; a real problem still fails every time.
const PKCS12_ATTEMPTS = 5;

/** `passphraseFile` holds the .p12 password on one line: gpgsm and openssl both read it from stdin. */
async function importLegacyPkcs12(context: ActorContext, dir: string, base: readonly string[], owner: TestIdentity, passphraseFile: string): Promise<void> {
  let file = owner.p12LegacyPath;
  for (let attempt = 1; ; attempt++) {
    const result = await runPeerWithStdin(passphraseFile, 'gpgsm', [...base, '--pinentry-mode', 'loopback', '--passphrase-fd', '0', '--import', file], context.signal);
    if (result.exitCode === 0 || attempt === PKCS12_ATTEMPTS) {
      requireSuccess('gpgsm --import (PKCS#12)', result);
      return;
    }
    file = join(dir, `reexported-${attempt}.p12`);
    requireSuccess(
      'openssl pkcs12 -export (3DES, for gpgsm)',
      await runPeerWithStdin(
        passphraseFile,
        'openssl',
        [
          'pkcs12',
          '-export',
          '-in',
          owner.certPath,
          '-inkey',
          owner.keyPath,
          '-name',
          owner.name,
          '-keypbe',
          'PBE-SHA1-3DES',
          '-certpbe',
          'PBE-SHA1-3DES',
          '-macalg',
          'sha1',
          '-passout',
          'stdin',
          '-out',
          file,
        ],
        context.signal,
      ),
    );
  }
}

/** "AB:CD:..." as trustlist.txt wants it. */
function sha1Fingerprint(der: Uint8Array): string {
  const hex = createHash('sha1').update(der).digest('hex').toUpperCase();
  return hex.match(/../g)?.join(':') ?? hex;
}

async function produced(content: Uint8Array, command: (input: string, output: string) => ReturnType<typeof runPeer>): Promise<Uint8Array> {
  return withTempDir('sealpost-gpgsm-', async (dir) => {
    const input = await writePrivate(dir, 'content.bin', content);
    const output = join(dir, 'out.p7m');
    requireSuccess('gpgsm', await command(input, output));
    return new Uint8Array(await readFile(output));
  });
}

async function verify(home: string, cms: Uint8Array, content: Uint8Array | undefined, signal: AbortSignal | undefined): Promise<PeerVerdict> {
  return withTempDir('sealpost-gpgsm-', async (dir) => {
    const input = await writePrivate(dir, 'signed.p7s', cms);
    const output = join(dir, 'content.out');
    const tail = content === undefined ? ['--output', output, input] : [input, await writePrivate(dir, 'content.bin', content)];
    const result = await runPeer('gpgsm', ['--homedir', home, '--batch', '--status-fd', '1', '--verify', ...tail], signal);
    const problem = gpgsmSignatureProblem(result.exitCode, new TextDecoder().decode(result.stdout));
    return judged(problem, result.stderr, 'GOODSIG, TRUST_FULLY', content === undefined ? output : undefined);
  });
}

async function judged(problem: string | null, stderr: string, good: string, output: string | undefined): Promise<PeerVerdict> {
  if (problem !== null) return { ok: false, detail: `${problem}: ${failureLine(stderr)}` };
  if (output === undefined) return { ok: true, detail: good };
  return { ok: true, detail: good, content: new Uint8Array(await readFile(output)) };
}
