import pg from 'pg';
import { type KeyStoreCertificates, keyStoreCertificates } from '@sealpost/conformance';
import { isSealpostError } from '@sealpost/core';
import { type PostgresServer, startPostgres } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresKeyStoreOptions, createPostgresKeyStore } from './index.js';
import { LOCK_SPACE } from './schema.js';

let certs: KeyStoreCertificates;
let server: PostgresServer;
let count = 0;
const freshSchema = (): string => `case_${++count}`;
const storeOn = (options: Partial<PostgresKeyStoreOptions> = {}) => createPostgresKeyStore({ connectionString: server.url, schema: freshSchema(), ...options });

beforeAll(async () => {
  [certs, server] = await Promise.all([keyStoreCertificates(), startPostgres()]);
});
afterAll(async () => {
  await server?.stop();
});

/** A plain connection of the test's own, to look at what the store wrote or to get in its way. */
async function withConnection<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string; detail: unknown; error: unknown }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isSealpostError(error), `expected a SealpostError, got ${String(error)}`).toBe(true);
  const { code, message, detail } = error as { code: string; message: string; detail: unknown };
  return { code, message, detail, error };
}

/** Everything an error says, its causes included, as one string to search for a secret. */
function everythingSaid(error: unknown): string {
  const parts: string[] = [];
  for (let e = error as { message?: unknown; cause?: unknown; stack?: unknown } | undefined, depth = 0; e !== undefined && e !== null && depth < 5; e = e.cause as typeof e, depth++) {
    parts.push(String(e.message), String(e.stack), JSON.stringify(e, Object.getOwnPropertyNames(e)));
  }
  return parts.join('\n');
}

describe('the schema', () => {
  it('is created on first use: the schema, the table and version 1', async () => {
    const schema = freshSchema();
    const store = createPostgresKeyStore({ connectionString: server.url, schema, table: 'keys' });
    try {
      expect(await store.list()).toEqual([]);
    } finally {
      await store.close?.();
    }
    const rows = await withConnection(async (c) => (await c.query(`SELECT table_name, version FROM "${schema}".sealpost_schema`)).rows);
    expect(rows).toEqual([{ table_name: 'keys', version: 1 }]);
  });

  it('is created once when many stores start on a new schema at the same moment', async () => {
    const schema = freshSchema();
    // Separate pools: separate connections, so the creations really race.
    const stores = Array.from({ length: 12 }, () => createPostgresKeyStore({ connectionString: server.url, schema, maxConnections: 1 }));
    try {
      const results = await Promise.allSettled(stores.map((s) => s.list()));
      expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    } finally {
      await Promise.all(stores.map((s) => s.close?.()));
    }
  });

  it('with another version is refused with ERR_KEYSTORE, and the table is left alone', async () => {
    const schema = freshSchema();
    await withConnection(async (c) => {
      await c.query(`CREATE SCHEMA "${schema}"`);
      await c.query(`CREATE TABLE "${schema}".sealpost_schema (table_name text PRIMARY KEY, version integer NOT NULL)`);
      await c.query(`INSERT INTO "${schema}".sealpost_schema VALUES ('certificates', 2)`);
    });
    const store = createPostgresKeyStore({ connectionString: server.url, schema });
    try {
      const { code, message } = await failure(store.get('alice@example.com'));
      expect(code).toBe('ERR_KEYSTORE');
      expect(message).toContain('schema version 2');
    } finally {
      await store.close?.();
    }
  });

  it('keeps everything for the next store opened on it, to the millisecond', async () => {
    const schema = freshSchema();
    const first = createPostgresKeyStore({ connectionString: server.url, schema });
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
    const second = createPostgresKeyStore({ connectionString: server.url, schema });
    try {
      expect(await second.history('frank@example.com')).toEqual(before.frank);
      expect(await second.history('alice@example.com')).toEqual(before.alice);
      expect(await second.list()).toEqual(before.list);
      expect(Buffer.isBuffer(before.frank[0]?.certificate)).toBe(false);
      expect(before.frank[0]?.firstSeen.toISOString()).toBe('2025-01-01T00:00:00.123Z');
    } finally {
      await second.close?.();
    }
  });
});

describe('writers', () => {
  it('wait for the writer of the same address up to lockTimeoutMs, then fail with ERR_KEYSTORE', async () => {
    const schema = freshSchema();
    const store = createPostgresKeyStore({ connectionString: server.url, schema, lockTimeoutMs: 300 });
    const alice = { address: 'alice@example.com', certificate: certs.pki.identities.alice.cert };
    try {
      await store.list();
      await withConnection(async (blocker) => {
        await blocker.query('BEGIN');
        await blocker.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_SPACE, `${schema}.certificates:alice@example.com`]);
        const started = Date.now();
        const { code, detail } = await failure(store.put(alice));
        expect(code).toBe('ERR_KEYSTORE');
        expect(detail).toMatchObject({ code: '55P03' });
        expect(Date.now() - started).toBeGreaterThanOrEqual(250);
        // Another address does not wait.
        expect(await store.put({ address: 'bob@example.com', certificate: certs.pki.identities.bob.cert })).toBe('added');
        await blocker.query('ROLLBACK');
      });
      expect(await store.put(alice)).toBe('added');
    } finally {
      await store.close?.();
    }
  });
});

// The certificate and chain limits are the shared ones, in the conformance suite.
describe('bounded inputs', () => {
  it('the table itself refuses an address longer than any store accepts', async () => {
    const schema = freshSchema();
    const store = createPostgresKeyStore({ connectionString: server.url, schema });
    await store.list();
    await store.close?.();
    const error = await withConnection((c) =>
      c.query(`INSERT INTO "${schema}".certificates VALUES ($1, $2, 0, '\\x00', '{}', '{}', now(), now(), now(), now(), 'x')`, [`${'a'.repeat(300)}@example.com`, 'a'.repeat(64)]).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    expect((error as { code?: string } | null)?.code).toBe('23514');
  });
});

describe('a server that goes away', () => {
  it('gives ERR_KEYSTORE while it is down, and the same store works again once it is back', async () => {
    const store = storeOn();
    try {
      expect(await store.put({ address: 'alice@example.com', certificate: certs.pki.identities.alice.cert })).toBe('added');
      await server.takeDown();
      try {
        for (const attempt of [() => store.get('alice@example.com'), () => store.put({ address: 'bob@example.com', certificate: certs.pki.identities.bob.cert }), () => store.list()]) {
          const { code, message, detail, error } = await failure(attempt());
          expect(code).toBe('ERR_KEYSTORE');
          expect(message).toContain(`127.0.0.1:${server.port}`);
          expect((detail as { code?: string }).code).toMatch(/^(ECONNREFUSED|ECONNRESET|57P01|08006)$/);
          expect(everythingSaid(error)).not.toContain(server.password);
          expect((error as Error).cause).toBeDefined();
        }
      } finally {
        await server.bringBack();
      }
      expect((await store.get('alice@example.com'))?.address).toBe('alice@example.com');
      expect(await store.put({ address: 'bob@example.com', certificate: certs.pki.identities.bob.cert })).toBe('added');
      expect((await store.list()).map((e) => e.address)).toEqual(['alice@example.com', 'bob@example.com']);
    } finally {
      await store.close?.();
    }
  });

  it('a restart between two calls costs at most the first call after it', async () => {
    const store = storeOn({ maxConnections: 2 });
    try {
      await store.put({ address: 'alice@example.com', certificate: certs.pki.identities.alice.cert });
      await server.restart();
      // The pooled connections died with the old server; the pool drops them and connects again.
      const first = await store.get('alice@example.com').then(
        (found) => found?.address,
        (error: unknown) => (error as { code?: string }).code,
      );
      expect(['alice@example.com', 'ERR_KEYSTORE']).toContain(first);
      expect((await store.get('alice@example.com'))?.address).toBe('alice@example.com');
    } finally {
      await store.close?.();
    }
  });

  it('a server that is not there at all fails fast with ERR_KEYSTORE, and first use is tried again', async () => {
    await server.takeDown();
    const store = storeOn();
    try {
      const started = Date.now();
      expect((await failure(store.list())).code).toBe('ERR_KEYSTORE');
      expect(Date.now() - started).toBeLessThan(5000);
      await server.bringBack();
      expect(await store.list()).toEqual([]);
    } finally {
      await server.bringBack().catch(() => undefined);
      await store.close?.();
    }
  });
});

describe('credentials', () => {
  it('a wrong password is ERR_KEYSTORE (28P01) that never repeats the password', async () => {
    const wrong = 'not-the-password-but-still-secret';
    const store = createPostgresKeyStore({ connectionString: server.url.replace(server.password, wrong), schema: freshSchema() });
    try {
      const { code, detail, error } = await failure(store.list());
      expect(code).toBe('ERR_KEYSTORE');
      expect(detail).toMatchObject({ code: '28P01' });
      expect(everythingSaid(error)).not.toContain(wrong);
      expect(everythingSaid(error)).not.toContain(server.password);
    } finally {
      await store.close?.();
    }
  });

  it('without a password in the URL, PGPASSWORD is used', async () => {
    const previous = process.env['PGPASSWORD'];
    process.env['PGPASSWORD'] = server.password;
    const store = createPostgresKeyStore({ connectionString: server.url.replace(`:${server.password}@`, '@'), schema: freshSchema() });
    try {
      expect(await store.list()).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env['PGPASSWORD'];
      else process.env['PGPASSWORD'] = previous;
      await store.close?.();
    }
  });
});

describe('options', () => {
  it('need a postgres URL or a pool, never both; a bad URL is not repeated', () => {
    expect(() => createPostgresKeyStore({})).toThrow(TypeError);
    expect(() => createPostgresKeyStore({ connectionString: server.url, pool: new pg.Pool() as never })).toThrow(TypeError);
    for (const url of ['mysql://u:hunter2@h/db', 'not a url hunter2', '']) {
      expect(() => createPostgresKeyStore({ connectionString: url })).toThrow(TypeError);
      try {
        createPostgresKeyStore({ connectionString: url });
      } catch (error) {
        expect(String((error as Error).message)).not.toContain('hunter2');
      }
    }
  });

  it('take plain identifiers for schema and table, and sane numbers', () => {
    for (const schema of ['Public', 'a"b', 'x;drop', '', 'a'.repeat(64)]) expect(() => storeOn({ schema })).toThrow(TypeError);
    expect(() => storeOn({ table: 'certs"' })).toThrow(TypeError);
    expect(() => storeOn({ lockTimeoutMs: -1 })).toThrow(RangeError);
    expect(() => storeOn({ maxConnections: 0 })).toThrow(RangeError);
  });

  it('a pool of your own is used and left open by close()', async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 2 });
    try {
      const store = createPostgresKeyStore({ pool, schema: freshSchema() });
      expect(await store.put({ address: 'alice@example.com', certificate: certs.pki.identities.alice.cert })).toBe('added');
      await store.close?.();
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });
});

describe('a closed store', () => {
  it('fails with ERR_KEYSTORE, and closing twice is harmless', async () => {
    const store = storeOn();
    await store.list();
    await store.close?.();
    await store.close?.();
    expect((await failure(store.get('alice@example.com'))).code).toBe('ERR_KEYSTORE');
    expect((await failure(store.put({ address: 'alice@example.com', certificate: certs.pki.identities.alice.cert }))).code).toBe('ERR_KEYSTORE');
  });
});
