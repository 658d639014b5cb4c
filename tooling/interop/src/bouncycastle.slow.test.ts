import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CryptoBackend, type Identity, pemDecode } from '@sealpost/core';
import { vectorsDir } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './backends.js';

// Ed25519 signatures (RFC 8419) and X25519 key agreement (RFC 8418) between every Sealpost backend and
// BouncyCastle, the one Debian-installable peer that has both in CMS (OpenSSL 3.0's cms has neither, NSS
// 3.87 and gpgsm 2.2 neither): java/SealpostBc.java, compiled here with javac against the Debian jars.
// The RFC 9216 keys: carlos@smime.example signs, dana@smime.example decrypts.

const JARS = ['bcprov', 'bcpkix', 'bcutil'].map((name) => `/usr/share/java/${name}.jar`);
const onPath = (command: string) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' }).status === 0;
const missing = [...(onPath('javac') && onPath('java') ? [] : ['a JDK (default-jdk-headless)']), ...JARS.filter((jar) => !existsSync(jar))];

const rfc9216 = (name: string) => join(vectorsDir(), 'rfc9216', name);
const der = async (name: string, label: string) => pemDecode(await readFile(rfc9216(name), 'utf8'), label)[0]!;
const content = new TextEncoder().encode('Content-Type: text/plain; charset=utf-8\r\n\r\nEd25519 and X25519, BouncyCastle and Sealpost.\r\n');

describe.skipIf(missing.length > 0)(`BouncyCastle as an Ed25519 and X25519 peer${missing.length > 0 ? ` (missing: ${missing.join(', ')})` : ''}`, () => {
  let dir: string;
  let carlos: Identity;
  let dana: Identity;
  const backends: [string, CryptoBackend][] = [];

  /** Runs the peer: its stdout, or a throw with the first line of its stderr on a non-zero exit. */
  const bc = (...args: string[]): Buffer => {
    const result = spawnSync('java', ['-cp', [...JARS, dir].join(':'), 'SealpostBc', ...args], { timeout: 60_000 });
    if (result.status !== 0) throw new Error(`SealpostBc ${args[0]}: ${result.stderr.toString().split('\n')[0]}`);
    return result.stdout;
  };
  const file = async (name: string, bytes: Uint8Array) => {
    const path = join(dir, name);
    await writeFile(path, bytes);
    return path;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sealpost-bc-'));
    const compiled = spawnSync('javac', ['-cp', JARS.join(':'), '-d', dir, join(import.meta.dirname, '../java/SealpostBc.java')], { encoding: 'utf8' });
    if (compiled.status !== 0) throw new Error(`javac: ${compiled.stderr}`);
    carlos = { certificate: await der('carlos@smime.example.sig.pem', 'CERTIFICATE'), privateKey: { type: 'pkcs8', der: await der('lamps-carlos.p8.pem', 'PRIVATE KEY') } };
    dana = { certificate: await der('dana@smime.example.enc.pem', 'CERTIFICATE'), privateKey: { type: 'pkcs8', der: await der('lamps-dana.decrypt.p8.pem', 'PRIVATE KEY') } };
    for (const entry of BACKENDS) backends.push([entry.name, await entry.create()]);
  }, 120_000);

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  for (const detached of [true, false]) {
    const form = detached ? 'detached' : 'opaque';
    it(`BouncyCastle signs ${form} with Ed25519; every backend verifies the signature and the Ed25519 CA's certificate signature`, async () => {
      const out = join(dir, `bc-${form}.p7s`);
      bc('sign', rfc9216('carlos@smime.example.sig.pem'), rfc9216('lamps-carlos.p8.pem'), await file('content.txt', content), String(detached), out);
      const cms = new Uint8Array(await readFile(out));
      const ca = await der('Sample_LAMPS_Ed25519_Certification_Authority.selfsigned.pem', 'CERTIFICATE');
      for (const [name, backend] of backends) {
        const checks = await backend.verify({ cms, ...(detached ? { content } : {}) });
        expect(checks, name).toEqual([{ index: 0, certificate: carlos.certificate, signatureValid: true, messageDigestValid: true, error: null }]);
        expect(await backend.verifyCertificateSignature({ certificate: carlos.certificate, issuer: ca }), name).toBe(true);
      }
    });

    it(`every backend signs ${form} with Ed25519; BouncyCastle verifies it under the LAMPS Ed25519 CA`, async () => {
      const anchor = rfc9216('Sample_LAMPS_Ed25519_Certification_Authority.selfsigned.pem');
      for (const [name, backend] of backends) {
        const cms = await backend.sign({ content, detached, signers: [{ ...carlos, digest: 'sha-512' }] });
        const stdout = bc('verify', await file(`${name}-${form}.p7s`, cms), detached ? await file('content.txt', content) : '-', anchor).toString('latin1');
        // BC prints the signer, the digest OID (SHA-512) and the signature OID (id-Ed25519), then the opaque content.
        expect(stdout, name).toContain('2.16.840.1.101.3.4.2.3 1.3.101.112');
        if (!detached) expect(stdout.endsWith(Buffer.from(content).toString('latin1')), name).toBe(true);
      }
    });
  }

  for (const cipher of ['aes-256-gcm', 'aes-256-cbc'] as const) {
    it(`BouncyCastle encrypts to dana's X25519 certificate (${cipher}, dhSinglePass-stdDH-sha256kdf-scheme); every backend decrypts`, async () => {
      const out = join(dir, `bc-${cipher}.p7m`);
      bc('encrypt', rfc9216('dana@smime.example.enc.pem'), await file('content.txt', content), cipher, out);
      const cms = new Uint8Array(await readFile(out));
      for (const [name, backend] of backends) expect((await backend.decrypt({ cms, ...dana })).content, name).toEqual(content);
    });

    it(`every backend encrypts to dana's X25519 certificate (${cipher}); BouncyCastle decrypts`, async () => {
      for (const [name, backend] of backends) {
        const cms = await backend.encrypt({ content, recipients: [{ certificate: dana.certificate }], cipher, keyTransport: 'rsa-pkcs1' });
        const out = join(dir, `${name}-${cipher}.txt`);
        bc('decrypt', await file(`${name}-${cipher}.p7m`, cms), rfc9216('dana@smime.example.enc.pem'), rfc9216('lamps-dana.decrypt.p8.pem'), out);
        expect(new Uint8Array(await readFile(out)), name).toEqual(content);
      }
    });
  }

  it('a signature BouncyCastle must refuse: Sealpost Ed25519 with one flipped bit', async () => {
    const [, backend] = backends[0]!;
    const cms = await backend.sign({ content, detached: true, signers: [{ ...carlos, digest: 'sha-512' }] });
    cms[cms.length - 5]! ^= 0x01;
    await file('flipped.p7s', cms);
    expect(() => bc('verify', join(dir, 'flipped.p7s'), join(dir, 'content.txt'), rfc9216('Sample_LAMPS_Ed25519_Certification_Authority.selfsigned.pem'))).toThrow(/does not verify/);
  });
});
