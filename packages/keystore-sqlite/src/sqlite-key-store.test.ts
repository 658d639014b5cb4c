import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type KeyStoreCertificates, keyStoreCertificates } from '@sealpost/conformance';
import { isSealpostError } from '@sealpost/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteKeyStore } from './index.js';

let certs: KeyStoreCertificates;
let root: string;
let count = 0;
const freshPath = (): string => join(root, `case-${++count}.db`);

beforeAll(async () => {
  certs = await keyStoreCertificates();
  root = await mkdtemp(join(tmpdir(), 'sealpost-keystore-sqlite-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(isSealpostError(error), `expected a SealpostError, got ${String(error)}`).toBe(true);
    return (error as { code: string }).code;
  }
  throw new Error('expected an error');
}

async function asyncCodeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isSealpostError(error), `expected a SealpostError, got ${String(error)}`).toBe(true);
  return (error as { code: string }).code;
}

describe('the database file', () => {
  const modeOf = async (path: string): Promise<string> => ((await stat(path)).mode & 0o777).toString(8);

  for (const umask of [0o022, 0o000, 0o277]) {
    it(`is created 0600, and so are its -wal and -shm files, with umask ${umask.toString(8).padStart(3, '0')}`, async () => {
      const path = freshPath();
      const previous = process.umask(umask);
      let store;
      try {
        store = createSqliteKeyStore({ path });
        await store.put({ address: 'alice@example.com', certificate: certs.pki.identities.alice.cert });
      } finally {
        process.umask(previous);
      }
      try {
        // Both exist while a connection is open in WAL mode.
        expect([await modeOf(path), await modeOf(`${path}-wal`), await modeOf(`${path}-shm`)]).toEqual(['600', '600', '600']);
      } finally {
        await store?.close?.();
      }
    });
  }

  it('keeps the mode of a database file that was already there', async () => {
    const path = freshPath();
    await writeFile(path, '');
    await chmod(path, 0o640);
    const store = createSqliteKeyStore({ path });
    await store.put({ address: 'alice@example.com', certificate: certs.pki.identities.alice.cert });
    await store.close?.();
    expect(await modeOf(path)).toBe('640');
  });

  it('is created in WAL mode, with a busy timeout and schema version 1', async () => {
    const path = freshPath();
    const store = createSqliteKeyStore({ path, busyTimeoutMs: 1234 });
    await store.close?.();
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare('SELECT version FROM sealpost_schema').all()).toEqual([{ version: 1 }]);
    } finally {
      db.close();
    }
  });

  it('applies the busy timeout to its own connection', async () => {
    const path = freshPath();
    const store = createSqliteKeyStore({ path, busyTimeoutMs: 300 });
    const blocker = new Database(path);
    try {
      blocker.exec('BEGIN IMMEDIATE');
      const started = Date.now();
      expect(await asyncCodeOf(store.put({ address: 'alice@example.com', certificate: certs.pki.identities.alice.cert }))).toBe('ERR_KEYSTORE');
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      blocker.exec('ROLLBACK');
      expect(await store.put({ address: 'alice@example.com', certificate: certs.pki.identities.alice.cert })).toBe('added');
    } finally {
      blocker.close();
      await store.close?.();
    }
  });

  it('keeps everything for the next store opened on it, to the millisecond', async () => {
    const path = freshPath();
    const first = createSqliteKeyStore({ path });
    await first.put({
      address: 'frank@example.com',
      certificate: certs.pki.identities.frank.cert,
      chain: [certs.pki.inter.cert],
      smimeCapabilities: ['aes-256-gcm'],
      seenAt: new Date('2025-01-01T00:00:00.123Z'),
      source: 'import',
    });
    await first.put({ address: 'alice@example.com', certificate: certs.pki.identities.alice.cert });
    await first.put({ address: 'alice@example.com', certificate: certs.aliceNewer });
    const before = { frank: await first.history('frank@example.com'), alice: await first.history('alice@example.com'), list: await first.list() };
    await first.close?.();
    const second = createSqliteKeyStore({ path });
    try {
      expect(await second.history('frank@example.com')).toEqual(before.frank);
      expect(await second.history('alice@example.com')).toEqual(before.alice);
      expect(await second.list()).toEqual(before.list);
      expect(before.frank[0]?.certificate).toBeInstanceOf(Uint8Array);
      expect(Buffer.isBuffer(before.frank[0]?.certificate)).toBe(false);
    } finally {
      await second.close?.();
    }
  });

  it('with a newer schema version is refused with ERR_KEYSTORE', () => {
    const path = freshPath();
    const db = new Database(path);
    db.exec('CREATE TABLE sealpost_schema (version INTEGER NOT NULL); INSERT INTO sealpost_schema VALUES (2);');
    db.close();
    expect(codeOf(() => createSqliteKeyStore({ path }))).toBe('ERR_KEYSTORE');
  });

  it('that is not a database, or cannot be created, is ERR_KEYSTORE', async () => {
    const path = freshPath();
    await writeFile(path, 'not a database, just text that is long enough to fill a header '.repeat(20));
    expect(codeOf(() => createSqliteKeyStore({ path }))).toBe('ERR_KEYSTORE');
    expect(codeOf(() => createSqliteKeyStore({ path: join(root, 'missing-folder', 'x.db') }))).toBe('ERR_KEYSTORE');
  });
});

describe('a closed store', () => {
  it('fails with ERR_KEYSTORE, and closing twice is harmless', async () => {
    const store = createSqliteKeyStore({ path: freshPath() });
    await store.close?.();
    await store.close?.();
    expect(await asyncCodeOf(store.get('alice@example.com'))).toBe('ERR_KEYSTORE');
    expect(await asyncCodeOf(store.put({ address: 'alice@example.com', certificate: certs.pki.identities.alice.cert }))).toBe('ERR_KEYSTORE');
  });
});

describe('options', () => {
  it('need a path and a usable busy timeout', () => {
    expect(() => createSqliteKeyStore({ path: '' })).toThrow(TypeError);
    expect(() => createSqliteKeyStore({ path: freshPath(), busyTimeoutMs: -1 })).toThrow(RangeError);
  });
});
