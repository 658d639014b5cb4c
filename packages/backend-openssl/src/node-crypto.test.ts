import { createHash } from 'node:crypto';
import { ensureTestPki, type TestPki } from '@sealpost/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOpensslBackend, type OpensslBackend } from './index.js';

let pki: TestPki;
let backend: OpensslBackend;
beforeAll(async () => {
  pki = await ensureTestPki();
  backend = await createOpensslBackend();
});

describe('digest and certificate signatures (node:crypto, no process)', () => {
  it('computes every claimed digest', async () => {
    const data = new TextEncoder().encode('digest me');
    const names = { md5: 'md5', 'sha-1': 'sha1', 'sha-224': 'sha224', 'sha-256': 'sha256', 'sha-384': 'sha384', 'sha-512': 'sha512' } as const;
    for (const algorithm of backend.capabilities.digests) expect(Buffer.from(await backend.digest({ algorithm, data })).toString('hex')).toBe(createHash(names[algorithm]).update(data).digest('hex'));
    await expect(backend.digest({ algorithm: 'sha3-256' as never, data })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_DIGEST' });
    await expect(backend.digest({ algorithm: 'sha-256', data, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ERR_ABORTED' });
  });

  it('checks a certificate against its issuer: RSA, EC, an intermediate, wrong issuers, altered bytes', async () => {
    const { alice, carol, frank } = pki.identities;
    const check = (certificate: Uint8Array, issuer: Uint8Array) => backend.verifyCertificateSignature({ certificate, issuer });
    expect(await check(alice.cert, pki.ca.cert)).toBe(true);
    expect(await check(carol.cert, pki.ca.cert)).toBe(true);
    expect(await check(frank.cert, pki.inter.cert)).toBe(true);
    expect(await check(pki.ca.cert, pki.ca.cert)).toBe(true);
    expect(await check(frank.cert, pki.ca.cert)).toBe(false);
    expect(await check(alice.cert, carol.cert)).toBe(false);
    const altered = new Uint8Array(alice.cert);
    altered[200]! ^= 0x01;
    expect(await check(altered, pki.ca.cert)).toBe(false);
    await expect(check(Uint8Array.of(0x30, 0x03, 1, 2, 3), pki.ca.cert)).rejects.toMatchObject({ code: 'ERR_CERTIFICATE_MALFORMED' });
  });
});
