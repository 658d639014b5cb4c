import { defineKeyStoreSuite } from '@sealpost/conformance';
import { createMemoryKeyStore } from './index.js';

defineKeyStoreSuite({ name: 'memory', create: () => createMemoryKeyStore() });
