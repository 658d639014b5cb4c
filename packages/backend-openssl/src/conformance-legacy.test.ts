import { spawnSync } from 'node:child_process';
import { defineBackendSuite } from '@sealpost/conformance';
import { describe } from 'vitest';
import { createOpensslBackend } from './index.js';

// The whole suite once more with OpenSSL's legacy provider loaded as well: a setup some users have for
// other reasons, which must not change a verdict. (RC2 is read in-process with or without it.)
const legacyAvailable = spawnSync('openssl', ['list', '-provider', 'legacy', '-provider', 'default', '-providers']).status === 0;

describe.skipIf(!legacyAvailable)('with the legacy provider', () => {
  defineBackendSuite({ name: 'openssl+legacy', create: () => createOpensslBackend({ providers: ['legacy', 'default'] }) });
});
