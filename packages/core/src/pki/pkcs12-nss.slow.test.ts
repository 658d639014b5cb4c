import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyMatchesCertificate } from './keys.js';
import { readPkcs12, writePkcs12 } from './pkcs12.js';
import { generateTestIdentity } from './testpki.js';

// NSS (Firefox, Thunderbird) exports with `pk12util`; asked for the legacy ciphers, it writes what older
// NSS versions wrote by default: a 3DES key bag and RC2-40 certificates, with a SHA-1 MAC. Slow: NSS
// uses 600 000 iterations, and the PKCS#12 KDF runs five times on SHA-1.
const hasNss = spawnSync('pk12util', [], { stdio: 'ignore' }).error === undefined && spawnSync('certutil', ['-H'], { stdio: 'ignore' }).error === undefined;

describe.skipIf(!hasNss)('PKCS#12 written by NSS pk12util', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-nss-p12-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const PASSWORD = 'nss secret';

  it('reads a 3DES key bag with RC2-40 certificates and a SHA-1 MAC', async () => {
    const alice = await generateTestIdentity({ email: 'alice@example.com' });
    writeFileSync(join(dir, 'in.p12'), await writePkcs12(alice, PASSWORD, { iterations: 2048, friendlyName: 'alice' }), { mode: 0o600 });
    writeFileSync(join(dir, 'pw'), PASSWORD, { mode: 0o600 });
    const db = `sql:${join(dir, 'db')}`;
    mkdirSync(join(dir, 'db'));
    execFileSync('certutil', ['-N', '-d', db, '--empty-password'], { stdio: 'pipe' });
    execFileSync('pk12util', ['-i', join(dir, 'in.p12'), '-d', db, '-w', join(dir, 'pw'), '-K', ''], { stdio: 'pipe' });
    execFileSync(
      'pk12util',
      [
        '-o',
        join(dir, 'out.p12'),
        '-n',
        'alice',
        '-d',
        db,
        '-w',
        join(dir, 'pw'),
        '-K',
        '',
        '-c',
        'PKCS #12 V2 PBE With SHA-1 And 3KEY Triple DES-CBC',
        '-C',
        'PKCS #12 V2 PBE With SHA-1 And 40 Bit RC2 CBC',
        '-M',
        'SHA-1',
      ],
      { stdio: 'pipe' },
    );
    const p12 = new Uint8Array(readFileSync(join(dir, 'out.p12')));
    const identity = await readPkcs12(p12, PASSWORD);
    expect(identity.certificate).toEqual(alice.certificate);
    expect(await keyMatchesCertificate(identity.privateKey, alice.certificate)).toBe(true);
    await expect(readPkcs12(p12, 'wrong')).rejects.toMatchObject({ code: 'ERR_PKCS12_PASSWORD' });
  });
});
