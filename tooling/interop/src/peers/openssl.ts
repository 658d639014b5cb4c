import type { ContentCipher } from '@sealpost/core';
import { type CmsCipher, type PeerContentResult, opensslDecryptDer, opensslEncryptDer, opensslSignDer, opensslVerifyDer } from '@sealpost/fixtures';
import type { Abilities } from '../abilities.js';
import type { ActorContext, ActorFactory } from '../actor.js';
import { firstLine, requireSuccess, runPeer } from './command.js';
import type { EncryptPlan, PeerDriver, PeerVerdict } from './driver.js';
import { peerActor } from './peer-actor.js';

// `openssl cms`, driven through the typed helpers of @sealpost/fixtures (each call in its own private
// temporary folder; verdicts from the exit code alone, output read only after exit 0).

const HELPER_CIPHERS: readonly CmsCipher[] = ['aes-128-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-256-gcm'];

const PRODUCES: Abilities = {
  signs: true,
  ciphers: HELPER_CIPHERS,
  keyTransports: ['rsa-pkcs1', 'rsa-oaep'],
  // ECDH as `openssl cms` writes it by default: dhSinglePass-stdDH-sha1kdf-scheme, AES key wrap.
  keyAgreements: ['ecdh-p256'],
};

const CONSUMES: Abilities = {
  signs: true,
  ciphers: ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-192-gcm', 'aes-256-gcm'],
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
    sign: (content, detached, signal) =>
      opensslSignDer({ content, certPath: sender.certPath, keyPath: sender.keyPath, detached, ...aborts(signal) }),
    encrypt: (content, plan, signal) =>
      opensslEncryptDer({
        content,
        recipientCertPaths: [plan.recipient.certPath],
        cipher: helperCipher(plan.cipher),
        oaep: oaepOf(plan),
        ...aborts(signal),
      }),
    verify: async (cms, content, signal) =>
      verdictOf(await opensslVerifyDer({ cms, ...(content === undefined ? {} : { content }), caPath: pki.ca.certPath, ...aborts(signal) })),
    decrypt: async (cms, recipient, signal) =>
      verdictOf(await opensslDecryptDer({ cms, certPath: recipient.certPath, keyPath: recipient.keyPath, ...aborts(signal) })),
    dispose: async () => {},
  };
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
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const reasons = lines.filter((l) => /^[0-9A-F]+:error:/.test(l)).map((l) => l.split(':')[5] ?? '');
  const summary = firstLine(stderr);
  const reason = reasons[reasons.length - 1];
  return reason === undefined || reason === '' || summary.includes(reason) ? summary : `${summary} (${reason})`;
}

function aborts(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}
