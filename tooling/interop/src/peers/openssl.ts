import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ContentCipher, OID, inspectCms } from '@sealpost/core';
import { type CmsCipher, type PeerContentResult, opensslDecryptDer, opensslEncryptDer, opensslSignDer, opensslVerifyDer, withTempDir } from '@sealpost/fixtures';
import { writePrivate } from '../files.js';
import type { Abilities } from '../abilities.js';
import type { ActorContext, ActorFactory } from '../actor.js';
import { firstLine, requireSuccess, runPeer } from './command.js';
import type { EncryptPlan, PeerDriver, PeerVerdict } from './driver.js';
import { peerActor } from './peer-actor.js';

// `openssl cms`, driven through the typed helpers of @sealpost/fixtures (each call in its own private
// temporary folder; verdicts from the exit code alone, output read only after exit 0).

const HELPER_CIPHERS: readonly CmsCipher[] = ['aes-128-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-256-gcm'];

// Old mail for the legacy rows: `openssl cms -encrypt -des3` / `-rc2-*`, RC2 with the legacy provider.
const LEGACY_FLAGS: Readonly<Partial<Record<ContentCipher, string>>> = {
  'des-ede3-cbc': 'des3',
  'rc2-40-cbc': 'rc2-40',
  'rc2-64-cbc': 'rc2-64',
  'rc2-128-cbc': 'rc2-128',
};
const LEGACY_CIPHERS = Object.keys(LEGACY_FLAGS) as ContentCipher[];
const PROVIDERS = ['-provider', 'legacy', '-provider', 'default'];

const PRODUCES: Abilities = {
  signs: true,
  ciphers: [...HELPER_CIPHERS, ...LEGACY_CIPHERS],
  keyTransports: ['rsa-pkcs1', 'rsa-oaep'],
  // ECDH as `openssl cms` writes it by default: dhSinglePass-stdDH-sha1kdf-scheme, AES key wrap.
  keyAgreements: ['ecdh-p256'],
};

const CONSUMES: Abilities = {
  signs: true,
  ciphers: ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-192-gcm', 'aes-256-gcm', ...LEGACY_CIPHERS],
  keyTransports: ['rsa-pkcs1', 'rsa-oaep'],
  keyAgreements: ['ecdh-p256'],
};

export const opensslPeer: ActorFactory = {
  id: 'openssl',
  label: 'OpenSSL cms',
  kind: 'peer',
  open: async (context) => peerActor('openssl', 'OpenSSL cms', await openOpensslDriver(context), context.parties),
};

export async function opensslVersion(signal?: AbortSignal): Promise<string> {
  const result = requireSuccess('openssl version', await runPeer('openssl', ['version'], signal));
  return firstLine(new TextDecoder().decode(result.stdout));
}

async function openOpensslDriver(context: ActorContext): Promise<PeerDriver> {
  const version = await opensslVersion(context.signal);
  const { sender, pki } = context.parties;
  return {
    version,
    produces: PRODUCES,
    consumes: CONSUMES,
    sign: (content, detached, signal) => opensslSignDer({ content, certPath: sender.certPath, keyPath: sender.keyPath, detached, ...aborts(signal) }),
    encrypt: (content, plan, signal) =>
      LEGACY_FLAGS[plan.cipher] !== undefined
        ? legacyEncrypt(content, LEGACY_FLAGS[plan.cipher]!, plan.recipient.certPath, signal)
        : opensslEncryptDer({
            content,
            recipientCertPaths: [plan.recipient.certPath],
            cipher: helperCipher(plan.cipher),
            oaep: oaepOf(plan),
            ...aborts(signal),
          }),
    verify: async (cms, content, signal) => verdictOf(await opensslVerifyDer({ cms, ...(content === undefined ? {} : { content }), caPath: pki.ca.certPath, ...aborts(signal) })),
    // RC2 with the legacy provider loaded too, as PEERS.md has it; everything else as openssl reads it by default.
    decrypt: async (cms, recipient, signal) =>
      isRc2(cms)
        ? legacyDecrypt(cms, recipient.certPath, recipient.keyPath, signal)
        : verdictOf(await opensslDecryptDer({ cms, certPath: recipient.certPath, keyPath: recipient.keyPath, ...aborts(signal) })),
    dispose: async () => {},
  };
}

/** `openssl cms -encrypt -binary -FLAG` to one recipient, DER, in a private temporary folder. */
async function legacyEncrypt(content: Uint8Array, flag: string, recipientCertPath: string, signal?: AbortSignal): Promise<Uint8Array> {
  return withTempDir('sealpost-openssl-legacy-', async (dir) => {
    const input = await writePrivate(dir, 'content.bin', content);
    const output = join(dir, 'enveloped.p7m');
    const providers = flag.startsWith('rc2') ? PROVIDERS : [];
    requireSuccess(
      `openssl cms -encrypt -${flag}`,
      await runPeer('openssl', ['cms', '-encrypt', ...providers, '-binary', `-${flag}`, '-in', input, '-outform', 'DER', '-out', output, recipientCertPath], signal),
    );
    return new Uint8Array(await readFile(output));
  });
}

function isRc2(cms: Uint8Array): boolean {
  try {
    const summary = inspectCms(cms);
    return summary.type === 'enveloped-data' && summary.cipherOid === OID.rc2Cbc;
  } catch {
    return false;
  }
}

/** `openssl cms -decrypt` with the legacy provider; the content is read only after exit 0. */
async function legacyDecrypt(cms: Uint8Array, certPath: string, keyPath: string, signal?: AbortSignal): Promise<PeerVerdict> {
  return withTempDir('sealpost-openssl-legacy-', async (dir) => {
    const input = await writePrivate(dir, 'enveloped.p7m', cms);
    const output = join(dir, 'content.out');
    const result = await runPeer('openssl', ['cms', '-decrypt', ...PROVIDERS, '-binary', '-inform', 'DER', '-in', input, '-recip', certPath, '-inkey', keyPath, '-out', output], signal);
    if (result.exitCode !== 0) return { ok: false, detail: `openssl exit ${result.exitCode}: ${opensslReason(result.stderr)}` };
    return { ok: true, detail: 'openssl exit 0', content: new Uint8Array(await readFile(output)) };
  });
}

function helperCipher(cipher: ContentCipher): CmsCipher {
  const found = HELPER_CIPHERS.find((c) => c === cipher);
  if (found === undefined) throw new Error(`the openssl driver does not offer ${cipher}`);
  return found;
}

// RFC 8551 asks for SHA-256 in OAEP; openssl's own default would be SHA-1.
function oaepOf(plan: EncryptPlan): 'sha256' | false {
  return plan.keyTransport === 'rsa-oaep' ? 'sha256' : false;
}

function verdictOf(result: PeerContentResult): PeerVerdict {
  if (!result.ok) return { ok: false, detail: `openssl exit ${result.exitCode}: ${opensslReason(result.stderr)}` };
  return { ok: true, detail: 'openssl exit 0', ...(result.content === undefined ? {} : { content: result.content }) };
}

/** The first stderr line ("Verification failure") and the reason of the last OpenSSL error-queue entry. */
export function opensslReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const reasons = lines.filter((l) => /^[0-9A-F]+:error:/.test(l)).map((l) => l.split(':')[5] ?? '');
  const summary = firstLine(stderr);
  const reason = reasons[reasons.length - 1];
  return reason === undefined || reason === '' || summary.includes(reason) ? summary : `${summary} (${reason})`;
}

function aborts(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}
