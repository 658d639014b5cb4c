import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assertBuilt, run, sealpost, tempDir } from './helpers.js';

// Each test starts real processes (key generation, openssl): give them room on a slow machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  assertBuilt();
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

describe('sealpost keygen', () => {
  it('makes a CA, then an identity with a 0600 key and a .p12 protected by --pass-env', async () => {
    const out = join(dir, 'first');
    const result = await sealpost(['keygen', '--email', 'alice@example.com', '--out', out, '--pass-env', 'KG_PASS'], { env: { KG_PASS: 'p4ss' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    for (const name of ['ca.crt', 'ca.key', 'alice@example.com.crt', 'alice@example.com.key', 'alice@example.com.p12']) expect(existsSync(join(out, name)), name).toBe(true);
    expect(mode(join(out, 'ca.key'))).toBe(0o600);
    expect(mode(join(out, 'alice@example.com.key'))).toBe(0o600);
    expect(mode(join(out, 'alice@example.com.p12'))).toBe(0o600);
    expect(await readFile(join(out, 'alice@example.com.crt'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(await readFile(join(out, 'alice@example.com.key'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(result.out).toContain(join(out, 'alice@example.com.p12'));
    // no temporary files left behind
    expect(readdirSync(out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('without --pass-env writes a .p12 with the empty password, mode 0600, and says so', async () => {
    const out = join(dir, 'nop12');
    const result = await sealpost(['keygen', '--email', 'bob@example.com', '--out', out]);
    expect(result.code).toBe(0);
    expect(mode(join(out, 'bob@example.com.p12'))).toBe(0o600);
    expect(result.out).toContain('empty password: pass --pass-env VAR to protect it');
    const signed = await sealpost(['sign', '--p12', join(out, 'bob@example.com.p12')], { input: 'From: bob@example.com\r\nSubject: x\r\n\r\nhi\r\n' });
    expect(signed.stderr).toBe('');
    expect(signed.code).toBe(0);
  });

  it('issues with an existing CA given by --ca, without touching it', async () => {
    const out = join(dir, 'first');
    const caBefore = await readFile(join(out, 'ca.crt'));
    const result = await sealpost(['keygen', '--email', 'bob@example.com', '--out', out, '--ca', out, '--key-type', 'ec-p256']);
    expect(result.code).toBe(0);
    expect(await readFile(join(out, 'ca.crt'))).toEqual(caBefore);
    expect(mode(join(out, 'bob@example.com.key'))).toBe(0o600);
    const issuer = await run('openssl', ['x509', '-in', join(out, 'bob@example.com.crt'), '-noout', '-issuer', '-subject', '-ext', 'subjectAltName']);
    const caSubject = await run('openssl', ['x509', '-in', join(out, 'ca.crt'), '-noout', '-subject']);
    expect(issuer.out).toContain(`issuer=${caSubject.out.replace(/^subject=/, '').trim()}`);
    expect(issuer.out).toContain('email:bob@example.com');
    const verify = await run('openssl', ['verify', '-purpose', 'smimesign', '-CAfile', join(out, 'ca.crt'), join(out, 'bob@example.com.crt')]);
    expect(verify.code, verify.stderr).toBe(0);
  });

  it('refuses to replace existing files (exit 2), before writing anything', async () => {
    const out = join(dir, 'first');
    const keyBefore = await readFile(join(out, 'ca.key'));
    const result = await sealpost(['keygen', '--email', 'carol@example.com', '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^sealpost: .*ca\.crt already exists; not replacing it \(to issue with that CA, pass --ca DIR\) \[ERR_FILE_EXISTS\]\n$/);
    expect(await readFile(join(out, 'ca.key'))).toEqual(keyBefore);
    expect(existsSync(join(out, 'carol@example.com.crt'))).toBe(false);
  });

  it('exits 2 when --ca names a folder without a CA', async () => {
    const result = await sealpost(['keygen', '--email', 'dan@example.com', '--out', join(dir, 'dan'), '--ca', join(dir, 'nowhere')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^sealpost: cannot read CA certificate .*nowhere\/ca\.crt: no such file or directory \[ERR_FILE_UNREADABLE\]\n$/);
  });

  it('refuses an address that is not a plain file name (exit 2)', async () => {
    const result = await sealpost(['keygen', '--email', '../evil@example.com', '--out', join(dir, 'evil')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\[ERR_USAGE\]\n$/);
    expect(existsSync(join(dir, 'evil'))).toBe(false);
  });

  it('exits 2 when the --pass-env variable is not set', async () => {
    const result = await sealpost(['keygen', '--email', 'erin@example.com', '--out', join(dir, 'erin'), '--pass-env', 'SEALPOST_UNSET_VAR'], {
      env: { SEALPOST_UNSET_VAR: undefined },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('sealpost: environment variable SEALPOST_UNSET_VAR (named by --pass-env) is not set [ERR_PASSPHRASE_MISSING]\n');
  });

  it('exits 2 when --out is a file', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const result = await sealpost(['keygen', '--email', 'frank@example.com', '--out', file]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
