import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Identity, type OpenLayer, type OpenReport, type Sealpost, decodeBody, parseMime } from '@sealpost/core';
import { loadCertificateFile, loadIdentity } from '../identity.js';
import { writeTestIdentity } from '../keygen.js';
import { composeDemoMessage, expectedAttachmentBytes } from './message.js';
import { formatTable } from './table.js';
import { flipCiphertextByte } from './tamper.js';

export type Say = (text: string) => Promise<void>;

interface Cast {
  readonly ca: Uint8Array;
  readonly alice: Identity;
  readonly bob: Identity;
  readonly mallory: Identity;
}

interface Outcome {
  readonly label: string;
  readonly report: OpenReport;
}

/**
 * The whole story on this machine: keys, a sealed message, opening it, and two attacks that fail.
 * Returns the list of expected outcomes that did not happen (empty when the demo went as it should).
 */
export async function runDemo(sealpost: Sealpost, say: Say): Promise<string[]> {
  const started = Date.now();
  const failures: string[] = [];
  const expect = (ok: boolean, what: string): void => {
    if (!ok) failures.push(what);
  };
  const dir = await mkdtemp(join(tmpdir(), 'sealpost-demo-')); // mode 0700
  try {
    await say(`Sealpost demo: S/MIME mail from Alice to Bob, on this machine only (no network, no mail server).\nBackend: ${sealpost.backend.name}.\n\n`);
    const cast = await makeCast(dir, say);
    const outcomes: Outcome[] = [];

    const message = composeDemoMessage({
      from: 'Alice <alice@example.com>',
      to: 'Bob <bob@example.com>',
      subject: 'Contract, signed and sealed',
      text: 'Hi Bob,\n\nthe contract is attached. Only you can read this, and you can check it is from me.\n\nAlice',
    });
    await say(`2. Alice writes to Bob: a text part and an attachment holding 8-bit (UTF-8) bytes, ${message.length} bytes in all.\n\n`);

    const sealed = await sealpost.signAndEncrypt(message, {
      signer: cast.alice,
      recipients: [cast.bob.certificate, cast.alice.certificate],
      cipher: 'aes-256-gcm',
    });
    const outer = parseMime(sealed).contentType;
    await say(
      '3. Alice signs the message with her key (SHA-256; the 8-bit attachment is base64-encoded first so no\n' +
        '   mail server can alter a signed byte), then encrypts the signed part with AES-256-GCM to Bob and to\n' +
        '   herself, so her sent copy stays readable. From, To and Subject stay visible outside.\n' +
        `   Result: ${outer.type}/${outer.subtype}; smime-type=${outer.params['smime-type'] ?? '?'}, ${sealed.length} bytes.\n\n`,
    );

    const bobOpens = await sealpost.open(sealed, { identities: [cast.bob], trustAnchors: [cast.ca] });
    outcomes.push({ label: 'Bob opens', report: bobOpens });
    const attachmentIntact = attachmentArrived(bobOpens);
    await say(
      "4. Bob opens it with his key, trusting only the test CA. Outer layer: decrypted, and GCM's tag proves\n" +
        "   the ciphertext was not changed. Inner layer: Alice's signature verifies, her certificate chains to\n" +
        `   the CA and names the From address. Verdict: ${bobOpens.status}. Attachment bytes unchanged: ${attachmentIntact ? 'yes' : 'NO'}.\n\n`,
    );
    expect(bobOpens.status === 'valid', `Bob's open should be valid, was ${bobOpens.status}`);
    expect(isDecryptedGcm(bobOpens.layers[0]), 'the outer layer should be decrypted, AES-256-GCM, authenticated');
    expect(isValidFrom(bobOpens.layers[1], 'alice@example.com'), 'the inner layer should be a valid signature by alice@example.com');
    expect(attachmentIntact, 'the attachment should arrive byte for byte');

    const aliceOpens = await sealpost.open(sealed, { identities: [cast.alice], trustAnchors: [cast.ca] });
    outcomes.push({ label: "Alice's sent copy", report: aliceOpens });
    await say(`5. Alice opens her own sent copy with her key: ${aliceOpens.status}.\n\n`);
    expect(aliceOpens.status === 'valid', `Alice's sent copy should open as valid, was ${aliceOpens.status}`);

    const tampered = flipCiphertextByte(sealed);
    const tamperedOpens = await sealpost.open(tampered, { identities: [cast.bob], trustAnchors: [cast.ca] });
    outcomes.push({ label: 'one bit flipped', report: tamperedOpens });
    const tamperError = tamperedOpens.errors[0];
    const why = tamperError === undefined ? '' : ` (${tamperError.message})`;
    await say(
      `6. Someone on the way flips one bit of the ciphertext. Bob opens the copy: ${tamperedOpens.status}${why}.\n` +
        '   No plaintext is released, and the error does not say why: that would help an attacker.\n\n',
    );
    expect(tamperedOpens.status === 'failed', `the tampered copy should fail to decrypt, was ${tamperedOpens.status}`);
    expect(tamperedOpens.content === undefined, 'the tampered copy should release no content');
    expect(tamperedOpens.errors.some((e) => e.code === 'ERR_DECRYPTION_FAILED'), 'the tampered copy should report ERR_DECRYPTION_FAILED');

    const spoof = composeDemoMessage({
      from: 'Alice <alice@example.com>',
      to: 'Bob <bob@example.com>',
      subject: 'Change of bank details',
      text: 'Hi Bob,\n\nplease pay the invoice to the new account below.\n\nAlice',
    });
    const spoofSealed = await sealpost.signAndEncrypt(spoof, { signer: cast.mallory, recipients: [cast.bob.certificate], cipher: 'aes-256-gcm' });
    const spoofOpens = await sealpost.open(spoofSealed, { identities: [cast.bob], trustAnchors: [cast.ca] });
    outcomes.push({ label: 'From: Alice, signed by Mallory', report: spoofOpens });
    await say(
      '7. Mallory also holds a certificate from the same CA. She writes "From: Alice <alice@example.com>" and\n' +
        '   signs with her own key. The signature is genuine and the chain is trusted, but the certificate is\n' +
        `   not issued to the From address. Verdict: ${spoofOpens.status}.\n\n`,
    );
    expect(spoofOpens.status === 'invalid', `the message from Mallory posing as Alice should be invalid, was ${spoofOpens.status}`);
    expect(spoofOpens.errors.some((e) => e.code === 'ERR_FROM_MISMATCH'), 'the message from Mallory posing as Alice should report ERR_FROM_MISMATCH');

    await say(`Summary\n\n${summaryTable(outcomes)}\n`);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    await say(failures.length === 0 ? `Every outcome was as expected (${seconds} s).\n` : `${failures.length} outcome(s) were NOT as expected (${seconds} s).\n`);
    return failures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function makeCast(dir: string, say: Say): Promise<Cast> {
  const alice = await writeTestIdentity({ email: 'alice@example.com', outDir: dir });
  const bob = await writeTestIdentity({ email: 'bob@example.com', outDir: dir, caDir: dir });
  const mallory = await writeTestIdentity({ email: 'mallory@example.com', outDir: dir, caDir: dir });
  await say(
    '1. Make a test CA, the authority both sides trust, and certificates for alice@example.com,\n' +
      '   bob@example.com and mallory@example.com, in a private temporary folder removed at the end.\n\n',
  );
  const [ca] = await loadCertificateFile(alice.caCert, 'CA certificate');
  return {
    ca: ca!,
    alice: await loadIdentity({ cert: [alice.cert], key: [alice.key] }),
    bob: await loadIdentity({ cert: [bob.cert], key: [bob.key] }),
    mallory: await loadIdentity({ cert: [mallory.cert], key: [mallory.key] }),
  };
}

function attachmentArrived(report: OpenReport): boolean {
  if (report.content === undefined) return false;
  const attachment = parseMime(report.content).children[1];
  if (attachment === undefined) return false;
  const expected = expectedAttachmentBytes();
  const actual = decodeBody(attachment);
  return actual.length === expected.length && actual.every((b, i) => b === expected[i]);
}

function isDecryptedGcm(layer: OpenLayer | undefined): boolean {
  return layer?.type === 'enveloped' && layer.status === 'decrypted' && layer.cipher === 'aes-256-gcm' && layer.authenticated === true;
}

function isValidFrom(layer: OpenLayer | undefined, address: string): boolean {
  return layer?.type === 'signed' && layer.status === 'valid' && layer.signers.some((s) => s.matchesFrom && s.addresses.includes(address));
}

function summaryTable(outcomes: readonly Outcome[]): string {
  const rows: string[][] = [];
  for (const { label, report } of outcomes) {
    if (report.layers.length === 0) rows.push([label, '-', '-', '-', '-', report.status]);
    report.layers.forEach((layer, i) => rows.push([i === 0 ? label : '', ...layerCells(layer)]));
  }
  return formatTable(['case', 'layer', 'cipher', 'authenticated', 'signer', 'verdict'], rows);
}

function layerCells(layer: OpenLayer): string[] {
  if (layer.type === 'enveloped')
    return ['encrypted', layer.cipher ?? '-', layer.authenticated === undefined ? '-' : layer.authenticated ? 'yes' : 'no', '-', layer.status];
  const signer = layer.signers[0]?.addresses[0] ?? '-';
  return ['signed', '-', '-', signer, layer.status];
}
