import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineKeyStoreSuite } from '@sealpost/conformance';
import { afterAll, beforeAll } from 'vitest';
import { createSqliteKeyStore } from './index.js';

let root: string;
let count = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sealpost-keystore-sqlite-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

defineKeyStoreSuite({ name: 'sqlite', create: () => createSqliteKeyStore({ path: join(root, `store-${++count}.db`) }) });
