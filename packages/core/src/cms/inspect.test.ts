import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inspectCms } from './inspect.js';
import { parseBer } from '../asn1/ber-reader.js';

const vectors = join(dirname(fileURLToPath(import.meta.url)), '../../../../tooling/fixtures/vectors/rfc4134');
const vector = (name: string): Uint8Array => new Uint8Array(readFileSync(join(vectors, name)));

describe('inspectCms', () => {
  it('reads RFC 4134 4.2: RSA SHA-1 signed data with content', () => {
    const sd = inspectCms(vector('4.2.bin'));
    if (sd.type !== 'signed-data') throw new Error(sd.type);
    expect(new TextDecoder().decode(sd.eContent!)).toBe('This is some sample content.');
    expect(sd.certificates.length).toBeGreaterThan(0);
    expect(sd.signers).toHaveLength(1);
    expect(sd.signers[0]!.digest).toBe('sha-1');
    expect(sd.signers[0]!.sid.type).toBe('issuerAndSerialNumber');
  });

  it('reads RFC 4134 4.7: a SubjectKeyIdentifier signer', () => {
    const sd = inspectCms(vector('4.7.bin'));
    if (sd.type !== 'signed-data') throw new Error(sd.type);
    expect(sd.signers[0]!.sid.type).toBe('subjectKeyIdentifier');
  });

  it('reads RFC 4134 4.3: detached (no eContent)', () => {
    const sd = inspectCms(vector('4.3.bin'));
    if (sd.type !== 'signed-data') throw new Error(sd.type);
    expect(sd.eContent).toBeNull();
  });

  it('reads RFC 4134 5.1 and 5.2: enveloped data, 3DES and RC2, key transport to Bob', () => {
    const e1 = inspectCms(vector('5.1.bin'));
    const e2 = inspectCms(vector('5.2.bin'));
    if (e1.type !== 'enveloped-data' || e2.type !== 'enveloped-data') throw new Error('type');
    expect(e1.cipher).toBe('des-ede3-cbc');
    // RFC 4134 5.2 is headed RC2/128, but its text and its bytes say RC2/40 (rc2ParameterVersion 160).
    expect(e2.cipher).toBe('rc2-40-cbc');
    expect(e1.recipients[0]!.keyTransport).toBe('rsa-pkcs1');
  });

  it('reads BER: an indefinite-length ContentInfo gives the same summary as DER', () => {
    const der = vector('4.2.bin');
    const inner = parseBer(der).contents;
    const ber = new Uint8Array([0x30, 0x80, ...inner, 0, 0]);
    expect(inspectCms(ber)).toEqual(inspectCms(der));
  });

  it('reports other content types without failing', () => {
    expect(inspectCms(vector('6.0.bin')).type).toBe('other');
  });

  it.each([
    ['empty', new Uint8Array()],
    ['truncated', vector('4.2.bin').subarray(0, 100)],
    ['trailing data', new Uint8Array([...vector('4.2.bin'), 0])],
    ['not a sequence', new Uint8Array([0x04, 0x01, 0x00])],
    ['huge length', new Uint8Array([0x30, 0x84, 0xff, 0xff, 0xff, 0xff])],
  ])('rejects %s with ERR_CMS_MALFORMED', (_name, bytes) => {
    expect(() => inspectCms(bytes)).toThrow(expect.objectContaining({ code: 'ERR_CMS_MALFORMED' }));
  });

  it('rejects nesting bombs without exhausting the stack', () => {
    const deep = new Uint8Array(4000);
    for (let i = 0; i < 2000; i++) {
      deep[2 * i] = 0x30;
      deep[2 * i + 1] = 0x80;
    }
    expect(() => inspectCms(deep)).toThrow(expect.objectContaining({ code: 'ERR_CMS_MALFORMED' }));
  });
});

describe('inspectCms on RSASSA-PSS signatures made by openssl', () => {
  const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
  it.skipIf(!hasOpenssl).each([
    ['sha1', 'sha-1'],
    ['sha256', 'sha-256'],
  ] as const)('reads the PSS hash (%s) as the signature digest, for the policy', (md, digest) => {
    const dir = mkdtempSync(join(tmpdir(), 'sealpost-pss-'));
    try {
      const run = (args: string[]) => {
        const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(r.stderr);
      };
      run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-subj', '/CN=pss', '-days', '1']);
      writeFileSync(join(dir, 'content.txt'), 'hello');
      run(['cms', '-sign', '-binary', '-md', md, '-signer', 'c.pem', '-inkey', 'k.pem', '-keyopt', 'rsa_padding_mode:pss', '-in', 'content.txt', '-outform', 'DER', '-out', 'sig.der']);
      const sd = inspectCms(new Uint8Array(readFileSync(join(dir, 'sig.der'))));
      if (sd.type !== 'signed-data') throw new Error(sd.type);
      expect(sd.signers[0]!.signatureScheme).toBe('rsa-pss');
      expect(sd.signers[0]!.signatureDigest).toBe(digest);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
