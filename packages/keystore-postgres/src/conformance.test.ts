import { defineKeyStoreSuite } from '@sealpost/conformance';
import { type PostgresServer, startPostgres } from '@sealpost/fixtures';
import { afterAll, beforeAll } from 'vitest';
import { createPostgresKeyStore } from './index.js';

let server: PostgresServer;
let count = 0;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

// Every test gets a schema of its own on one real server.
defineKeyStoreSuite({ name: 'postgres', create: () => createPostgresKeyStore({ connectionString: server.url, schema: `conformance_${++count}` }) });
