import { createSealpost, type RevocationMode, type Sealpost, type VerifyReport } from '@sealpost/core';
import { type RevocationCertificate, type RevocationPki, startRevocationPki } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SuiteContext, codes } from './context.js';
import { craftSignedData } from './craft.js';
import { detachedSignedMessage, textEntity } from './messages.js';

/**
 * Revocation (docs/verdicts.md, "Revocation") against real servers on loopback: CRLs made with
 * `openssl ca -gencrl` and served by node:http, and `openssl ocsp` answering from the CA's index.txt.
 * The answers are checked by core and their signatures by the backend, so every backend gives the same
 * status, code and revocation outcome.
 */
export function revocationTests(ctx: SuiteContext): void {
  describe('revocation', () => {
    let pki: RevocationPki;
    beforeAll(async () => {
      pki = await startRevocationPki();
    }, 60_000);
    afterAll(async () => {
      await pki?.close();
    });

    /** A fresh Sealpost (its own cache) whose fetches are recorded; the requests still go to the servers. */
    const instance = (): { sp: Sealpost; fetched: string[] } => {
      const fetched: string[] = [];
      const sp = createSealpost({
        backend: ctx.backend,
        revocation: {
          fetch: (url, init) => {
            fetched.push(url);
            return globalThis.fetch(url, init);
          },
          timeoutMs: 3000,
        },
      });
      return { sp, fetched };
    };

    const verify = (signer: RevocationCertificate, options: { mode?: RevocationMode; crls?: Uint8Array[]; sp?: Sealpost } = {}): Promise<VerifyReport> => {
      const entity = textEntity('Quarterly figures attached.\r\n');
      const issuer = signer === 'under-revoked-ca' ? 'revoked-ca' : 'ca';
      const cms = craftSignedData({
        content: entity,
        includeContent: false,
        signers: [{ certificate: pki.certificate(signer), privateKey: pki.signerKeyDer }],
        certificates: [pki.certificate(issuer)],
      });
      return (options.sp ?? instance().sp).verify(detachedSignedMessage({ from: 'alice@example.com' }, entity, cms), {
        trustAnchors: [pki.certificate('root')],
        ...(options.crls === undefined ? {} : { crls: options.crls }),
        ...(options.mode === undefined ? {} : { policy: { revocation: options.mode } }),
      });
    };
    const leafCheck = (report: VerifyReport) => report.signers[0]?.revocationChecks?.[0];

    it('a certificate its CRL does not list is good, and so is its CA in the root CRL', async () => {
      const report = await verify('good-crl', { mode: 'hard-fail' });
      expect({ status: report.status, codes: codes(report), revocation: report.signers[0]?.revocation }).toEqual({ status: 'valid', codes: [], revocation: 'good' });
      expect(report.signers[0]?.revocationChecks?.map((c) => [c.subject, c.status, c.source, c.url])).toEqual([
        ['CN=good-crl,O=Sealpost Revocation', 'good', 'crl', `${pki.urls.crlBase}/ca.crl`],
        ['CN=ca,O=Sealpost Revocation', 'good', 'crl', `${pki.urls.crlBase}/root.crl`],
      ]);
    });

    it('a certificate its CRL lists is revoked: untrusted, ERR_CERTIFICATE_REVOKED, with reason and time', async () => {
      const report = await verify('revoked-crl');
      expect({ status: report.status, codes: codes(report), revocation: report.signers[0]?.revocation }).toEqual({
        status: 'untrusted',
        codes: ['ERR_CERTIFICATE_REVOKED'],
        revocation: 'revoked',
      });
      expect(leafCheck(report)).toMatchObject({ status: 'revoked', source: 'crl', reason: 'keyCompromise', url: `${pki.urls.crlBase}/ca.crl` });
      expect(Date.parse(leafCheck(report)?.revokedAt ?? '')).toBeLessThanOrEqual(Date.now());
      expect(report.signers[0]?.trusted).toBe(false);
    });

    it('a revoked intermediate CA makes its signers untrusted', async () => {
      const report = await verify('under-revoked-ca');
      expect({ status: report.status, codes: codes(report) }).toEqual({ status: 'untrusted', codes: ['ERR_CERTIFICATE_REVOKED'] });
      expect(report.signers[0]?.revocationChecks?.[1]).toMatchObject({ subject: 'CN=revoked-ca,O=Sealpost Revocation', status: 'revoked', reason: 'cACompromise' });
    });

    it('OCSP: the responder says good', async () => {
      const report = await verify('good-ocsp', { mode: 'hard-fail' });
      expect({ status: report.status, codes: codes(report), revocation: report.signers[0]?.revocation }).toEqual({ status: 'valid', codes: [], revocation: 'good' });
      expect(leafCheck(report)).toMatchObject({ status: 'good', source: 'ocsp', url: pki.urls.ocsp });
    });

    it('OCSP: the responder says revoked', async () => {
      const report = await verify('revoked-ocsp');
      expect({ status: report.status, codes: codes(report), revocation: report.signers[0]?.revocation }).toEqual({
        status: 'untrusted',
        codes: ['ERR_CERTIFICATE_REVOKED'],
        revocation: 'revoked',
      });
      expect(leafCheck(report)).toMatchObject({ status: 'revoked', source: 'ocsp', reason: 'keyCompromise', url: pki.urls.ocsp });
    });

    it('an unreachable responder: soft-fail reports unknown and stays valid, hard-fail is untrusted', async () => {
      const soft = await verify('ocsp-unreachable');
      expect({ status: soft.status, codes: codes(soft), revocation: soft.signers[0]?.revocation }).toEqual({ status: 'valid', codes: [], revocation: 'unknown' });
      expect(leafCheck(soft)?.problems?.join(' ')).toContain(pki.urls.dead);
      const hard = await verify('ocsp-unreachable', { mode: 'hard-fail' });
      expect({ status: hard.status, codes: codes(hard), revocation: hard.signers[0]?.revocation }).toEqual({
        status: 'untrusted',
        codes: ['ERR_REVOCATION_UNKNOWN'],
        revocation: 'unknown',
      });
    });

    it("a responder's answer about another certificate is no answer", async () => {
      const soft = await verify('ocsp-wrong-certificate');
      expect({ status: soft.status, revocation: soft.signers[0]?.revocation }).toEqual({ status: 'valid', revocation: 'unknown' });
      expect(leafCheck(soft)?.problems?.join(' ')).toContain('another certificate');
      const hard = await verify('ocsp-wrong-certificate', { mode: 'hard-fail' });
      expect({ status: hard.status, codes: codes(hard) }).toEqual({ status: 'untrusted', codes: ['ERR_REVOCATION_UNKNOWN'] });
    });

    it('an expired CRL is no answer', async () => {
      const hard = await verify('crl-expired', { mode: 'hard-fail' });
      expect({ status: hard.status, codes: codes(hard) }).toEqual({ status: 'untrusted', codes: ['ERR_REVOCATION_UNKNOWN'] });
      expect(leafCheck(hard)?.problems?.join(' ')).toContain('expired');
      expect((await verify('crl-expired')).status).toBe('valid');
    });

    it('a CRL in the issuer name but signed by another key is no answer', async () => {
      const hard = await verify('crl-wrong-key', { mode: 'hard-fail' });
      expect({ status: hard.status, codes: codes(hard) }).toEqual({ status: 'untrusted', codes: ['ERR_REVOCATION_UNKNOWN'] });
      expect(leafCheck(hard)?.problems?.join(' ')).toContain('signature');
    });

    it('CRLs the caller gives answer first, and a CRL of another issuer or an expired one answers nothing', async () => {
      const crls = [pki.crl('ca'), pki.crl('root')];
      const good = await verify('plain', { mode: 'hard-fail', crls });
      expect({ status: good.status, revocation: good.signers[0]?.revocation }).toEqual({ status: 'valid', revocation: 'good' });
      expect(leafCheck(good)).toEqual({ subject: 'CN=plain,O=Sealpost Revocation', serial: expect.any(String), status: 'good', source: 'crl' });
      const revoked = await verify('revoked-plain', { crls });
      expect({ status: revoked.status, codes: codes(revoked) }).toEqual({ status: 'untrusted', codes: ['ERR_CERTIFICATE_REVOKED'] });
      expect(leafCheck(revoked)).toMatchObject({ status: 'revoked', reason: 'superseded' });
      for (const useless of [[pki.crl('root')], [pki.crl('ca-expired')], [pki.crl('ca-wrong-key')]]) {
        expect(codes(await verify('revoked-plain', { mode: 'hard-fail', crls: useless }))).toEqual(['ERR_REVOCATION_UNKNOWN']);
      }
    });

    it('an unreadable CRL from the caller is ERR_CRL_MALFORMED', async () => {
      await expect(verify('plain', { crls: [new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])] })).rejects.toMatchObject({ code: 'ERR_CRL_MALFORMED' });
    });

    it('off asks nobody: a revoked certificate stays valid and the report says not-checked', async () => {
      const { sp, fetched } = instance();
      const report = await verify('revoked-ocsp', { mode: 'off', sp });
      expect({ status: report.status, revocation: report.signers[0]?.revocation, checks: report.signers[0]?.revocationChecks }).toEqual({
        status: 'valid',
        revocation: 'not-checked',
        checks: undefined,
      });
      expect(fetched).toEqual([]);
    });

    it('answers are cached until their nextUpdate: a second verification makes no request', async () => {
      const { sp, fetched } = instance();
      const before = pki.crlRequests('ca');
      expect((await verify('good-crl', { sp })).signers[0]?.revocation).toBe('good');
      expect((await verify('good-ocsp', { sp })).signers[0]?.revocation).toBe('good');
      expect(fetched.length).toBe(3); // ca.crl, root.crl, the responder
      expect(pki.crlRequests('ca')).toBe(before + 1);
      const again = [await verify('good-crl', { sp }), await verify('good-ocsp', { sp })];
      expect(again.map((r) => r.signers[0]?.revocation)).toEqual(['good', 'good']);
      expect(again.map((r) => r.signers[0]?.revocationChecks?.[0]?.source)).toEqual(['crl', 'ocsp']);
      expect(fetched.length).toBe(3);
      expect(pki.crlRequests('ca')).toBe(before + 1);
    });
  });
}
