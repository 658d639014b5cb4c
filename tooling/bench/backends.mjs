// What each S/MIME operation costs with every Sealpost backend, through createSealpost on whole messages.
//
//   pnpm bench                                   # builds, then prints Markdown tables
//   pnpm bench --write docs/benchmarks.md        # and regenerates the page
//   node tooling/bench/backends.mjs [--iterations 50] [--large-iterations 20] [--warmup 5]
//                                   [--backends pkijs,forge,openssl] [--write FILE]
//
// Needs the packages built (pnpm bench does it). Progress goes to stderr, tables to stdout.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ensureTestPki } from '../fixtures/dist/index.js';
import { BACKEND_VARIANTS, createBackends } from './lib/backends.mjs';
import { benchmarkCases } from './lib/cases.mjs';
import { describeMachine } from './lib/machine.mjs';
import { benchmarkPage } from './lib/page.mjs';
import { measureOpensslStart } from './lib/process-start.mjs';
import { readingOf } from './lib/reading.mjs';
import { runCases } from './lib/run.mjs';
import { machineTable, processStartTable, resultTables } from './lib/tables.mjs';

const USAGE = `usage: node tooling/bench/backends.mjs [--iterations N] [--large-iterations N] [--warmup N]
                                    [--backends pkijs,forge,openssl] [--write FILE]`;
const SELECTABLE = BACKEND_VARIANTS.filter((v) => v.follows === undefined).map((v) => v.id);
const OPTIONS = {
  iterations: { type: 'string', default: '50' },
  'large-iterations': { type: 'string', default: '20' },
  warmup: { type: 'string', default: '5' },
  backends: { type: 'string', default: SELECTABLE.join(',') },
  write: { type: 'string' },
  help: { type: 'boolean', default: false },
};

const options = parseOptions(process.argv.slice(2));
const started = performance.now();
const pki = await ensureTestPki();
const backends = await createBackends(options.backends);
const opensslBackend = backends.find((v) => v.id === 'openssl')?.backend;
const machine = describeMachine({ opensslBinaryVersion: opensslBackend?.opensslVersion });
const settings = {
  text: { iterations: options.iterations, warmup: options.warmup },
  attachment: { iterations: options.largeIterations, warmup: Math.min(options.warmup, 2) },
};

// First, before the cases warm the machine up: the floor under every openssl-backend operation.
const processStart = opensslBackend === undefined ? undefined : await measureOpensslStart(settings.text);
const cases = benchmarkCases(pki);
const results = await runCases({
  cases,
  backends,
  settingsFor: (group) => settings[group],
  onProgress: ({ index, total, benchCase, variants }) =>
    process.stderr.write(`[${index + 1}/${total}] ${benchCase.group} ${benchCase.key} ${benchCase.operation}: ${variants.map((v) => v.label).join(', ')}\n`),
});
const seconds = (performance.now() - started) / 1000;

const sections = resultTables({ cases, backends, results });
const report = [
  `${machine.cpu} (${machine.cores} cores), ${machine.os}, Node ${machine.node}, openssl ${machine.opensslBinary}`,
  `median / p95 ms (ops/s); ${settings.text.iterations} runs per cell (${settings.attachment.iterations} at 1 MiB) after ${settings.text.warmup} warm-up; ${seconds.toFixed(0)} s`,
  ...sections.map((s) => `### ${s.title}\n\n${s.table}`),
  ...(processStart === undefined ? [] : [`### Starting openssl\n\n${processStartTable(processStart)}`]),
];
process.stdout.write(`${report.join('\n\n')}\n`);

if (options.write !== undefined) {
  const page = benchmarkPage({
    date: new Date().toISOString().slice(0, 10),
    seconds,
    command: commandLine(options),
    settings,
    machine,
    sections,
    processStart,
    reading: readingOf({ cases, results, processStart, machine }),
  });
  writeFileSync(resolve(options.write), page);
  process.stderr.write(`wrote ${options.write}\n`);
}

function parseOptions(argv) {
  // `pnpm bench -- --write x` hands the `--` on; accept it like `pnpm bench --write x`.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  let values;
  try {
    ({ values } = parseArgs({ args, options: OPTIONS }));
  } catch (error) {
    fail(error.message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const names = values.backends.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !SELECTABLE.includes(n));
  if (unknown.length > 0 || names.length === 0) fail(`unknown backend ${unknown.join(', ') || '(none)'}; choose from ${SELECTABLE.join(', ')}`);
  return {
    iterations: positiveInteger('--iterations', values.iterations),
    largeIterations: positiveInteger('--large-iterations', values['large-iterations']),
    warmup: nonNegativeInteger('--warmup', values.warmup),
    backends: names,
    write: values.write,
  };
}

function positiveInteger(name, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) fail(`${name} must be a positive integer`);
  return n;
}

function nonNegativeInteger(name, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) fail(`${name} must be 0 or a positive integer`);
  return n;
}

function fail(message) {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

/** The command that reproduces this run, as the page shows it. */
function commandLine(opts) {
  const flags = [
    opts.iterations === 50 ? '' : `--iterations ${opts.iterations}`,
    opts.largeIterations === 20 ? '' : `--large-iterations ${opts.largeIterations}`,
    opts.warmup === 5 ? '' : `--warmup ${opts.warmup}`,
    opts.backends.join(',') === SELECTABLE.join(',') ? '' : `--backends ${opts.backends.join(',')}`,
    `--write ${opts.write}`,
  ].filter((f) => f !== '');
  return `pnpm bench ${flags.join(' ')}`;
}
