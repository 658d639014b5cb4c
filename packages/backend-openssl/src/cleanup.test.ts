import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTestPki, type TestPki } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hangingOpenssl, isRunning, leftovers, makeScratch, type Scratch } from '../test-support/fake-openssl.js';
import { createOpensslBackend } from './index.js';

// A process that is told to stop (Ctrl-C, a service manager's SIGTERM, a closed terminal's SIGHUP)
// while an openssl child is running must not leave the operation's private folder behind. Each case
// runs a real Node process (test-support/signal-worker.mjs, on the built package) whose openssl hangs.

const WORKER = join(import.meta.dirname, '..', 'test-support', 'signal-worker.mjs');
const BUILT = join(import.meta.dirname, '..', 'dist', 'index.js');

let pki: TestPki;
const scratches: Scratch[] = [];
const stray: number[] = [];

beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error('packages/backend-openssl is not built: run `pnpm exec turbo run build --filter=@sealpost/backend-openssl...` first');
  pki = await ensureTestPki();
});
afterAll(() => {
  // A stand-in openssl that outlived its parent (the failure this file is about) is stopped here.
  for (const pid of stray) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  for (const scratch of scratches) scratch.cleanup();
});

interface WorkerEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** What the operation's folder held while openssl ran. */
  readonly listing: string;
  /** The private folders left in the backend's tempDir. */
  readonly left: string[];
  /** Whether the stand-in openssl is still running after the worker ended. */
  readonly opensslAlive: boolean;
}

async function runWorker(operation: 'sign' | 'decrypt', action: string): Promise<WorkerEnd> {
  const scratch = makeScratch();
  scratches.push(scratch);
  const hanging = hangingOpenssl(scratch);
  const { bob } = pki.identities;
  const certFile = join(scratch.dir, 'bob.der');
  const keyFile = join(scratch.dir, 'bob.key.der');
  const cmsFile = join(scratch.dir, 'sealed.der');
  writeFileSync(certFile, bob.cert);
  writeFileSync(keyFile, bob.keyDer);
  if (operation === 'decrypt') {
    const real = await createOpensslBackend({ tempDir: scratch.tempBase });
    const sealed = await real.encrypt({ content: new TextEncoder().encode('hello'), recipients: [{ certificate: bob.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' });
    writeFileSync(cmsFile, sealed);
  }
  const child = spawn(process.execPath, [WORKER, hanging.binary, scratch.tempBase, operation, certFile, keyFile, cmsFile, hanging.pidFile, action], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  const pid = existsSync(hanging.pidFile) ? Number(readFileSync(hanging.pidFile, 'utf8')) : 0;
  // The kill is synchronous, but the process table may take a moment to forget the child.
  const deadline = Date.now() + 2000;
  while (pid !== 0 && isRunning(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const opensslAlive = pid !== 0 && isRunning(pid);
  if (opensslAlive) stray.push(pid);
  const listing = existsSync(hanging.listingFile) ? readFileSync(hanging.listingFile, 'utf8') : '';
  return { code, signal, stdout, stderr, listing, left: leftovers(scratch.tempBase), opensslAlive };
}

describe('a signal while openssl runs', () => {
  it.each([
    ['sign', 'SIGINT', /signer-0-key/],
    ['sign', 'SIGTERM', /signer-0-key/],
    ['sign', 'SIGHUP', /signer-0-key/],
    ['decrypt', 'SIGINT', /recipient-key/],
    ['decrypt', 'SIGTERM', /recipient-key/],
    ['decrypt', 'SIGHUP', /recipient-key/],
  ] as const)('%s, %s: the folder and its key are removed, openssl is stopped, and the process still dies of the signal', async (operation, signal, keyName) => {
    const end = await runWorker(operation, `signal:${signal}`);
    expect(end.stdout, end.stderr).toContain('openssl running');
    // The key was there while openssl ran, so the signal came at the moment that matters.
    expect(end.listing).toMatch(keyName);
    expect(end.left).toEqual([]);
    expect(end.opensslAlive).toBe(false);
    // Default behaviour kept: killed by the signal (a shell shows 128 + n), not a normal exit.
    expect(end.signal).toBe(signal);
    expect(end.code).toBeNull();
    expect(end.stdout).not.toContain('still alive');
  });
});

describe('a host application that handles signals itself', () => {
  it('keeps its behaviour: its handler decides, and its process.exit still removes the folder and stops openssl', async () => {
    const end = await runWorker('sign', 'host-handler');
    expect(end.stdout).toContain('host handler ran');
    expect(end.signal).toBeNull();
    expect(end.code).toBe(3);
    expect(end.listing).toMatch(/signer-0-key/);
    expect(end.left).toEqual([]);
    expect(end.opensslAlive).toBe(false);
  });

  it('the listener of another Sealpost cleanup registry is not a host handler: the signal still cleans up and kills', async () => {
    const end = await runWorker('sign', 'other-registry');
    expect(end.signal).toBe('SIGINT');
    expect(end.listing).toMatch(/signer-0-key/);
    expect(end.left).toEqual([]);
    expect(end.opensslAlive).toBe(false);
  });

  it('process.exit in the middle of an operation removes the folder and stops openssl', async () => {
    const end = await runWorker('decrypt', 'exit');
    expect(end.code).toBe(4);
    expect(end.listing).toMatch(/recipient-key/);
    expect(end.left).toEqual([]);
    expect(end.opensslAlive).toBe(false);
  });
});
