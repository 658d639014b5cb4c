import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type PostgresServer, startPostgres } from '@sealpost/fixtures';
import { createPostgresKeyStore } from '@sealpost/keystore-postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { relayBatch } from '../src/demo/relay-batch.js';
import { type Pki, type RunningCommand, assertBuilt, expectOk, makePki, sealpost, startSealpost, tempDir, waitFor } from './helpers.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const TOKEN = 'relay-token-5d02b7';

let dir: string;
let cleanup: () => Promise<void>;
let pki: Pki;
let server: PostgresServer;
let signedByBob: Uint8Array;

beforeAll(async () => {
  assertBuilt();
  ({ dir, cleanup } = await tempDir());
  [pki, server] = await Promise.all([makePki(dir), startPostgres()]);
  const path = join(dir, 'bob.eml');
  await writeFile(path, 'From: bob@example.com\r\nTo: keys@example.com\r\nSubject: my key\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello.\r\n');
  signedByBob = (await expectOk(sealpost(['sign', '--cert', pki.bob.cert, '--key', pki.bob.key, '--in', path]))).stdout;
});
afterAll(async () => {
  await server?.stop();
  await cleanup?.();
});

/** The server's URL for a database, without the password: the CLI gets that from PGPASSWORD. */
const urlWithoutPassword = (database: string): string => server.urlOf(database).replace(`:${server.password}@`, '@');
const withPassword = (): Record<string, string> => ({ PGPASSWORD: server.password });

async function startServe(keystore: string): Promise<{ serve: RunningCommand; url: string }> {
  const serve = startSealpost(['serve', '--keystore', keystore, '--trust', pki.ca, '--token-env', 'RELAY_TOKEN', '--port', '0'], { env: { RELAY_TOKEN: TOKEN, ...withPassword() } });
  const url = await waitFor(
    () =>
      serve
        .stderr()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { event: string; url?: string })
        .find((l) => l.event === 'listening')?.url,
    'serve to listen',
  );
  return { serve, url };
}

describe('--keystore postgres://', () => {
  it('two serve processes on one database: a certificate collected by one is served by the other', async () => {
    const keystore = urlWithoutPassword(await server.createDatabase('collectors').then(() => 'collectors'));
    // Both start at once, so both create the schema at once.
    const [a, b] = await Promise.all([startServe(keystore), startServe(keystore)]);
    try {
      expect((await fetch(`${b.url}/certificates/bob@example.com`)).status).toBe(404);
      const batch = relayBatch([{ bytes: signedByBob, from: 'bob@example.com', to: 'keys@example.com' }]);
      const posted = await fetch(`${a.url}/webhooks/relay`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-MessageSystems-Webhook-Token': TOKEN }, body: batch });
      expect(posted.status).toBe(200);
      const served = await fetch(`${b.url}/certificates/bob@example.com`);
      expect(served.status).toBe(200);
      expect(await served.text()).toBe(await readFile(pki.bob.cert, 'utf8'));

      const listed = await expectOk(sealpost(['keys', 'list', '--keystore', keystore, '--json'], { env: withPassword() }));
      expect((JSON.parse(listed.out) as { address: string }[]).map((e) => e.address)).toEqual(['bob@example.com']);
      // In the database, not in some folder named after the URL.
      const store = createPostgresKeyStore({ connectionString: server.urlOf('collectors') });
      try {
        expect((await store.get('bob@example.com'))?.source).toBe('relay-webhook');
      } finally {
        await store.close?.();
      }

      for (const { serve } of [a, b]) {
        serve.kill('SIGTERM');
        expect(await serve.exited).toEqual({ code: 0, signal: null });
        expect(serve.stderr()).not.toContain(server.password);
      }
    } finally {
      a.serve.kill('SIGKILL');
      b.serve.kill('SIGKILL');
    }
  });

  it('takes a postgresql:// URL too', async () => {
    await server.createDatabase('other_scheme');
    const url = urlWithoutPassword('other_scheme').replace(/^postgres:/, 'postgresql:');
    const listed = await expectOk(sealpost(['keys', 'list', '--keystore', url, '--json'], { env: withPassword() }));
    expect(JSON.parse(listed.out)).toEqual([]);
  });

  it('refuses a password in the URL, which ps would show, naming PGPASSWORD and without repeating it', async () => {
    for (const url of [server.url, server.url.replace(/^postgres:/, 'postgresql:')]) {
      const result = await sealpost(['keys', 'list', '--keystore', url]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('ERR_USAGE');
      expect(result.stderr).toContain('PGPASSWORD');
      expect(result.stderr).not.toContain(server.password);
    }
  });

  it('a wrong password is ERR_KEYSTORE, exit 2, and no password is printed', async () => {
    const wrong = 'wrong-password-4f1a';
    const result = await sealpost(['keys', 'list', '--keystore', urlWithoutPassword('sealpost')], { env: { PGPASSWORD: wrong } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\bERR_KEYSTORE\b/);
    expect(result.stderr).toContain(`127.0.0.1:${server.port}`);
    for (const text of [result.stderr, result.out]) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(server.password);
      expect(text).not.toMatch(/\n\s+at /);
    }
  });

  it('a server that is not there is ERR_KEYSTORE, not a hang', async () => {
    await server.takeDown();
    try {
      const started = Date.now();
      const result = await sealpost(['keys', 'list', '--keystore', urlWithoutPassword('sealpost')], { env: withPassword() });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/\bERR_KEYSTORE\b/);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await server.bringBack();
    }
  });

  it('a URL that cannot be read is a usage error that does not repeat it', async () => {
    const result = await sealpost(['keys', 'list', '--keystore', 'postgres://user@[not-a-host/hunter2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ERR_USAGE');
    expect(result.stderr).not.toContain('hunter2');
  });
});
