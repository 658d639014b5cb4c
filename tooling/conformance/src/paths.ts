import { PATH_CASES, ensurePathPki, type PathCase, type PathPki } from '@sealpost/fixtures';
import type { VerifyPolicy } from '@sealpost/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SuiteContext, codes } from './context.js';
import { craftSignedData } from './craft.js';
import { detachedSignedMessage, textEntity } from './messages.js';

/**
 * Certification paths made with openssl (tooling/fixtures/make-path-pki.sh): name constraints, the
 * algorithm policy on every certificate, the maximum path length and X.509 v1 anchors. Each case is
 * a signature every backend verifies; the path verdict is core's, so all give the same status and code.
 * The same files go through `openssl verify` in tooling/fixtures (path-pki.test.ts).
 */
export function pathTests(ctx: SuiteContext): void {
  describe('certification paths', () => {
    let pki: PathPki;
    beforeAll(async () => {
      pki = await ensurePathPki();
    });

    const verifyCase = (c: PathCase, policy?: VerifyPolicy) => {
      const entity = textEntity('Quarterly figures attached.\r\n');
      const cms = craftSignedData({
        content: entity,
        includeContent: false,
        signers: [{ certificate: pki.certificate(c.signer), privateKey: pki.signerKeyDer }],
        certificates: c.intermediates.map((name) => pki.certificate(name)),
      });
      return ctx.sp.verify(detachedSignedMessage({ from: c.email }, entity, cms), {
        trustAnchors: [pki.certificate(c.anchor)],
        ...(policy === undefined ? {} : { policy }),
      });
    };
    const byName = (signer: string): PathCase => {
      const found = PATH_CASES.find((c) => c.signer === signer);
      if (found === undefined) throw new RangeError(`no path case ${signer}`);
      return found;
    };

    it.each(PATH_CASES.map((c) => [c.signer, c] as const))('%s', async (_name, c) => {
      const report = await verifyCase(c);
      expect(report.signers[0]?.signatureValid).toBe(true);
      expect({ status: report.status, codes: codes(report) }).toEqual({ status: c.status, codes: c.code === undefined ? [] : [c.code] });
    });

    it('the legacy policy accepts a SHA-1 or RSA-1024 intermediate; the default refuses them', async () => {
      for (const signer of ['under-sha1-ca', 'under-rsa1024-ca', 'under-rsa1024-root', 'sha1-signed']) {
        expect((await verifyCase(byName(signer), { legacy: true })).status).toBe('valid');
      }
    });

    it('maxChainLength lets a caller accept the 17-certificate chain', async () => {
      const deep = byName('deep');
      expect((await verifyCase(deep, { maxChainLength: 17 })).status).toBe('valid');
      expect(codes(await verifyCase(deep, { maxChainLength: 16 }))).toEqual(['ERR_CHAIN_TOO_LONG']);
    });
  });
}
