import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KeyStoreCertificates, LONGEST_ADDRESS, keyStoreCertificates } from '@sealpost/conformance';
import { isSealpostError, pemDecode, pemEncode } from '@sealpost/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectoryKeyStore } from './index.js';

const fingerprint = (der: Uint8Array): string => createHash('sha256').update(der).digest('hex');
const pem = (der: Uint8Array): string => pemEncode(der, 'CERTIFICATE');

let certs: KeyStoreCertificates;
let root: string;
let count = 0;

beforeAll(async () => {
  certs = await keyStoreCertificates();
  root = await mkdtemp(join(tmpdir(), 'sealpost-keystore-dir-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function freshDir(): Promise<string> {
  const dir = join(root, `case-${++count}`);
  await mkdir(dir);
  return dir;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isSealpostError(error), `expected a SealpostError, got ${String(error)}`).toBe(true);
  return (error as { code: string }).code;
}

describe("a folder SparkPost's tools made (only <address>.crt files)", () => {
  it('is read as it is: current certificates, the file time as first and last seen, no capabilities', async () => {
    const folder = await freshDir();
    const { alice, bob } = certs.pki.identities;
    await writeFile(join(folder, 'alice@example.com.crt'), alice.certPem);
    await writeFile(join(folder, 'Bob@Example.COM.crt'), bob.certPem);
    await writeFile(join(folder, 'ca-bundle.crt'), certs.pki.ca.pem);
    await writeFile(join(folder, 'README.txt'), 'not a certificate');
    const mtime = new Date('2023-04-05T06:07:08.000Z');
    await utimes(join(folder, 'alice@example.com.crt'), mtime, mtime);

    const store = createDirectoryKeyStore({ dir: folder });
    const stored = await store.get('alice@EXAMPLE.com');
    expect(stored?.fingerprint).toBe(fingerprint(alice.cert));
    expect(stored?.firstSeen.toISOString()).toBe(mtime.toISOString());
    expect(stored?.lastSeen.toISOString()).toBe(mtime.toISOString());
    expect(stored?.smimeCapabilities).toEqual([]);
    expect(stored?.source).toBe('directory');
    expect((await store.get('Bob@example.com'))?.fingerprint).toBe(fingerprint(bob.cert));
    expect((await store.list()).map((e) => [e.address, e.versions])).toEqual([
      ['Bob@example.com', 1],
      ['alice@example.com', 1],
    ]);
    // Reading writes nothing.
    expect((await readdir(folder)).sort()).toEqual(['Bob@Example.COM.crt', 'README.txt', 'alice@example.com.crt', 'ca-bundle.crt']);
  });

  it('takes certificates after the first one in a .crt file as its chain', async () => {
    const folder = await freshDir();
    const { frank } = certs.pki.identities;
    await writeFile(join(folder, 'frank@example.com.crt'), frank.certPem + certs.pki.inter.pem);
    const stored = await createDirectoryKeyStore({ dir: folder }).get('frank@example.com');
    expect(stored?.fingerprint).toBe(fingerprint(frank.cert));
    expect(stored?.chain.map(fingerprint)).toEqual([fingerprint(certs.pki.inter.cert)]);
  });

  it('keeps the file time as first seen when the certificate is seen again, and adds metadata', async () => {
    const folder = await freshDir();
    const { alice } = certs.pki.identities;
    await writeFile(join(folder, 'alice@example.com.crt'), alice.certPem);
    const mtime = new Date('2023-04-05T06:07:08.000Z');
    await utimes(join(folder, 'alice@example.com.crt'), mtime, mtime);
    const store = createDirectoryKeyStore({ dir: folder });
    const seenAt = new Date('2025-01-01T00:00:00.000Z');
    expect(await store.put({ address: 'alice@example.com', certificate: alice.cert, seenAt, smimeCapabilities: ['aes-256-gcm'] })).toBe('seen');
    const stored = await createDirectoryKeyStore({ dir: folder }).get('alice@example.com');
    expect(stored?.firstSeen.toISOString()).toBe(mtime.toISOString());
    expect(stored?.lastSeen.toISOString()).toBe(seenAt.toISOString());
    expect(stored?.smimeCapabilities).toEqual(['aes-256-gcm']);
  });

  it('keeps the capabilities the collector learned even when the file is newer than the message (copied, restored, clock ahead)', async () => {
    const folder = await freshDir();
    const { alice } = certs.pki.identities;
    await writeFile(join(folder, 'alice@example.com.crt'), alice.certPem);
    const mtime = new Date('2025-06-01T00:00:00.000Z');
    await utimes(join(folder, 'alice@example.com.crt'), mtime, mtime);
    const seenAt = new Date('2025-01-01T00:00:00.000Z');
    await createDirectoryKeyStore({ dir: folder }).put({ address: 'alice@example.com', certificate: alice.cert, seenAt, smimeCapabilities: ['aes-256-gcm', 'aes-256-cbc'], source: 'relay-webhook' });
    // A later send opens the folder again.
    const stored = await createDirectoryKeyStore({ dir: folder }).get('alice@example.com');
    expect(stored?.smimeCapabilities).toEqual(['aes-256-gcm', 'aes-256-cbc']);
    expect(stored?.lastSeen.toISOString()).toBe(mtime.toISOString());
  });

  it('renames a file whose domain is in another case to the lower-cased name when it writes the address', async () => {
    const folder = await freshDir();
    const { bob } = certs.pki.identities;
    await writeFile(join(folder, 'bob@Example.COM.crt'), bob.certPem);
    const store = createDirectoryKeyStore({ dir: folder });
    expect(await store.put({ address: 'bob@example.com', certificate: bob.cert })).toBe('seen');
    expect((await readdir(folder)).filter((n) => n.endsWith('.crt'))).toEqual(['bob@example.com.crt']);
    expect(pemDecode(await readFile(join(folder, 'bob@example.com.crt'), 'utf8')).map(fingerprint)).toEqual([fingerprint(bob.cert)]);
  });
});

describe('what the store writes', () => {
  it('keeps <address>.crt holding the current certificate alone, as PEM, and every version under .sealpost/', async () => {
    const folder = await freshDir();
    const { alice } = certs.pki.identities;
    const store = createDirectoryKeyStore({ dir: folder });
    await store.put({ address: 'alice@Example.com', certificate: alice.cert, chain: [certs.pki.ca.cert] });
    expect(await readFile(join(folder, 'alice@example.com.crt'), 'utf8')).toBe(pem(alice.cert));
    expect(await store.put({ address: 'alice@example.com', certificate: certs.aliceNewer })).toBe('superseded');
    expect(await readFile(join(folder, 'alice@example.com.crt'), 'utf8')).toBe(pem(certs.aliceNewer));
    const history = join(folder, '.sealpost', 'alice@example.com');
    expect((await readdir(history)).sort()).toEqual([`${fingerprint(alice.cert)}.pem`, `${fingerprint(certs.aliceNewer)}.pem`, 'index.json'].sort());
    expect(await readFile(join(history, `${fingerprint(alice.cert)}.pem`), 'utf8')).toBe(pem(alice.cert) + pem(certs.pki.ca.cert));
    const index = JSON.parse(await readFile(join(history, 'index.json'), 'utf8')) as { version: number; certificates: { fingerprint: string }[] };
    expect(index.version).toBe(1);
    expect(index.certificates.map((c) => c.fingerprint)).toEqual([fingerprint(certs.aliceNewer), fingerprint(alice.cert)]);
    expect(await readdir(join(folder, '.sealpost', '.tmp'))).toEqual([]);
  });

  it('is read back the same by a new store on the folder', async () => {
    const folder = await freshDir();
    const { alice } = certs.pki.identities;
    const first = createDirectoryKeyStore({ dir: folder });
    await first.put({ address: 'alice@example.com', certificate: alice.cert, seenAt: new Date('2025-01-01T00:00:00.123Z'), smimeCapabilities: ['aes-128-gcm'], source: 'import' });
    await first.put({ address: 'alice@example.com', certificate: certs.aliceOlder, seenAt: new Date('2025-02-01T00:00:00Z') });
    const before = await first.history('alice@example.com');
    const after = await createDirectoryKeyStore({ dir: folder }).history('alice@example.com');
    expect(after).toEqual(before);
    expect(after[0]).toMatchObject({ source: 'import', smimeCapabilities: ['aes-128-gcm'] });
    expect(after[0]?.firstSeen.toISOString()).toBe('2025-01-01T00:00:00.123Z');
  });

  it('removing every certificate of an address removes its files', async () => {
    const folder = await freshDir();
    const store = createDirectoryKeyStore({ dir: folder });
    await store.put({ address: 'alice@example.com', certificate: certs.pki.identities.alice.cert });
    await store.put({ address: 'alice@example.com', certificate: certs.aliceNewer });
    expect(await store.remove('alice@example.com')).toBe(2);
    expect(await readdir(folder)).toEqual(['.sealpost']);
    expect((await readdir(join(folder, '.sealpost'))).filter((n) => n !== '.tmp')).toEqual([]);
  });

  it('removing the current certificate writes the next one to <address>.crt', async () => {
    const folder = await freshDir();
    const store = createDirectoryKeyStore({ dir: folder });
    await store.put({ address: 'alice@example.com', certificate: certs.pki.identities.alice.cert });
    await store.put({ address: 'alice@example.com', certificate: certs.aliceNewer });
    expect(await store.remove('alice@example.com', fingerprint(certs.aliceNewer))).toBe(1);
    expect(await readFile(join(folder, 'alice@example.com.crt'), 'utf8')).toBe(pem(certs.pki.identities.alice.cert));
    expect(await readdir(join(folder, '.sealpost', 'alice@example.com'))).not.toContain(`${fingerprint(certs.aliceNewer)}.pem`);
  });
});

describe('changes made by other tools', () => {
  it('a .crt replaced by another tool is the current certificate; the one it replaced stays in the history', async () => {
    const folder = await freshDir();
    const store = createDirectoryKeyStore({ dir: folder });
    await store.put({ address: 'alice@example.com', certificate: certs.pki.identities.alice.cert, smimeCapabilities: ['aes-256-gcm'] });
    await writeFile(join(folder, 'alice@example.com.crt'), pem(certs.aliceOlder));
    const history = await store.history('alice@example.com');
    expect(history.map((c) => c.fingerprint)).toEqual([fingerprint(certs.aliceOlder), fingerprint(certs.pki.identities.alice.cert)]);
    expect(history[0]?.source).toBe('directory');
    expect(history[1]?.smimeCapabilities).toEqual(['aes-256-gcm']);
  });

  it('a .crt deleted by another tool removes the address, whatever metadata is left', async () => {
    const folder = await freshDir();
    const store = createDirectoryKeyStore({ dir: folder });
    await store.put({ address: 'alice@example.com', certificate: certs.pki.identities.alice.cert });
    await rm(join(folder, 'alice@example.com.crt'));
    expect(await store.get('alice@example.com')).toBeNull();
    expect(await store.list()).toEqual([]);
    expect(await store.put({ address: 'alice@example.com', certificate: certs.aliceNewer })).toBe('added');
    expect((await store.history('alice@example.com')).map((c) => c.fingerprint)).toEqual([fingerprint(certs.aliceNewer)]);
  });

  it('a .crt that holds no certificate is ERR_KEYSTORE, for that address and for list', async () => {
    const folder = await freshDir();
    await writeFile(join(folder, 'alice@example.com.crt'), 'garbage');
    const store = createDirectoryKeyStore({ dir: folder });
    expect(await codeOf(store.get('alice@example.com'))).toBe('ERR_KEYSTORE');
    expect(await codeOf(store.list())).toBe('ERR_KEYSTORE');
    expect(await store.get('bob@example.com')).toBeNull();
  });

  it('unreadable metadata is ERR_KEYSTORE', async () => {
    const folder = await freshDir();
    const store = createDirectoryKeyStore({ dir: folder });
    await store.put({ address: 'alice@example.com', certificate: certs.pki.identities.alice.cert });
    await writeFile(join(folder, '.sealpost', 'alice@example.com', 'index.json'), '{"version": 1, "certificates": [{}]}');
    expect(await codeOf(store.get('alice@example.com'))).toBe('ERR_KEYSTORE');
    await writeFile(join(folder, '.sealpost', 'alice@example.com', 'index.json'), '{"version": 99, "certificates": []}');
    expect(await codeOf(store.get('alice@example.com'))).toBe('ERR_KEYSTORE');
  });
});

describe('addresses that could name another file', () => {
  const unsafe = ['a\\b@example.com', 'alice@example.com/../x', '../x@example.com', '..@example.com', 'a..b@example.com', '.hidden@example.com', `${'a'.repeat(250)}@example.com`];

  for (const address of unsafe) {
    it(`refuses ${JSON.stringify(address.length > 40 ? `${address.slice(0, 20)}...` : address)} with ERR_ADDRESS_MALFORMED and writes nothing`, async () => {
      const folder = await freshDir();
      const store = createDirectoryKeyStore({ dir: join(folder, 'store') });
      expect(await codeOf(store.put({ address, certificate: certs.pki.identities.alice.cert }))).toBe('ERR_ADDRESS_MALFORMED');
      expect(await codeOf(store.get(address))).toBe('ERR_ADDRESS_MALFORMED');
      expect(await codeOf(store.history(address))).toBe('ERR_ADDRESS_MALFORMED');
      expect(await codeOf(store.remove(address))).toBe('ERR_ADDRESS_MALFORMED');
      expect(await readdir(folder)).toEqual([]);
    });
  }
});

describe('addresses that cannot be a plain file name', () => {
  const hashedName = (address: string): string => `sha256-${createHash('sha256').update(address, 'utf8').digest('hex')}`;
  // 251 octets make a 255-byte <address>.crt, the longest name most file systems allow.
  const longestPlain = `${'p'.repeat(64)}@${'q'.repeat(60)}.${'r'.repeat(60)}.${'s'.repeat(60)}.${'t'.repeat(3)}`;
  const shortestHashed = `${longestPlain.slice(0, -1)}tt`;

  it('keeps <address>.crt up to a 255-byte name', async () => {
    expect(Buffer.byteLength(longestPlain)).toBe(251);
    const folder = await freshDir();
    await createDirectoryKeyStore({ dir: folder }).put({ address: longestPlain, certificate: certs.pki.identities.alice.cert });
    expect(await readdir(folder)).toEqual(expect.arrayContaining([`${longestPlain}.crt`]));
  });

  for (const address of [LONGEST_ADDRESS, shortestHashed, 'a/b@example.com', '"john doe"@example.com', 'x|y@example.com']) {
    it(`files ${JSON.stringify(address.length > 40 ? `${address.slice(0, 20)}...` : address)} as sha256-<hex>.crt, with the address in .sealpost/`, async () => {
      const folder = await freshDir();
      const { alice } = certs.pki.identities;
      const store = createDirectoryKeyStore({ dir: folder });
      expect(await store.put({ address, certificate: alice.cert, source: 'relay-webhook' })).toBe('added');
      const name = hashedName(address);
      expect((await readdir(folder)).sort()).toEqual(['.sealpost', `${name}.crt`]);
      expect(await readFile(join(folder, `${name}.crt`), 'utf8')).toBe(pem(alice.cert));
      expect(await readFile(join(folder, '.sealpost', name, 'address'), 'utf8')).toBe(`${address}\n`);
      expect((await readdir(join(folder, '.sealpost', name))).sort()).toEqual([`${fingerprint(alice.cert)}.pem`, 'address', 'index.json'].sort());

      const reopened = createDirectoryKeyStore({ dir: folder });
      expect((await reopened.get(address))?.source).toBe('relay-webhook');
      expect((await reopened.list()).map((e) => e.address)).toEqual([address]);
      expect(await reopened.put({ address, certificate: certs.aliceNewer })).toBe('superseded');
      expect(await readFile(join(folder, `${name}.crt`), 'utf8')).toBe(pem(certs.aliceNewer));
      expect(await reopened.remove(address)).toBe(2);
      expect(await readdir(folder)).toEqual(['.sealpost']);
      expect((await readdir(join(folder, '.sealpost'))).filter((n) => n !== '.tmp')).toEqual([]);
    });
  }

  it('lists nothing for a sha256-<hex>.crt without its address file, and ERR_KEYSTORE when that file names another address', async () => {
    const folder = await freshDir();
    const store = createDirectoryKeyStore({ dir: folder });
    await writeFile(join(folder, `${hashedName('stray@example.com')}.crt`), certs.pki.identities.bob.certPem);
    expect(await store.list()).toEqual([]);
    await store.put({ address: 'a/b@example.com', certificate: certs.pki.identities.alice.cert });
    await writeFile(join(folder, '.sealpost', hashedName('a/b@example.com'), 'address'), 'c/d@example.com\n');
    expect(await codeOf(store.list())).toBe('ERR_KEYSTORE');
  });

  it('reads a <address>.crt an older version wrote for such an address, and moves it to the hashed name when writing', async () => {
    const folder = await freshDir();
    const { bob } = certs.pki.identities;
    await writeFile(join(folder, 'x|y@example.com.crt'), bob.certPem);
    const store = createDirectoryKeyStore({ dir: folder });
    expect((await store.get('x|y@example.com'))?.fingerprint).toBe(fingerprint(bob.cert));
    expect((await store.list()).map((e) => e.address)).toEqual(['x|y@example.com']);
    expect(await store.put({ address: 'x|y@example.com', certificate: bob.cert })).toBe('seen');
    expect((await readdir(folder)).filter((n) => n.endsWith('.crt'))).toEqual([`${hashedName('x|y@example.com')}.crt`]);
  });
});

describe('file modes', () => {
  /** Every file and folder below `top` (and `top` itself), with its permission bits in octal. */
  async function modesBelow(top: string): Promise<Record<string, string>> {
    const modes: Record<string, string> = {};
    for (const name of ['', ...(await readdir(top, { recursive: true }))]) {
      const info = await stat(join(top, name));
      modes[`${name}${info.isDirectory() ? '/' : ''}`] = (info.mode & 0o777).toString(8);
    }
    return modes;
  }

  for (const umask of [0o022, 0o000, 0o277]) {
    it(`writes folders 0700 and files 0600 with umask ${umask.toString(8).padStart(3, '0')}`, async () => {
      const folder = await freshDir();
      const previous = process.umask(umask);
      try {
        const store = createDirectoryKeyStore({ dir: join(folder, 'new', 'store') });
        await store.put({ address: 'alice@example.com', certificate: certs.pki.identities.alice.cert });
        await store.put({ address: 'alice@example.com', certificate: certs.aliceNewer });
        await store.put({ address: LONGEST_ADDRESS, certificate: certs.pki.identities.bob.cert });
      } finally {
        process.umask(previous);
      }
      const modes = await modesBelow(join(folder, 'new'));
      expect(Object.keys(modes).length).toBeGreaterThan(10);
      for (const [name, mode] of Object.entries(modes)) expect(`${name} ${mode}`).toBe(`${name} ${name.endsWith('/') ? '700' : '600'}`);
    });
  }

  it('leaves the mode of a folder that was already there', async () => {
    const folder = await freshDir();
    await chmod(folder, 0o750);
    await createDirectoryKeyStore({ dir: folder }).put({ address: 'alice@example.com', certificate: certs.pki.identities.alice.cert });
    expect(((await stat(folder)).mode & 0o777).toString(8)).toBe('750');
    expect(((await stat(join(folder, '.sealpost'))).mode & 0o777).toString(8)).toBe('700');
    expect(((await stat(join(folder, 'alice@example.com.crt'))).mode & 0o777).toString(8)).toBe('600');
  });
});

describe('several stores on one folder in one process', () => {
  it('share one write queue, so concurrent puts lose nothing', async () => {
    const folder = await freshDir();
    const stores = [createDirectoryKeyStore({ dir: folder }), createDirectoryKeyStore({ dir: join(folder, '.') }), createDirectoryKeyStore({ dir: folder })];
    const puts = certs.sharedByYear.map((certificate, i) => stores[i % stores.length]!.put({ address: 'shared@example.com', certificate, seenAt: new Date(Date.UTC(2025, 0, i + 1)) }));
    await Promise.all(puts);
    const history = await stores[0]!.history('shared@example.com');
    expect(history.map((c) => c.fingerprint)).toEqual([...certs.sharedByYear].reverse().map(fingerprint));
    expect(await readFile(join(folder, 'shared@example.com.crt'), 'utf8')).toBe(pem(certs.sharedByYear.at(-1)!));
  });
});
