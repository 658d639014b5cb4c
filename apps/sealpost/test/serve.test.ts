import { readFile, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { relayBatch } from '../src/demo/relay-batch.js';
import { type Pki, type RunningCommand, assertBuilt, expectOk, makePki, sealpost, startSealpost, tempDir, waitFor } from './helpers.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const TOKEN = 'relay-token-7c1e9a';

let dir: string;
let cleanup: () => Promise<void>;
let pki: Pki;
let signedByBob: Uint8Array;
let signedByCarol: Uint8Array;

beforeAll(async () => {
  assertBuilt();
  ({ dir, cleanup } = await tempDir());
  pki = await makePki(dir);
  signedByBob = await signedMessage(pki.bob, 'bob@example.com');
  signedByCarol = await signedMessage(pki.carol, 'carol@example.com');
});
afterAll(() => cleanup?.());

async function signedMessage(who: { cert: string; key: string }, from: string): Promise<Uint8Array> {
  const path = join(dir, `${from}.eml`);
  await writeFile(path, `From: ${from}\r\nTo: keys@example.com\r\nSubject: my key\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello.\r\n`);
  return (await expectOk(sealpost(['sign', '--cert', who.cert, '--key', who.key, '--in', path]))).stdout;
}

interface LogLine {
  readonly time: string;
  readonly event: string;
  readonly [key: string]: unknown;
}

function logLines(server: RunningCommand): LogLine[] {
  return server
    .stderr()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogLine);
}

async function startServe(keystore: string): Promise<{ server: RunningCommand; url: string }> {
  const server = startSealpost(['serve', '--keystore', keystore, '--trust', pki.ca, '--token-env', 'RELAY_TOKEN', '--port', '0'], { env: { RELAY_TOKEN: TOKEN } });
  const url = await waitFor(() => logLines(server).find((l) => l.event === 'listening')?.['url'] as string | undefined, 'the server to listen');
  return { server, url };
}

const post = (url: string, body: string, token: string): Promise<Response> =>
  fetch(`${url}/webhooks/relay`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-MessageSystems-Webhook-Token': token }, body });

describe('sealpost serve', () => {
  it('collects a certificate from a relayed batch, serves it, refuses a wrong token, logs JSON and stops on SIGTERM', async () => {
    const keystore = join(dir, 'served-keys');
    const { server, url } = await startServe(keystore);
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${url}/healthz`);
      expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
      expect((await fetch(`${url}/certificates/bob@example.com`)).status).toBe(404);

      const batch = relayBatch([
        { bytes: signedByBob, from: 'bob@example.com', to: 'keys@example.com' },
        { bytes: signedByCarol, from: 'carol@example.com', to: 'keys@example.com' },
      ]);
      const wrong = await post(url, batch, 'not-the-token');
      expect(wrong.status).toBe(401);
      expect((await fetch(`${url}/certificates/bob@example.com`)).status).toBe(404);

      const accepted = await post(url, batch, TOKEN);
      expect([accepted.status, await accepted.text()]).toEqual([200, 'ok\n']);
      const pem = await fetch(`${url}/certificates/bob@example.com`);
      expect(pem.status).toBe(200);
      expect(pem.headers.get('content-type')).toBe('application/pem-certificate-chain');
      expect(await pem.text()).toBe(await readFile(pki.bob.cert, 'utf8'));
      // Carol's chain ends at a CA the server does not trust: nothing stored.
      expect((await fetch(`${url}/certificates/carol@example.com`)).status).toBe(404);
      expect((await fetch(`${url}/certificates/nobody`)).status).toBe(400);

      server.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
      const log = logLines(server);
      expect(log.map((l) => l.event)).toEqual([
        'listening',
        'http',
        'http',
        'relay-refused',
        'http',
        'http',
        'relay-message',
        'relay-message',
        'relay-batch',
        'http',
        'http',
        'http',
        'http',
        'stopping',
        'stopped',
      ]);
      expect(log.filter((l) => l.event === 'relay-message').map((l) => [l['from'], l['verdict'], l['outcome']])).toEqual([
        ['bob@example.com', 'valid', 'added'],
        ['carol@example.com', 'untrusted', 'not-stored'],
      ]);
      expect(log.find((l) => l.event === 'relay-refused')).toMatchObject({ status: 401, reason: 'unauthorized' });
      expect(log.find((l) => l.event === 'stopping')).toMatchObject({ signal: 'SIGTERM' });
      for (const line of log) expect(typeof line.time).toBe('string');
      const raw = server.stderr();
      expect(raw).not.toContain(TOKEN);
      expect(raw).not.toContain('not-the-token');
      expect(raw).not.toContain('Hello.');
      expect(raw).not.toContain('BEGIN CERTIFICATE');

      const listed = await sealpost(['keys', 'list', '--keystore', keystore, '--json']);
      expect((JSON.parse(listed.out) as { address: string }[]).map((e) => e.address)).toEqual(['bob@example.com']);
    } finally {
      server.kill('SIGKILL');
    }
  });

  it('finishes a request in flight when told to stop on SIGINT', async () => {
    const keystore = join(dir, 'draining-keys');
    const { server, url } = await startServe(keystore);
    try {
      const body = relayBatch([{ bytes: signedByBob, from: 'bob@example.com', to: 'keys@example.com' }]);
      // Expect: 100-continue makes the server confirm it has the request before the body is sent.
      const request = httpRequest(`${url}/webhooks/relay`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'X-MessageSystems-Webhook-Token': TOKEN, Expect: '100-continue' },
      });
      const answered = new Promise<number>((resolve, reject) => {
        request.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        request.on('error', reject);
      });
      await new Promise<void>((resolve) => request.on('continue', () => resolve()));
      server.kill('SIGINT');
      await waitFor(() => (logLines(server).some((l) => l.event === 'stopping') ? true : undefined), 'the server to start stopping');
      const refused = await fetch(`${url}/healthz`).then(
        (r) => r.status,
        () => 'refused',
      );
      expect(refused).toBe('refused');
      request.end(body);
      expect(await answered).toBe(200);
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(logLines(server).map((l) => l.event)).toEqual(['listening', 'stopping', 'relay-message', 'relay-batch', 'http', 'stopped']);
      const shown = await sealpost(['keys', 'show', 'bob@example.com', '--keystore', keystore]);
      expect(shown.code).toBe(0);
    } finally {
      server.kill('SIGKILL');
    }
  });

  it.each([
    [['--trust', 'CA'], { RELAY_TOKEN: undefined }, /environment variable RELAY_TOKEN .* is not set \[ERR_SECRET_MISSING\]/],
    [[], { RELAY_TOKEN: TOKEN }, /serve needs at least one --trust CA certificate \[ERR_USAGE\]/],
    [['--trust', 'CA', '--port', '70000'], { RELAY_TOKEN: TOKEN }, /--port takes a number from 0 to 65535/],
  ])('exits 2 for %j', async (extra, env, message) => {
    const args = ['serve', '--keystore', join(dir, 'x'), '--token-env', 'RELAY_TOKEN', ...extra.map((a) => (a === 'CA' ? pki.ca : a))];
    const result = await sealpost(args, { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('exits 2 when the port is taken', async () => {
    const keystore = join(dir, 'busy-keys');
    const { server, url } = await startServe(keystore);
    try {
      const port = new URL(url).port;
      const second = await sealpost(['serve', '--keystore', keystore, '--trust', pki.ca, '--token-env', 'RELAY_TOKEN', '--port', port], { env: { RELAY_TOKEN: TOKEN } });
      expect(second.code).toBe(2);
      expect(second.stderr).toContain(`sealpost: cannot listen on 127.0.0.1:${port}: the port is in use [ERR_LISTEN]`);
    } finally {
      server.kill('SIGTERM');
      await server.exited;
    }
  });
});
