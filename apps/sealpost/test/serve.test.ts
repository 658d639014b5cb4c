import { readFile, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { type Socket, connect } from 'node:net';
import { join } from 'node:path';
import { pemEncode } from '@sealpost/core';
import { generateTestCa, generateTestIdentity } from '@sealpost/core/testing';
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

async function startServe(keystore: string, extra: readonly string[] = []): Promise<{ server: RunningCommand; url: string }> {
  const server = startSealpost(['serve', '--keystore', keystore, '--trust', pki.ca, '--token-env', 'RELAY_TOKEN', '--port', '0', ...extra], { env: { RELAY_TOKEN: TOKEN } });
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

describe('sealpost serve with addresses at the limits of RFC 5321', () => {
  // 254 octets, the longest legal address: a 64-octet local part, labels of at most 63 octets.
  const LEGAL = `${'l'.repeat(64)}@${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(63)}.com`;
  // 254 octets too, but a 100-octet local part: core verifies it, no key store may keep it.
  const OVERLONG_LOCAL = `${'o'.repeat(100)}@${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(27)}.com`;
  let longCa: string;
  let signedByLegal: Uint8Array;
  let signedByOverlong: Uint8Array;

  /** An identity under a CA made here: `keygen` cannot, since it names its files after the address. */
  async function signedByNew(ca: Awaited<ReturnType<typeof generateTestCa>>, address: string, name: string): Promise<Uint8Array> {
    const id = await generateTestIdentity({ email: address, ca, commonName: name });
    const cert = join(dir, `${name}.crt`);
    const key = join(dir, `${name}.key`);
    await writeFile(cert, pemEncode(id.certificate, 'CERTIFICATE'));
    await writeFile(key, pemEncode(id.privateKey.der, 'PRIVATE KEY'), { mode: 0o600 });
    const message = join(dir, `${name}.eml`);
    await writeFile(message, `From: ${address}\r\nTo: keys@example.com\r\nSubject: my key\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nlong-body-marker\r\n`);
    return (await expectOk(sealpost(['sign', '--cert', cert, '--key', key, '--in', message]))).stdout;
  }

  beforeAll(async () => {
    expect([Buffer.byteLength(LEGAL), Buffer.byteLength(OVERLONG_LOCAL)]).toEqual([254, 254]);
    const ca = await generateTestCa({ commonName: 'Long Address CA' });
    longCa = join(dir, 'long-ca.crt');
    await writeFile(longCa, pemEncode(ca.certificate, 'CERTIFICATE'));
    signedByLegal = await signedByNew(ca, LEGAL, 'legal');
    signedByOverlong = await signedByNew(ca, OVERLONG_LOCAL, 'overlong');
  });

  it('stores the longest legal address beside an ordinary one in a folder store, answers 200 and serves both', async () => {
    const keystore = join(dir, 'longest-keys');
    const { server, url } = await startServe(keystore, ['--trust', longCa]);
    try {
      const batch = relayBatch([
        { bytes: signedByBob, from: 'bob@example.com', to: 'keys@example.com' },
        { bytes: signedByLegal, from: LEGAL, to: 'keys@example.com' },
      ]);
      expect((await post(url, batch, TOKEN)).status).toBe(200);
      expect((await fetch(`${url}/certificates/bob@example.com`)).status).toBe(200);
      const served = await fetch(`${url}/certificates/${encodeURIComponent(LEGAL)}`);
      expect(served.status).toBe(200);
      expect(await served.text()).toBe(await readFile(join(dir, 'legal.crt'), 'utf8'));
      server.kill('SIGTERM');
      await server.exited;
      expect(
        logLines(server)
          .filter((l) => l.event === 'relay-message')
          .map((l) => [l['from'], l['verdict'], l['outcome']]),
      ).toEqual([
        ['bob@example.com', 'valid', 'added'],
        [LEGAL, 'valid', 'added'],
      ]);
      const listed = await sealpost(['keys', 'list', '--keystore', keystore, '--json']);
      expect((JSON.parse(listed.out) as { address: string }[]).map((e) => e.address)).toEqual(['bob@example.com', LEGAL]);
    } finally {
      server.kill('SIGKILL');
    }
  });

  it('answers 200 to a batch with a message no store can keep: the other is stored, that one is logged not-storable', async () => {
    const keystore = join(dir, 'overlong-keys');
    const { server, url } = await startServe(keystore, ['--trust', longCa]);
    try {
      const batch = relayBatch([
        { bytes: signedByBob, from: 'bob@example.com', to: 'keys@example.com' },
        { bytes: signedByOverlong, from: OVERLONG_LOCAL, to: 'keys@example.com' },
      ]);
      expect((await post(url, batch, TOKEN)).status).toBe(200);
      // SparkPost's redelivery (or the next batch) is answered the same way: nothing is wedged.
      expect((await post(url, batch, TOKEN)).status).toBe(200);
      expect((await fetch(`${url}/certificates/bob@example.com`)).status).toBe(200);
      server.kill('SIGTERM');
      await server.exited;
      const log = logLines(server);
      expect(log.filter((l) => l.event === 'relay-message').map((l) => [l['from'], l['verdict'], l['outcome'], l['storeError']])).toEqual([
        ['bob@example.com', 'valid', 'added', undefined],
        [OVERLONG_LOCAL, 'valid', 'not-storable', 'ERR_ADDRESS_MALFORMED'],
        ['bob@example.com', 'valid', 'seen', undefined],
        [OVERLONG_LOCAL, 'valid', 'not-storable', 'ERR_ADDRESS_MALFORMED'],
      ]);
      expect(log.filter((l) => l.event === 'relay-batch').map((l) => l['status'])).toEqual([200, 200]);
      expect(server.stderr()).not.toContain('long-body-marker');
      expect(server.stderr()).not.toContain(TOKEN);
    } finally {
      server.kill('SIGKILL');
    }
  });
});

describe('sealpost serve against slow and idle clients', () => {
  interface Ending {
    /** Milliseconds from connecting to the server closing the connection. */
    readonly ms: number;
    /** Everything the server sent. */
    readonly received: string;
  }

  /** Connects to the server, lets `act` talk (its returned function stops it), and waits for the server to close. */
  async function untilClosed(url: string, act: (socket: Socket) => (() => void) | void, giveUpMs = 10_000): Promise<Ending> {
    const { hostname, port } = new URL(url);
    const started = performance.now();
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const stop = act(socket);
    const giveUp = setTimeout(() => socket.destroy(), giveUpMs);
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    clearTimeout(giveUp);
    stop?.();
    return { ms: performance.now() - started, received };
  }

  const headers = (length: number): string =>
    `POST /webhooks/relay HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-MessageSystems-Webhook-Token: ${TOKEN}\r\nContent-Length: ${length}\r\n\r\n`;

  /** Writes `text` one byte every `everyMs`; returns what stops it. */
  function trickle(socket: Socket, text: string, everyMs: number): () => void {
    let i = 0;
    const timer = setInterval(() => socket.write(text[i++ % text.length]!), everyMs);
    return () => clearInterval(timer);
  }

  it('answers 408 and closes the connection of a client that sends the headers, then trickles or stalls the body, within --request-timeout', async () => {
    const { server, url } = await startServe(join(dir, 'slow-keys'), ['--request-timeout', '1', '--headers-timeout', '0.5']);
    try {
      const trickled = await untilClosed(url, (socket) => {
        socket.write(headers(100_000));
        return trickle(socket, '[{"msys":', 50);
      });
      const stalled = await untilClosed(url, (socket) => void socket.write(`${headers(100_000)}[{"msys"`));
      for (const ending of [trickled, stalled]) {
        expect(ending.received).toMatch(/^HTTP\/1\.1 408 /);
        expect(ending.ms).toBeGreaterThan(900);
        expect(ending.ms).toBeLessThan(3_000);
      }
      // Each timed-out request is answered and logged, not left waiting in the server.
      await waitFor(() => (logLines(server).filter((l) => l.event === 'http').length === 2 ? true : undefined), 'both requests to be logged', 5_000);
      expect(
        logLines(server)
          .filter((l) => l.event === 'http')
          .map((l) => [l['status'], l['reason']]),
      ).toEqual([
        [408, 'request-timeout'],
        [408, 'request-timeout'],
      ]);
      expect(
        logLines(server)
          .filter((l) => l.event === 'relay-refused')
          .map((l) => l['reason']),
      ).toEqual(['incomplete', 'incomplete']);
      // The server still answers.
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      server.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
    } finally {
      server.kill('SIGKILL');
    }
  });

  it('closes the connection of a client that trickles its headers, or sends nothing, within --headers-timeout', async () => {
    const { server, url } = await startServe(join(dir, 'slow-header-keys'), ['--headers-timeout', '0.5', '--request-timeout', '5']);
    try {
      const trickled = await untilClosed(url, (socket) => trickle(socket, headers(10), 50));
      const silent = await untilClosed(url, () => undefined);
      for (const ending of [trickled, silent]) {
        expect(ending.ms).toBeGreaterThan(400);
        expect(ending.ms).toBeLessThan(2_500);
      }
    } finally {
      server.kill('SIGKILL');
    }
  });

  it('closes an idle keep-alive connection after --keep-alive-timeout', async () => {
    const { server, url } = await startServe(join(dir, 'keep-alive-keys'), ['--keep-alive-timeout', '0.5']);
    try {
      const idle = await untilClosed(url, (socket) => void socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n'));
      expect(idle.received).toMatch(/^HTTP\/1\.1 200 [^]*keep-alive/i);
      expect(idle.ms).toBeGreaterThan(400);
      expect(idle.ms).toBeLessThan(2_500);
    } finally {
      server.kill('SIGKILL');
    }
  });

  it('closes connections beyond --max-connections as soon as they are accepted', async () => {
    const { server, url } = await startServe(join(dir, 'capped-keys'), ['--max-connections', '2']);
    const { hostname, port } = new URL(url);
    const held: Socket[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const socket = connect(Number(port), hostname);
        socket.on('error', () => undefined);
        await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
        held.push(socket);
      }
      // Let the server accept both before the third one comes.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const third = await untilClosed(url, (socket) => void socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n'), 5_000);
      expect(third.received).toBe('');
      expect(third.ms).toBeLessThan(1_000);
      for (const socket of held) socket.destroy();
      await waitFor(
        async () =>
          (await fetch(`${url}/healthz`).then(
            (r) => r.status,
            () => 0,
          )) === 200
            ? true
            : undefined,
        'a free connection',
        5_000,
      );
    } finally {
      for (const socket of held) socket.destroy();
      server.kill('SIGKILL');
    }
  });

  it.each([
    [['--request-timeout', '0'], /--request-timeout takes a number of seconds above 0/],
    [['--headers-timeout', 'soon'], /--headers-timeout takes a number of seconds above 0/],
    [['--keep-alive-timeout', '-1'], /--keep-alive-timeout takes a number of seconds above 0/],
    [['--headers-timeout', '20', '--request-timeout', '10'], /--headers-timeout cannot be longer than --request-timeout/],
    [['--max-connections', '0'], /--max-connections takes a number from 1 to 65535/],
  ])('exits 2 for %j', async (extra, message) => {
    const result = await sealpost(['serve', '--keystore', join(dir, 'x'), '--trust', pki.ca, '--token-env', 'RELAY_TOKEN', ...extra], { env: { RELAY_TOKEN: TOKEN } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
