import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assertBuilt, sealpost, tempDir } from './helpers.js';

// Each test starts real processes (key generation, servers, openssl): give them room on a slow machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

// The demo runs with TMPDIR pointing here, so the folders it leaves behind are its own, whatever else
// runs on the machine at the same time.
let demoTmp: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  assertBuilt();
  ({ dir: demoTmp, cleanup } = await tempDir());
});
afterAll(() => cleanup());

function demoFolders(): string[] {
  return readdirSync(demoTmp).filter((n) => n.startsWith('sealpost-demo-'));
}

describe('sealpost demo', () => {
  it('tells the whole story over loopback, prints the table, exits 0 and leaves no temporary folder', async () => {
    const before = new Set(demoFolders());
    const started = Date.now();
    const result = await sealpost(['demo'], { env: { TMPDIR: demoTmp } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(Date.now() - started).toBeLessThan(30_000);
    const out = result.out;
    expect(out).toContain('Backend: pkijs.');
    const distributionPoint = /Each names the CA's CRL distribution point, (http:\/\/127\.0\.0\.1:\d+\/ca\.crl), served by a local HTTP server\./.exec(out)?.[1];
    expect(distributionPoint, out).toBeDefined();
    expect(out).toMatch(/listening at\n {3}http:\/\/127\.0\.0\.1:\d+\/webhooks\/relay\. The collector verifies it: valid/);
    expect(out).toContain('HTTP 200; key store: added bob@example.com, advertising aes-256-gcm, aes-128-gcm, ...');
    expect(out).toContain('With a wrong webhook token: HTTP 401, not even read.');
    expect(out).toContain("With the right one: verdict invalid (ERR_FROM_MISMATCH), not-stored; Bob's entry is unchanged.");
    expect(out).toContain("GET /certificates/bob@example.com answers 200 with Bob's certificate as PEM.");
    expect(out).toMatch(/a\. SparkPost transport, .*\n {6}bob@example\.com accepted \(signed, encrypted with aes-256-gcm, as his signed mail advertised\): id \d+\n/);
    expect(out).toMatch(
      /b\. SMTP transport, .*STARTTLS required[^]*\n {6}bob@example\.com accepted \(signed, encrypted with aes-256-gcm, as his signed mail advertised\): 250 Message queued as DEMO0001\n/,
    );

    expect(out).toMatch(/^transport +backend +cipher +authenticated +signer +verdict$/m);
    for (const transport of ['sparkpost', 'smtp'])
      for (const backend of ['pkijs', 'forge']) expect(out).toMatch(new RegExp(`^${transport} +${backend} +aes-256-gcm +yes +alice@example\\.com +valid$`, 'm'));
    expect(out).toMatch(/^smtp, 1 bit flipped +pkijs +aes-256-gcm +yes +- +failed$/m);
    expect(out).toMatch(/^From: Alice, signed by Mallory +pkijs +aes-256-gcm +yes +mallory@example\.com +invalid$/m);

    // Step 5: Carol's revoked certificate, caught by every backend through the CRL fetched from its
    // distribution point (with revocation off these rows say valid and not-checked).
    const crl = distributionPoint!.replace(/\./g, '\\.');
    expect(out).toMatch(new RegExp(`the\n {3}CRL it signs and serves at ${crl} lists her serial,\n {3}[0-9a-f]+, as revoked \\(keyCompromise\\)\\.\n`));
    expect(out).toMatch(/^ {3}backend +verdict +finding +revocation +answer from$/m);
    for (const backend of ['pkijs', 'forge']) expect(out).toMatch(new RegExp(`^ {3}${backend} +untrusted +ERR_CERTIFICATE_REVOKED +revoked +CRL ${crl} \\(keyCompromise\\)$`, 'm'));
    expect(out).toMatch(/The CRL server answered \d+ requests in all/);
    expect(out).toMatch(/Every outcome was as expected \(\d+\.\d s\)\.\n$/);
    expect(demoFolders().filter((n) => !before.has(n))).toEqual([]);
  });

  it('says so and carries on when the openssl binary is not there', async () => {
    // The command itself is started by its absolute path; PATH only matters for finding openssl.
    const result = await sealpost(['demo'], { env: { PATH: '/nonexistent', TMPDIR: demoTmp } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.out).toMatch(/\(openssl: not available here, .*; it is left out\)/);
    expect(result.out).not.toMatch(/^sparkpost +openssl /m);
    expect(result.out).toMatch(/^sparkpost +forge +aes-256-gcm +yes +alice@example\.com +valid$/m);
    expect(result.out).toMatch(/^ {3}forge +untrusted +ERR_CERTIFICATE_REVOKED +revoked +CRL http:\/\/127\.0\.0\.1:\d+\/ca\.crl \(keyCompromise\)$/m);
    expect(result.out).not.toMatch(/^ {3}openssl +untrusted /m);
  });
});
