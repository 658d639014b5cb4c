import { defineBackendSuite } from '@sealpost/conformance';
import { createPkijsBackend } from './index.js';

defineBackendSuite({ name: 'pkijs', create: () => createPkijsBackend() });
