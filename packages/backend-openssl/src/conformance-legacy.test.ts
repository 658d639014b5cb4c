import { spawnSync } from 'node:child_process';
import { defineBackendSuite } from '@sealpost/conformance';
import { describe } from 'vitest';
import { createOpensslBackend } from './index.js';

// With OpenSSL's legacy provider loaded, RC2 is claimed, so the suite expects the RFC 4134 RC2
// example to decrypt and RC2 round trips to work. Without that provider there is nothing to run.
const legacyAvailable = spawnSync('openssl', ['list', '-provider', 'legacy', '-provider', 'default', '-providers']).status === 0;

describe.skipIf(!legacyAvailable)('with the legacy provider', () => {
  defineBackendSuite({ name: 'openssl+legacy', create: () => createOpensslBackend({ providers: ['legacy', 'default'] }) });
});
