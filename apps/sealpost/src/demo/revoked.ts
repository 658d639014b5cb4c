import { type OpenReport, type RevocationCheck, createSealpost, parseCertificate } from '@sealpost/core';
import { generateTestCrl } from '@sealpost/core/testing';
import { formatTable } from '../text-table.js';
import type { DemoContext } from './context.js';
import type { CrlServer } from './crl-server.js';
import type { NamedBackend } from './open-copies.js';

const MINUTE = 60 * 1000;

/**
 * Carol's certificate is revoked: the CA publishes a CRL that lists it at the distribution point every
 * certificate of the demo names. Done before anyone verifies anything, so every verification of the
 * demo fetches this one CRL over loopback HTTP (each Sealpost instance keeps its own cache).
 */
export async function revokeCarol(ctx: DemoContext, crls: CrlServer): Promise<{ serial: string; revokedAt: Date }> {
  const serial = parseCertificate(ctx.cast.carol.certificate).serial;
  // After her certificate's notBefore (an hour ago) and before any verification time of the demo.
  const revokedAt = new Date(Date.now() - 5 * MINUTE);
  crls.publish(await generateTestCrl({ ca: ctx.cast.authority, revoked: [{ serial, date: revokedAt, reason: 'keyCompromise' }], thisUpdate: revokedAt }));
  return { serial, revokedAt };
}

/** One row of step 5's table. */
type Row = readonly [backend: string, verdict: string, code: string, revocation: string, answer: string];

/**
 * Step 5: the thief sends Bob mail signed with Carol's stolen key. Everything checks out but the
 * revocation: Bob's Sealpost fetches the CA's CRL from the distribution point and finds her serial.
 */
export async function catchRevokedSender(ctx: DemoContext, backends: readonly NamedBackend[], crls: CrlServer, serial: string): Promise<void> {
  const { cast } = ctx;
  await ctx.say(
    "5. Carol's laptop is stolen, her key with it. She reports it, and the CA revokes her certificate: the\n" +
      `   CRL it signs and serves at ${crls.url} lists her serial,\n` +
      `   ${serial}, as revoked (keyCompromise).\n` +
      '   The thief signs a message "From: Carol" with her key and sends it to Bob. The signature is genuine,\n' +
      "   her chain reaches the test CA and her certificate names the From address, but Bob's Sealpost also\n" +
      "   fetches the CRL at the certificate's distribution point, over HTTP, with every backend:\n",
  );
  const message = new TextEncoder().encode(
    'From: Carol <carol@example.com>\r\nTo: Bob <bob@example.com>\r\nSubject: Urgent: new bank details\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: text/plain; charset=us-ascii\r\n\r\nHi Bob,\r\n\r\nplease send the payment to the account below today.\r\n\r\nCarol\r\n',
  );
  const [first] = backends;
  if (first === undefined) return;
  const signed = await createSealpost({ backend: first.backend }).sign(message, { signer: cast.carol });
  const rows: Row[] = [];
  for (const { name, backend } of backends) {
    // A new instance per backend, so each fetches the CRL itself rather than from another's cache.
    const report = await createSealpost({ backend }).open(signed, { identities: [cast.bob], trustAnchors: [cast.ca] });
    const check = leafCheck(report);
    rows.push([name, report.status, report.errors.find((e) => e.code === 'ERR_CERTIFICATE_REVOKED')?.code ?? '-', check?.status ?? '-', answerSource(check)]);
    const where = `the message signed with Carol's revoked key, opened with ${name}`;
    ctx.expect(report.status === 'untrusted', `${where}, should be untrusted, was ${report.status}`);
    ctx.expect(
      report.errors.some((e) => e.code === 'ERR_CERTIFICATE_REVOKED'),
      `${where}, should report ERR_CERTIFICATE_REVOKED`,
    );
    ctx.expect(
      check?.status === 'revoked' && check.source === 'crl' && check.url === crls.url && check.reason === 'keyCompromise',
      `${where}: the CRL at ${crls.url} should say revoked (keyCompromise)`,
    );
  }
  await ctx.say(`\n${indent(formatTable(['backend', 'verdict', 'finding', 'revocation', 'answer from'], rows))}\n`);
  const caught = rows.every(([, verdict, , revocation]) => verdict === 'untrusted' && revocation === 'revoked');
  await ctx.say(
    (caught ? '   Each finds her serial on the CRL: untrusted, ERR_CERTIFICATE_REVOKED, and the report says which\n   CRL said so.' : '   The revoked certificate was NOT caught by every backend.') +
      ` The CRL server answered ${crls.requests()} requests in all: the verifications of steps 2 and 4\n` +
      "   fetched it too, and it called Alice's and Mallory's certificates good.\n\n",
  );
}

/** The answer about the signer's own certificate, the first of its path. */
function leafCheck(report: OpenReport): RevocationCheck | undefined {
  const signed = report.layers.find((layer) => layer.type === 'signed');
  return signed?.type === 'signed' ? signed.signers[0]?.revocationChecks?.[0] : undefined;
}

function answerSource(check: RevocationCheck | undefined): string {
  if (check?.source === undefined) return '-';
  const reason = check.reason === undefined ? '' : ` (${check.reason})`;
  return `${check.source === 'crl' ? 'CRL' : 'OCSP'} ${check.url ?? 'given by the caller'}${reason}`;
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '   ');
}
