import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MIME_LIMITS } from '@sealpost/core';
import { type TestPki, ensureTestPki } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BIN, REPO_ROOT, assertBuilt, sealpost, tempDir } from './helpers.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

const LIMIT = DEFAULT_MIME_LIMITS.maxBytes;

function expectTooLarge(result: { code: number | null; stderr: string; stdout: Uint8Array }): void {
  expect(result.code).toBe(2);
  expect(result.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/ \[ERR_LIMIT_SIZE\]$/)]);
  expect(result.stdout.length).toBe(0);
}

/**
 * Runs `sealpost args` and keeps writing `chunk` to its stdin until it exits or `cap` bytes went in.
 * Returns how much was written: a command that stops at the limit exits long before the cap.
 */
function feedUntilExit(args: readonly string[], chunk: Uint8Array, cap: number): Promise<{ code: number | null; stderr: string; stdout: Uint8Array; written: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let written = 0;
    let exited = false;
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdin.on('error', () => undefined); // EPIPE once the command stops reading
    const write = (): void => {
      while (!exited && written < cap) {
        written += chunk.length;
        if (!child.stdin.write(chunk)) {
          child.stdin.once('drain', write);
          return;
        }
      }
      if (!exited) child.stdin.end();
    };
    child.on('error', reject);
    child.on('close', (code) => {
      exited = true;
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), written });
    });
    write();
  });
}

describe('message input is limited to maxBytes', () => {
  let pki: TestPki;
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    assertBuilt();
    pki = await ensureTestPki();
    ({ dir, cleanup } = await tempDir());
  });
  afterAll(() => cleanup?.());

  /** A message of exactly `size` bytes: a small header and a body of filler lines. */
  async function messageFile(name: string, size: number): Promise<string> {
    const path = join(dir, name);
    const head = Buffer.from('From: alice@example.com\r\nTo: bob@example.com\r\nSubject: big\r\nContent-Type: text/plain\r\n\r\n', 'latin1');
    const handle = await open(path, 'w', 0o600);
    await handle.write(head);
    await handle.truncate(size);
    await handle.close();
    return path;
  }

  it('--in FILE larger than the limit: exit 2, ERR_LIMIT_SIZE, nothing signed', async () => {
    const alice = pki.identities.alice;
    const path = await messageFile('over.eml', LIMIT + 1);
    // The header is small enough for the content alone to fit: only the input limit refuses this.
    expectTooLarge(await sealpost(['sign', '--cert', alice.certPath, '--key', alice.keyPath, '--in', path]));
  });

  it('stdin is read only up to the limit, then the command stops', async () => {
    const chunk = new Uint8Array(1024 * 1024).fill(0x61);
    const cap = 4 * LIMIT;
    const result = await feedUntilExit(['inspect'], chunk, cap);
    expectTooLarge(result);
    // Pipe buffers hold little: had the command read on, it would have taken all of `cap`.
    expect(result.written).toBeLessThan(LIMIT + 16 * chunk.length);
  });

  it.skipIf(!existsSync('/dev/zero'))('--in naming an endless file stops at the limit', async () => {
    expectTooLarge(await sealpost(['inspect', '--in', '/dev/zero'], { timeoutMs: 30_000 }));
  });

  it('input of exactly the limit is read', async () => {
    const path = await messageFile('exact.eml', LIMIT);
    const result = await sealpost(['inspect', '--json', '--in', path]);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.out) as { size: number }).size).toBe(LIMIT);
  });
});
