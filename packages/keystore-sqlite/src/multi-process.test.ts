import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createInterface } from 'node:readline';
import type { PutOutcome } from '@sealpost/core';
import { generateTestIdentity } from '@sealpost/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteKeyStore } from './index.js';

const WORKERS = 4;
const PUTS = 25;
const WORKER = join(import.meta.dirname, '..', 'test-support', 'put-worker.mjs');
const OPENER = join(import.meta.dirname, '..', 'test-support', 'open-worker.mjs');
const BUILT = join(import.meta.dirname, '..', 'dist', 'index.js');

interface WorkerOutcomes {
  own: PutOutcome[];
  shared: PutOutcome[];
  common: PutOutcome[];
}

interface Worker {
  ready: Promise<void>;
  done: Promise<WorkerOutcomes>;
  go(): void;
}

function startWorker(path: string, index: number, commonDer: Uint8Array): Worker {
  const child = spawn(process.execPath, [WORKER, path, String(index), String(PUTS), Buffer.from(commonDer).toString('base64')], {
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const received: string[] = [];
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  lines.on('line', (line) => {
    if (line === 'ready') onReady();
    else received.push(line);
  });
  const done = new Promise<WorkerOutcomes>((resolve, reject) => {
    child.on('close', (code, signal) => {
      const last = received.at(-1);
      if (code === 0 && last !== undefined) resolve(JSON.parse(last) as WorkerOutcomes);
      else reject(new Error(`worker ${index} exited with ${code ?? signal}: ${stderr}`));
    });
  });
  return { ready, done, go: () => child.stdin.write('go\n') };
}

describe('several processes writing one SQLite key store', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sealpost-keystore-sqlite-mp-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('6 processes opening a new store file at the same instant all open it', async () => {
    // Turning a new file to WAL takes a lock that SQLite's busy timeout does not wait for; before the
    // store retried, about one such opening in three failed with SQLITE_BUSY on this test's timing.
    expect(existsSync(BUILT), 'build @sealpost/keystore-sqlite first (turbo run build)').toBe(true);
    const files = 12;
    const first = Date.now() + 1500;
    const openers = Array.from({ length: 6 }, () =>
      promisify(execFile)(process.execPath, [OPENER, root, String(first), String(files), '200'], { timeout: 60_000 }).then(
        ({ stdout }) => stdout,
        (error: { stderr?: string; message: string }) => `failed: ${error.stderr ?? error.message}`,
      ),
    );
    for (const stdout of await Promise.all(openers)) expect(stdout).toBe('opened\n'.repeat(files));
  });

  it(`${WORKERS} processes putting at once lose nothing`, async () => {
    // The workers are plain Node processes: they load the built package.
    expect(existsSync(BUILT), 'build @sealpost/keystore-sqlite first (turbo run build)').toBe(true);
    const path = join(root, 'shared.db');
    const common = await generateTestIdentity({ email: 'common@example.com', keyType: 'ec-p256' });
    const workers = Array.from({ length: WORKERS }, (_, i) => startWorker(path, i, common.certificate));
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go();
    const results = await Promise.all(workers.map((w) => w.done));

    for (const r of results) expect(r.own).toEqual(Array.from({ length: PUTS }, () => 'added'));
    const sharedOutcomes = results.flatMap((r) => r.shared);
    expect(sharedOutcomes.filter((o) => o === 'added')).toHaveLength(1);
    expect(sharedOutcomes.every((o) => ['added', 'superseded', 'kept-current'].includes(o))).toBe(true);
    expect(results.flatMap((r) => r.common).sort()).toEqual(['added', ...Array.from({ length: WORKERS - 1 }, () => 'seen')]);

    const store = createSqliteKeyStore({ path });
    try {
      const list = await store.list();
      expect(list).toHaveLength(WORKERS * PUTS + 2);
      const history = await store.history('shared@example.com');
      expect(history).toHaveLength(WORKERS * PUTS);
      const newest = Math.max(...history.map((c) => c.notBefore.getTime()));
      expect(history[0]?.notBefore.getTime()).toBe(newest);
      const notBefores = history.slice(1).map((c) => c.notBefore.getTime());
      expect(notBefores).toEqual([...notBefores].sort((a, b) => b - a));
      for (let w = 0; w < WORKERS; w++) {
        for (let i = 0; i < PUTS; i++) expect((await store.get(`w${w}-${i}@example.com`))?.source).toBe(`worker-${w}`);
      }
    } finally {
      await store.close?.();
    }
  });
});
