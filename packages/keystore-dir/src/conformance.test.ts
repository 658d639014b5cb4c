import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineKeyStoreSuite } from '@sealpost/conformance';
import { afterAll, beforeAll } from 'vitest';
import { createDirectoryKeyStore } from './index.js';

let root: string;
let count = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sealpost-keystore-dir-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

defineKeyStoreSuite({ name: 'directory', create: () => createDirectoryKeyStore({ dir: join(root, `store-${++count}`) }) });
