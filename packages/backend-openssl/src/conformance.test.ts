import { defineBackendSuite } from '@sealpost/conformance';
import { createOpensslBackend } from './index.js';

defineBackendSuite({ name: 'openssl', create: () => createOpensslBackend() });
