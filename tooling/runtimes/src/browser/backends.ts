// The backends a browser gets: backend-pkijs through the bundler's browser resolution (its portable
// entry, WebCrypto and BigInt RSA) and backend-forge.
import { createForgeBackend } from '@sealpost/backend-forge';
import { createPkijsBackend } from '@sealpost/backend-pkijs';
import type { FixturesJson } from '../fixtures.js';
import { type ScenarioResult, runScenarios } from '../scenarios.js';

export function runInThisContext(fixtures: FixturesJson): Promise<ScenarioResult[]> {
  return runScenarios({
    fixtures,
    backends: [
      { name: 'pkijs', backend: createPkijsBackend() },
      { name: 'forge', backend: createForgeBackend() },
    ],
  });
}
