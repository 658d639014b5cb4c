import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type RevocationPki, startRevocationPki } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MESSAGE, assertBuilt, expectOk, sealpost, tempDir } from './helpers.js';

// verify and open --revocation/--crl against the revocation PKI's real servers on loopback: CRLs from a
// node:http server and `openssl ocsp` as the responder (tooling/fixtures/src/revocation-pki.ts).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let pki: RevocationPki;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  assertBuilt();
  ({ dir, cleanup } = await tempDir());
  pki = await startRevocationPki();
});
afterAll(async () => {
  await pki?.close();
  await cleanup?.();
});

const file = (name: string): string => join(pki.dir, name);

/** MESSAGE (From alice@example.com) signed with the named certificate of the revocation PKI. */
async function signedBy(name: string, issuer = 'ca'): Promise<string> {
  const args = ['sign', '--cert', file(`${name}.crt`), '--key', file('signer.key'), '--chain', file(`${issuer}.crt`)];
  return (await expectOk(sealpost(args, { input: MESSAGE }))).out;
}

interface Signer {
  trusted: boolean;
  revocation: string;
  revocationChecks?: { subject: string; status: string; source?: string; url?: string; reason?: string; problems?: string[] }[];
}

async function verifyJson(input: string, extra: string[] = []): Promise<{ code: number | null; status: string; codes: string[]; signer: Signer }> {
  const result = await sealpost(['verify', '--trust', file('root.crt'), '--json', ...extra], { input });
  const report = JSON.parse(result.out) as { status: string; errors: { code: string }[]; signers: Signer[] };
  return { code: result.code, status: report.status, codes: report.errors.map((e) => e.code), signer: report.signers[0]! };
}

describe('sealpost verify --revocation', () => {
  it('a certificate revoked in its CRL is not valid (exit 1); the text report says REVOKED, with where from', async () => {
    const signed = await signedBy('revoked-crl');
    const json = await verifyJson(signed);
    expect({ code: json.code, status: json.status, codes: json.codes, revocation: json.signer.revocation }).toEqual({
      code: 1,
      status: 'untrusted',
      codes: ['ERR_CERTIFICATE_REVOKED'],
      revocation: 'revoked',
    });
    const text = await sealpost(['verify', '--trust', file('root.crt')], { input: signed });
    expect(text.code).toBe(1);
    expect(text.out).toContain('revocation:   REVOKED');
    expect(text.out).toMatch(new RegExp(`CN=revoked-crl,O=Sealpost Revocation: REVOKED on \\S+, keyCompromise \\(CRL ${pki.urls.crlBase}/ca.crl\\)`));
  });

  it('OCSP good is valid, and the text report names the responder', async () => {
    const text = await sealpost(['verify', '--trust', file('root.crt'), '--revocation', 'hard-fail'], { input: await signedBy('good-ocsp') });
    expect(text.code).toBe(0);
    expect(text.out).toContain('revocation:   good');
    expect(text.out).toContain(`CN=good-ocsp,O=Sealpost Revocation: good (OCSP ${pki.urls.ocsp})`);
  });

  it('an unreachable responder: valid with unknown by default, not valid with --revocation hard-fail', async () => {
    const signed = await signedBy('ocsp-unreachable');
    expect(await verifyJson(signed)).toMatchObject({ code: 0, status: 'valid', signer: { revocation: 'unknown' } });
    expect(await verifyJson(signed, ['--revocation', 'hard-fail'])).toMatchObject({ code: 1, status: 'untrusted', codes: ['ERR_REVOCATION_UNKNOWN'] });
  });

  it('--revocation off checks nothing', async () => {
    expect(await verifyJson(await signedBy('revoked-ocsp'), ['--revocation', 'off'])).toMatchObject({ code: 0, status: 'valid', signer: { revocation: 'not-checked' } });
  });

  it('--crl FILE (PEM or DER, repeatable) answers for certificates that name no server', async () => {
    const pem = join(dir, 'ca.pem');
    const der = Buffer.from(pki.crl('ca'))
      .toString('base64')
      .match(/.{1,64}/g)!
      .join('\n');
    await writeFile(pem, `-----BEGIN X509 CRL-----\n${der}\n-----END X509 CRL-----\n`);
    const crls = ['--crl', pem, '--crl', file('root.crl'), '--revocation', 'hard-fail'];
    expect(await verifyJson(await signedBy('plain'), crls)).toMatchObject({ code: 0, status: 'valid', signer: { revocation: 'good' } });
    const revoked = await verifyJson(await signedBy('revoked-plain'), crls);
    expect(revoked).toMatchObject({ code: 1, codes: ['ERR_CERTIFICATE_REVOKED'], signer: { revocationChecks: [{ status: 'revoked', reason: 'superseded' }, { status: 'good' }] } });
    expect(await verifyJson(await signedBy('plain'), ['--revocation', 'hard-fail'])).toMatchObject({ code: 1, codes: ['ERR_REVOCATION_UNKNOWN'] });
  });

  it('a --crl file that is no CRL, or a --revocation mode that does not exist, is a usage error (exit 2)', async () => {
    const signed = await signedBy('plain');
    const notCrl = await sealpost(['verify', '--trust', file('root.crt'), '--crl', file('ca.crt')], { input: signed });
    expect(notCrl.code).toBe(2);
    expect(notCrl.stderr).toContain(`CRL ${file('ca.crt')}`);
    expect(notCrl.stderr).toContain('[ERR_CRL_MALFORMED]');
    expect(notCrl.out).toBe('');
    const badMode = await sealpost(['verify', '--trust', file('root.crt'), '--revocation', 'strict'], { input: signed });
    expect(badMode.code).toBe(2);
  });
});

describe('sealpost open --revocation', () => {
  it('reports the revocation of the signed layer and is not good when the signer is revoked', async () => {
    const revoked = await sealpost(['open', '--trust', file('root.crt'), '--json'], { input: await signedBy('revoked-ocsp') });
    const report = JSON.parse(revoked.out) as { status: string; layers: { signers: Signer[] }[] };
    expect({ code: revoked.code, status: report.status, revocation: report.layers[0]?.signers[0]?.revocation }).toEqual({ code: 1, status: 'untrusted', revocation: 'revoked' });
    const crl = await sealpost(['open', '--trust', file('root.crt'), '--crl', file('ca.crl'), '--crl', file('root.crl'), '--revocation', 'hard-fail'], {
      input: await signedBy('plain'),
    });
    expect(crl.code).toBe(0);
    expect(crl.stderr).toContain('revocation:   good');
  });
});
