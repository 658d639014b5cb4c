import { defineBackendSuite } from '@sealpost/conformance';
import { createForgeBackend } from './index.js';

defineBackendSuite({ name: 'forge', create: () => createForgeBackend() });
