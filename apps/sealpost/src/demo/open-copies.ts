import { type ContentCipher, type CryptoBackend, type OpenLayer, type OpenReport, createSealpost, decodeBody, parseMime } from '@sealpost/core';
import { BACKEND_NAMES, createBackend } from '../backends.js';
import { formatTable } from '../text-table.js';
import type { DemoContext } from './context.js';
import type { ReceivedCopy } from './deliver.js';
import { expectedAttachmentBytes } from './message.js';
import { DEMO_SUBJECT } from './deliver.js';
import { flipCiphertextByte } from './tamper.js';

export interface NamedBackend {
  readonly name: string;
  readonly backend: CryptoBackend;
}

/** Every backend that can run here; the ones that cannot are said, with why. */
export async function availableBackends(ctx: DemoContext): Promise<NamedBackend[]> {
  const out: NamedBackend[] = [];
  for (const name of BACKEND_NAMES) {
    try {
      out.push({ name, backend: await createBackend(name) });
    } catch (error) {
      await ctx.say(`   (${name}: not available here, ${error instanceof Error ? error.message : String(error)}; it is left out)\n`);
    }
  }
  return out;
}

/** One row of the summary table. */
type Row = readonly [transport: string, backend: string, cipher: string, authenticated: string, signer: string, verdict: string];

/**
 * Step 4 and 5: Bob opens each received copy with every backend; then a copy with one bit flipped,
 * and a message Mallory signed in Alice's name, are opened and must be caught.
 */
export async function openCopies(ctx: DemoContext, copies: readonly ReceivedCopy[], backends: readonly NamedBackend[], sender: NamedBackend, cipher: ContentCipher): Promise<string> {
  const authenticated = cipher.endsWith('-gcm');
  const { cast } = ctx;
  const rows: Row[] = [];
  for (const copy of copies) {
    for (const { name, backend } of backends) {
      const report = await createSealpost({ backend }).open(copy.bytes, { identities: [cast.bob], trustAnchors: [cast.ca] });
      rows.push(row(copy.transport, name, report));
      const where = `the ${copy.transport} copy opened with ${name}`;
      ctx.expect(report.status === 'valid', `${where} should be valid, was ${report.status}`);
      ctx.expect(isDecrypted(report.layers[0], cipher, authenticated), `${where}: the outer layer should be decrypted ${cipher}, ${authenticated ? '' : 'not '}authenticated`);
      ctx.expect(isSignedBy(report.layers[1], 'alice@example.com'), `${where}: the inner layer should be a valid signature by alice@example.com`);
      ctx.expect(revocationOf(report.layers[1]) === 'good', `${where}: the CA's CRL should call Alice's certificate good`);
      ctx.expect(attachmentArrived(report), `${where}: the attachment should arrive byte for byte`);
      ctx.expect(protectedSubject(report) === DEMO_SUBJECT, `${where}: the protected Subject should read "${DEMO_SUBJECT}", was ${protectedSubject(report) ?? 'missing'}`);
    }
  }
  const smtpCopy = copies.find((c) => c.transport === 'smtp') ?? copies[0];
  if (smtpCopy !== undefined) {
    const aliceReads = await createSealpost({ backend: sender.backend }).open(smtpCopy.bytes, { identities: [cast.alice], trustAnchors: [cast.ca] });
    ctx.expect(aliceReads.status === 'valid', `Alice should be able to read her sent copy, got ${aliceReads.status}`);
    const tampered = await createSealpost({ backend: sender.backend }).open(flipCiphertextByte(smtpCopy.bytes), { identities: [cast.bob], trustAnchors: [cast.ca] });
    rows.push(row(`${smtpCopy.transport}, 1 bit flipped`, sender.name, tampered));
    if (authenticated) {
      ctx.expect(tampered.status === 'failed' && tampered.content === undefined, `the tampered copy should fail and release nothing, was ${tampered.status}`);
      ctx.expect(
        tampered.errors.some((e) => e.code === 'ERR_DECRYPTION_FAILED'),
        'the tampered copy should report ERR_DECRYPTION_FAILED',
      );
    } else {
      // CBC has no tag: only the signature inside can notice the change.
      ctx.expect(tampered.status !== 'valid', `the tampered copy should not be valid, was ${tampered.status}`);
    }
  }
  const spoof = await mallorySignsAsAlice(ctx, sender, cipher);
  rows.push(row('From: Alice, signed by Mallory', sender.name, spoof));
  ctx.expect(spoof.status === 'invalid' && spoof.errors.some((e) => e.code === 'ERR_FROM_MISMATCH'), `the message Mallory signed as Alice should be invalid (ERR_FROM_MISMATCH), was ${spoof.status}`);
  ctx.expect(revocationOf(spoof.layers[1]) === 'good', "the CA's CRL should call Mallory's certificate good");
  return formatTable(['transport', 'backend', 'cipher', 'authenticated', 'signer', 'verdict'], rows);
}

async function mallorySignsAsAlice(ctx: DemoContext, sender: NamedBackend, cipher: ContentCipher): Promise<OpenReport> {
  const { cast } = ctx;
  const sealpost = createSealpost({ backend: sender.backend });
  const message = new TextEncoder().encode(
    'From: Alice <alice@example.com>\r\nTo: Bob <bob@example.com>\r\nSubject: Change of bank details\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: text/plain; charset=us-ascii\r\n\r\nHi Bob,\r\n\r\nplease pay the invoice to the new account below.\r\n\r\nAlice\r\n',
  );
  // Sealpost's own send refuses this (the certificate must name From); an attacker uses the parts directly,
  // with the cipher Bob's published signature advertises.
  const sealed = await sealpost.signAndEncrypt(message, { signer: cast.mallory, recipients: [cast.bob.certificate], cipher });
  return sealpost.open(sealed, { identities: [cast.bob], trustAnchors: [cast.ca] });
}

function row(transport: string, backend: string, report: OpenReport): Row {
  const enveloped = report.layers.find((l) => l.type === 'enveloped');
  const signed = report.layers.find((l) => l.type === 'signed');
  const cipher = enveloped?.type === 'enveloped' ? (enveloped.cipher ?? '-') : '-';
  const authenticated = enveloped?.type === 'enveloped' && enveloped.authenticated !== undefined ? (enveloped.authenticated ? 'yes' : 'no') : '-';
  const signer = signed?.type === 'signed' ? (signed.signers[0]?.addresses[0] ?? '-') : '-';
  return [transport, backend, cipher, authenticated, signer, report.status];
}

function isDecrypted(layer: OpenLayer | undefined, cipher: ContentCipher, authenticated: boolean): boolean {
  return layer?.type === 'enveloped' && layer.status === 'decrypted' && layer.cipher === cipher && layer.authenticated === authenticated;
}

function isSignedBy(layer: OpenLayer | undefined, address: string): boolean {
  return layer?.type === 'signed' && layer.status === 'valid' && layer.signers.some((s) => s.matchesFrom && s.addresses.includes(address));
}

/** The revocation status of the layer's first signer, as its CRL distribution point answered. */
function revocationOf(layer: OpenLayer | undefined): string | undefined {
  return layer?.type === 'signed' ? layer.signers[0]?.revocation : undefined;
}

/** The Subject the sender wrote, from the header fields protected inside the signature and encryption. */
export function protectedSubject(report: OpenReport): string | undefined {
  return report.headerProtection?.headers.find((h) => h.name.toLowerCase() === 'subject')?.value;
}

function attachmentArrived(report: OpenReport): boolean {
  if (report.content === undefined) return false;
  const attachment = parseMime(report.content).children[1];
  if (attachment === undefined) return false;
  const expected = expectedAttachmentBytes();
  const actual = decodeBody(attachment);
  return actual.length === expected.length && actual.every((b, i) => b === expected[i]);
}
