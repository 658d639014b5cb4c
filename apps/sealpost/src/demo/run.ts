import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ContentCipher, chooseCipher, createSealpost, recipientCapabilities } from '@sealpost/core';
import { createDirectoryKeyStore } from '@sealpost/keystore-dir';
import { createBackend } from '../backends.js';
import { cleanupOnSignal } from '../cleanup-on-signal.js';
import { makeCast } from './cast.js';
import { collectBobsCertificate } from './collect.js';
import type { DemoContext, Say } from './context.js';
import { type CrlServer, startCrlServer } from './crl-server.js';
import { DEMO_SUBJECT, deliverToBob } from './deliver.js';
import { availableBackends, openCopies } from './open-copies.js';
import { catchRevokedSender, revokeCarol } from './revoked.js';

export type { Say } from './context.js';

/**
 * The whole story on this machine, over loopback only: keys, collecting a certificate from signed
 * mail, sending sealed mail through SparkPost and SMTP stand-ins, opening it with every backend, two
 * attacks that fail, and a stolen key whose revoked certificate is caught. Returns the expected outcomes
 * that did not happen (empty when all went well).
 */
export async function runDemo(backendName: string, say: Say): Promise<string[]> {
  const started = Date.now();
  const failures: string[] = [];
  const backend = await createBackend(backendName);
  const dir = await mkdtemp(join(tmpdir(), 'sealpost-demo-')); // mode 0700
  // It holds test keys: a Ctrl-C must not leave it behind.
  const forget = cleanupOnSignal(() => rmSync(dir, { recursive: true, force: true }));
  let crls: CrlServer | null = null;
  try {
    // The CA's CRL distribution point; up first, since every certificate names its URL.
    crls = await startCrlServer();
    await say(
      'Sealpost demo: S/MIME mail from Alice to Bob, end to end. Everything runs on this machine: the servers\n' +
        'listen on 127.0.0.1 only, and the files live in a private temporary folder removed at the end.\n' +
        `Backend: ${backend.name}.\n\n`,
    );
    const cast = await makeCast(dir, crls.url);
    const ctx: DemoContext = { dir, cast, say, expect: (ok, what) => void (ok || failures.push(what)) };
    const { serial } = await revokeCarol(ctx, crls);
    await say(
      '1. Make a test CA (the authority everyone here trusts) and certificates for alice@example.com (the\n' +
        '   sender), bob@example.com (the recipient), mallory@example.com (up to no good) and carol@example.com.\n' +
        `   Each names the CA's CRL distribution point, ${crls.url}, served by a local HTTP server.\n\n`,
    );
    const keystore = createDirectoryKeyStore({ dir: join(dir, 'keystore') });
    const sealpost = createSealpost({ backend });

    await collectBobsCertificate(ctx, sealpost, keystore);
    // The rule send() applies: what Bob's signed mail advertised, else his certificate, else AES-256-CBC.
    const bob = await keystore.get('bob@example.com');
    const cipher = chooseCipher([bob === null ? [] : recipientCapabilities(bob.certificate, bob.smimeCapabilities).smimeCapabilities]);
    const copies = await deliverToBob(ctx, backend, keystore, cipher);

    await say(
      '4. Bob opens each copy that arrived, with every backend, trusting only the test CA. Then someone\n' +
        '   flips one bit of a copy on the way, and Mallory signs a message "From: Alice" with her own key:\n',
    );
    const backends = await availableBackends(ctx);
    const table = await openCopies(ctx, copies, backends, { name: backendName, backend }, cipher);
    await say(`\n${table}\n`);
    await say(`${lessons(cipher)}\n`);
    await catchRevokedSender(ctx, backends, crls, serial);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    await say(failures.length === 0 ? `Every outcome was as expected (${seconds} s).\n` : `${failures.length} outcome(s) were NOT as expected (${seconds} s).\n`);
    return failures;
  } finally {
    await crls?.close();
    await rm(dir, { recursive: true, force: true });
    forget();
  }
}

/** What the table shows, in words; it depends on whether the cipher Bob advertised is authenticated. */
function lessons(cipher: ContentCipher): string {
  const common =
    "   Every copy decrypts and Alice's signature verifies, her certificate naming the From address.\n" +
    `   The Subject the servers saw was "[...]"; the one inside, protected by the signature, reads\n   "${DEMO_SUBJECT}" (RFC 9788 header protection).\n` +
    "   Mallory's signature is genuine and her chain is trusted, but her certificate is not issued to the\n" +
    '   From address: invalid.\n';
  if (cipher.endsWith('-gcm')) return `${common}   ${cipher} is authenticated encryption: the flipped bit fails with one generic error and releases\n   no plaintext.\n`;
  return (
    `${common}   Bob's software advertised no authenticated cipher, so Alice used ${cipher}. CBC has no integrity check\n` +
    '   of its own: the flipped bit is caught only because the signature inside no longer verifies (see EFAIL;\n' +
    '   a recipient that advertises AES-GCM gets authenticated encryption).\n'
  );
}
