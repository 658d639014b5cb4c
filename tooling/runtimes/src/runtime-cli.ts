// Run by Deno and Bun (and runnable by Node): reads the fixtures as JSON on stdin (they hold test keys,
// which stay out of argv and files), runs every round trip, writes `{ runtime, version, pkijsEntry,
// results }` as JSON on stdout.
import process from 'node:process';
import type { FixturesJson } from './fixtures.js';
import { runWithResolvedBackends } from './resolved-backends.js';

interface RuntimeGlobals {
  readonly Deno?: { readonly version: { readonly deno: string } };
  readonly Bun?: { readonly version: string };
}

function runtime(): { runtime: string; version: string } {
  const g = globalThis as RuntimeGlobals;
  if (g.Deno !== undefined) return { runtime: 'deno', version: g.Deno.version.deno };
  if (g.Bun !== undefined) return { runtime: 'bun', version: g.Bun.version };
  return { runtime: 'node', version: process.versions.node };
}

async function readStdin(): Promise<string> {
  process.stdin.setEncoding('utf8');
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

const fixtures = JSON.parse(await readStdin()) as FixturesJson;
const run = await runWithResolvedBackends(fixtures);
process.stdout.write(`${JSON.stringify({ ...runtime(), ...run })}\n`);
