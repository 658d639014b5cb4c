import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { PutOutcome } from '@sealpost/core';
import { generateTestIdentity } from '@sealpost/core/testing';
import { type PostgresServer, startPostgres } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresKeyStore } from './index.js';

const WORKERS = 4;
const PUTS = 25;
const WORKER = join(import.meta.dirname, '..', 'test-support', 'put-worker.mjs');
const BUILT = join(import.meta.dirname, '..', 'dist', 'index.js');

interface WorkerOutcomes {
  own: PutOutcome[];
  shared: PutOutcome[];
  common: PutOutcome[];
}

interface Worker {
  ready: Promise<void>;
  done: Promise<WorkerOutcomes>;
  go(url: string): void;
}

function startWorker(schema: string, index: number, commonDer: Uint8Array): Worker {
  const child = spawn(process.execPath, [WORKER, schema, String(index), String(PUTS), Buffer.from(commonDer).toString('base64')], {
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
  // The URL holds the password: on stdin, never in argv.
  return { ready, done, go: (url) => child.stdin.write(`${url}\n`) };
}

describe('several processes writing one PostgreSQL key store', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it(`${WORKERS} processes creating the schema and putting at once lose nothing`, async () => {
    // The workers are plain Node processes: they load the built package.
    expect(existsSync(BUILT), 'build @sealpost/keystore-postgres first (turbo run build)').toBe(true);
    const schema = 'multi_process';
    const common = await generateTestIdentity({ email: 'common@example.com', keyType: 'ec-p256' });
    const workers = Array.from({ length: WORKERS }, (_, i) => startWorker(schema, i, common.certificate));
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go(server.url);
    const results = await Promise.all(workers.map((w) => w.done));

    for (const r of results) expect(r.own).toEqual(Array.from({ length: PUTS }, () => 'added'));
    const sharedOutcomes = results.flatMap((r) => r.shared);
    expect(sharedOutcomes.filter((o) => o === 'added')).toHaveLength(1);
    expect(sharedOutcomes.every((o) => ['added', 'superseded', 'kept-current'].includes(o))).toBe(true);
    expect(results.flatMap((r) => r.common).sort()).toEqual(['added', ...Array.from({ length: WORKERS - 1 }, () => 'seen')]);

    const store = createPostgresKeyStore({ connectionString: server.url, schema });
    try {
      const list = await store.list();
      expect(list).toHaveLength(WORKERS * PUTS + 2);
      const history = await store.history('shared@example.com');
      expect(history).toHaveLength(WORKERS * PUTS);
      const newest = Math.max(...history.map((c) => c.notBefore.getTime()));
      expect(history[0]?.notBefore.getTime()).toBe(newest);
      const notBefores = history.slice(1).map((c) => c.notBefore.getTime());
      expect(notBefores).toEqual([...notBefores].sort((a, b) => b - a));
      expect(list.find((e) => e.address === 'shared@example.com')?.versions).toBe(WORKERS * PUTS);
      for (let w = 0; w < WORKERS; w++) {
        for (let i = 0; i < PUTS; i++) expect((await store.get(`w${w}-${i}@example.com`))?.source).toBe(`worker-${w}`);
      }
    } finally {
      await store.close?.();
    }
  });
});
