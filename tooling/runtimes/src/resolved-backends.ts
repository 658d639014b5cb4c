// The backends as a server-side runtime (Node, Deno, Bun) loads them: backend-pkijs by its package name
// (the runtime's resolver picks the export condition: Node, Deno and Bun all take `node`), the same
// package's portable entry by file, and backend-forge.
import { createForgeBackend } from '@sealpost/backend-forge';
import { createPkijsBackend } from '@sealpost/backend-pkijs';
import type { CryptoBackend } from '@sealpost/core';
import type { FixturesJson } from './fixtures.js';
import { type RuntimeBackend, type ScenarioResult, runScenarios } from './scenarios.js';

export interface ResolvedRun {
  /** The file `@sealpost/backend-pkijs` resolved to here, e.g. `index.node.js`. */
  readonly pkijsEntry: string;
  readonly results: readonly ScenarioResult[];
}

async function portablePkijs(resolved: string): Promise<CryptoBackend> {
  const portable = (await import(new URL('./index.js', resolved).href)) as { createPkijsBackend(): CryptoBackend };
  return portable.createPkijsBackend();
}

export async function runWithResolvedBackends(fixtures: FixturesJson): Promise<ResolvedRun> {
  const resolved = import.meta.resolve('@sealpost/backend-pkijs');
  const backends: RuntimeBackend[] = [
    { name: 'pkijs', backend: createPkijsBackend() },
    { name: 'pkijs-portable', backend: await portablePkijs(resolved) },
    { name: 'forge', backend: createForgeBackend() },
  ];
  return { pkijsEntry: resolved.slice(resolved.lastIndexOf('/') + 1), results: await runScenarios({ fixtures, backends }) };
}
