#!/usr/bin/env node
import { randomInt } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { IDENTITY_NAMES } from '@sealpost/fixtures';
import { EXTRA_IDENTITY_NAMES } from './identities.js';
import { runFuzz } from './fuzz.js';
import { OPERATIONS, type Operation, isFailure } from './outcome.js';
import { renderReport } from './render.js';
import { renderReplay, replay, writeRepro } from './repro.js';
import { type RecipientName, STRUCTURES, structureNamed } from './structures.js';
import { createFuzzWorld } from './world.js';

// `pnpm fuzz --cases N --seed S [--only verify|decrypt|open|decrypt-legacy|open-legacy] [--structure NAME[,NAME]] [--out DIR]`
// `pnpm fuzz --replay FILE [--recipient NAME]`   `pnpm fuzz --list`
// Exit 0: no failure; 1: a disagreement, an untyped error, a timeout or too much heap growth; 2: usage.

const USAGE = `usage: pnpm fuzz [--cases N] [--seed S] [--only verify|decrypt|open|decrypt-legacy|open-legacy] [--structure NAME[,NAME...]]
                 [--out DIR] [--shrink-seconds N] [--max-shrunk N] [--timeout-ms N] [--heap-limit-mb N]
       pnpm fuzz --replay FILE.eml [--recipient NAME]
       pnpm fuzz --list
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string' },
      seed: { type: 'string' },
      only: { type: 'string' },
      structure: { type: 'string' },
      out: { type: 'string' },
      'shrink-seconds': { type: 'string' },
      'max-shrunk': { type: 'string' },
      'timeout-ms': { type: 'string' },
      'heap-limit-mb': { type: 'string' },
      replay: { type: 'string' },
      recipient: { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.list === true) {
    for (const s of STRUCTURES) process.stdout.write(`${s.name.padEnd(30)} ${s.description} [${s.producers.join(', ')}]${s.recipient === undefined ? '' : ` (decrypted as ${s.recipient})`}\n`);
    return 0;
  }
  const timeoutMs = optionalNumber(values['timeout-ms'], 'timeout-ms');
  const world = await createFuzzWorld(timeoutMs === undefined ? {} : { timeoutMs });
  if (values.replay !== undefined) {
    // `pnpm fuzz` runs in the repository root: a relative path means one relative to where pnpm was started.
    const recipient = values.recipient === undefined ? undefined : identityNamed(values.recipient);
    const r = await replay(world, resolve(process.env['INIT_CWD'] ?? '.', values.replay), recipient);
    process.stdout.write(renderReplay(r));
    return r.result.failures.some(isFailure) ? 1 : 0;
  }

  const seed = optionalNumber(values.seed, 'seed') ?? randomInt(0, 2 ** 31);
  const cases = optionalNumber(values.cases, 'cases') ?? 200;
  const operations = values.only === undefined ? OPERATIONS : values.only.split(',').map(operationNamed);
  const structures = values.structure?.split(',').map((n) => structureNamed(n.trim()).name);
  const shrinkSeconds = optionalNumber(values['shrink-seconds'], 'shrink-seconds');
  const maxShrunk = optionalNumber(values['max-shrunk'], 'max-shrunk');
  const heapLimitMb = optionalNumber(values['heap-limit-mb'], 'heap-limit-mb');
  process.stderr.write(`fuzz: seed ${seed}, ${cases} cases\n`);
  const report = await runFuzz(world, {
    cases,
    seed,
    operations,
    ...(structures === undefined ? {} : { structures }),
    ...(shrinkSeconds === undefined ? {} : { shrinkTimeMs: shrinkSeconds * 1000 }),
    ...(maxShrunk === undefined ? {} : { maxShrunk }),
    ...(heapLimitMb === undefined ? {} : { heapLimitMb }),
    onProgress: (done, total, classes) => {
      if (done % 100 === 0 || done === total) process.stderr.write(`fuzz: ${done}/${total} cases, ${classes} failure class(es)\n`);
    },
  });
  const dir = resolve(values.out ?? join(tmpdir(), `sealpost-fuzz-${seed}`));
  const files = new Map<number, string>();
  for (const [i, cls] of report.classes.entries()) if (cls.shrunk !== undefined) files.set(i, await writeRepro(world, dir, i, report, cls));
  process.stdout.write(renderReport(report, files));
  return !report.classes.some(isFailure) && !report.heap.exceeded ? 0 : 1;
}

function optionalNumber(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`--${name} must be a non-negative integer`);
  return n;
}

function identityNamed(name: string): RecipientName {
  const names: readonly RecipientName[] = [...IDENTITY_NAMES, ...EXTRA_IDENTITY_NAMES];
  const found = names.find((n) => n === name.trim());
  if (found === undefined) throw new RangeError(`--recipient takes a test PKI identity or one the fuzzer adds: ${names.join(', ')}`);
  return found;
}

function operationNamed(name: string): Operation {
  const op = OPERATIONS.find((o) => o === name.trim());
  if (op === undefined) throw new RangeError(`--only takes ${OPERATIONS.join(', ')}`);
  return op;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof RangeError || (error as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
    process.stderr.write(`fuzz: ${error instanceof Error ? error.message : String(error)}\n${usage ? USAGE : ''}`);
    process.exitCode = usage ? 2 : 1;
  },
);
