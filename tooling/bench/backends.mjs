// What each S/MIME operation costs with every Sealpost backend, through createSealpost on whole messages,
// as a ratio to the raw primitives doing the same cryptographic work in the same run; send() to many
// recipients, the CLI's bulk send, 25 MiB messages and the CLI's start-up; a summary against the goals.
//
//   pnpm bench                                   # builds, then prints Markdown tables and the summary
//   pnpm bench --write docs/benchmarks.md        # and regenerates the page
//   node tooling/bench/backends.mjs [--only sign,verify,encrypt,decrypt,sign-and-encrypt,open,send,bulk,campaign,large,startup]
//                                   [--keys rsa2048,p256,ed25519,mldsa65]
//                                   [--iterations 50] [--large-iterations 20] [--warmup 5]
//                                   [--backends pkijs,forge,openssl] [--send-recipients 2000] [--send-runs 3]
//                                   [--bulk-rows 1000] [--bulk-runs 3] [--campaign-rows 1000] [--campaign-runs 3]
//                                   [--large-mib 25] [--large-runs 3]
//                                   [--startup-runs 20] [--write FILE]
//
// Needs the packages and the CLI built (pnpm bench does it). Progress goes to stderr, tables to stdout.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ensureTestPki } from '../fixtures/dist/index.js';
import { BACKEND_VARIANTS, createBackends } from './lib/backends.mjs';
import { bulkSummary, bulkTable, measureBulk } from './lib/bulk.mjs';
import { campaignSummary, campaignTable, measureCampaign } from './lib/campaign.mjs';
import { KEY_SETS, KINDS, benchmarkCases } from './lib/cases.mjs';
import { canPin, gnuTime } from './lib/child.mjs';
import { largeSummary, largeTable, measureLarge } from './lib/large.mjs';
import { describeMachine } from './lib/machine.mjs';
import { benchmarkPage } from './lib/page.mjs';
import { measureOpensslStart } from './lib/process-start.mjs';
import { RAW_VARIANTS } from './lib/raw.mjs';
import { readingOf } from './lib/reading.mjs';
import { issueRecipientCertificates } from './lib/recipients.mjs';
import { runCases } from './lib/run.mjs';
import { measureSendToMany, sendSummary, sendTable } from './lib/send-many.mjs';
import { measureStartup, startupSummary, startupTable } from './lib/startup.mjs';
import { caseSummary, summaryTable } from './lib/summary.mjs';
import { processStartTable, resultTables } from './lib/tables.mjs';

const USAGE = `usage: node tooling/bench/backends.mjs [--only ${[...KINDS, 'send', 'bulk', 'campaign', 'large', 'startup'].join(',')}] [--keys ${KEY_SETS.join(',')}]
                                    [--iterations N] [--large-iterations N] [--warmup N] [--backends pkijs,forge,openssl]
                                    [--send-recipients N] [--send-runs N] [--bulk-rows N] [--bulk-runs N] [--campaign-rows N] [--campaign-runs N]
                                    [--large-mib N] [--large-runs N] [--startup-runs N] [--write FILE]`;
const SELECTABLE = BACKEND_VARIANTS.filter((v) => v.follows === undefined).map((v) => v.id);
const EXTRA_ROWS = ['send', 'bulk', 'campaign', 'large', 'startup'];
const ROWS = [...KINDS, ...EXTRA_ROWS];
const DEFAULTS = {
  iterations: 50,
  'large-iterations': 20,
  warmup: 5,
  'send-recipients': 2000,
  'send-runs': 3,
  'bulk-rows': 1000,
  'bulk-runs': 3,
  'campaign-rows': 1000,
  'campaign-runs': 3,
  'large-mib': 25,
  'large-runs': 3,
  'startup-runs': 20,
};
const OPTIONS = {
  ...Object.fromEntries(Object.entries(DEFAULTS).map(([name, value]) => [name, { type: 'string', default: String(value) }])),
  only: { type: 'string', default: ROWS.join(',') },
  keys: { type: 'string', default: KEY_SETS.join(',') },
  backends: { type: 'string', default: SELECTABLE.join(',') },
  write: { type: 'string' },
  help: { type: 'boolean', default: false },
};

const options = parseOptions(process.argv.slice(2));
const wants = (row) => options.only.includes(row);
const started = performance.now();
const progress = (line) => process.stderr.write(`${line}\n`);
const pki = await ensureTestPki();
const backends = await createBackends(options.backends);
const backendIds = backends.filter((v) => v.follows === undefined).map((v) => v.id);
const opensslBackend = backends.find((v) => v.id === 'openssl')?.backend;
const machine = describeMachine({ opensslBinaryVersion: opensslBackend?.opensslVersion });
const settings = {
  text: { iterations: options.iterations, warmup: options.warmup },
  attachment: { iterations: options.largeIterations, warmup: Math.min(options.warmup, 2) },
};
// Large messages, the CSV and key store of the bulk row, outputs: all in one folder, removed at exit.
const work = mkdtempSync(join(tmpdir(), 'sealpost-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));

const cases = (await benchmarkCases(pki, options.keys)).filter((c) => wants(c.kind));
// First, before the cases warm the machine up: the floor under every openssl-backend operation.
const processStart = opensslBackend === undefined || cases.length === 0 ? undefined : await measureOpensslStart(settings.text);
// Seconds each part took, so that a long run shows where its time went.
const partSeconds = [];
const timed = async (part, work) => {
  const from = performance.now();
  const result = await work();
  partSeconds.push([part, (performance.now() - from) / 1000]);
  return result;
};
const results = await timed('10 KiB and 1 MiB tables', () =>
  runCases({
    cases,
    backends,
    raw: RAW_VARIANTS,
    settingsFor: (group) => settings[group],
    onProgress: ({ index, total, benchCase, variants }) =>
      progress(`[${index + 1}/${total}] ${benchCase.group} ${benchCase.key} ${benchCase.operation}: ${[...variants, ...RAW_VARIANTS].map((v) => v.label).join(', ')}`),
  }),
);

const recipientCount = Math.max(wants('send') ? options.sendRecipients : 0, wants('bulk') ? options.bulkRows : 0, wants('campaign') ? options.campaignRows : 0);
const recipients = recipientCount === 0 ? [] : issueRecipientCertificates(pki, { count: recipientCount });
const recipientsFile = join(work, 'recipients.json');
writeFileSync(recipientsFile, JSON.stringify(recipients.slice(0, options.sendRecipients).map((r) => ({ address: r.address, certificate: Buffer.from(r.certificate).toString('base64') }))));
if (wants('send')) progress(`send() to ${options.sendRecipients} recipients, ${options.sendRuns} runs: ${backendIds.join(', ')}, raw node:crypto`);
const send = wants('send') ? await timed('send', () => measureSendToMany({ pki, recipientsFile, backends: backendIds, runs: options.sendRuns })) : undefined;
if (wants('bulk')) progress(`sealpost send --bulk, ${options.bulkRows} rows, ${options.bulkRuns} runs`);
const bulk = wants('bulk') ? await timed('bulk', () => measureBulk({ pki, recipients, rows: options.bulkRows, runs: options.bulkRuns, dir: work })) : undefined;
if (wants('campaign')) progress(`campaign through the queue (PostgreSQL), ${options.campaignRows} rows, ${options.campaignRuns} runs`);
const campaign = wants('campaign')
  ? await timed('campaign', () => measureCampaign({ pki, recipients, rows: options.campaignRows, runs: options.campaignRuns, dir: join(work, 'campaign') }))
  : undefined;
const large = wants('large')
  ? await timed('large', () => measureLarge({ pki, backends: backendIds, mebibytes: options.largeMib, runs: options.largeRuns, dir: work, onProgress: progress }))
  : undefined;
if (wants('startup')) progress(`start-up, ${options.startupRuns} runs`);
const startup = wants('startup') ? await timed('startup', () => measureStartup({ pki, runs: options.startupRuns, warmup: 2, dir: work })) : undefined;
const seconds = (performance.now() - started) / 1000;
const loadAtEnd = loadavg()[0];
const timeSpent = partSeconds
  .filter(([part]) => part !== '10 KiB and 1 MiB tables' || cases.length > 0)
  .map(([part, s]) => `${part} ${s.toFixed(0)} s`)
  .join(', ');

const sections = [
  ...resultTables({ cases, backends, raw: RAW_VARIANTS, results }),
  ...(send === undefined ? [] : [{ id: 'send', title: `send() to ${send.copies} recipients on one core`, table: sendTable(send, backends) }]),
  ...(bulk === undefined ? [] : [{ id: 'bulk', title: `The CLI: send --bulk, ${bulk.rows} rows over SMTP`, table: bulkTable(bulk) }]),
  ...(campaign === undefined
    ? []
    : [{ id: 'campaign', title: `A campaign through the queue: ${campaign.rows} rows over SMTP, 1, 2 and ${campaign.counts.at(-1)} worker processes`, table: campaignTable(campaign) }]),
  ...(large === undefined
    ? []
    : [
        {
          id: 'large',
          title: `${large.mebibytes} MiB attachment, one process per operation`,
          table: largeTable(
            large,
            backends.filter((v) => v.follows === undefined),
          ),
        },
      ]),
  ...(startup === undefined ? [] : [{ id: 'startup', title: 'Starting the CLI', table: startupTable(startup) }]),
];
const summary = [
  ...caseSummary({ cases, backends, raw: RAW_VARIANTS, results }),
  ...(send === undefined ? [] : sendSummary(send, backends)),
  ...(bulk === undefined ? [] : bulkSummary(bulk, send?.results.get('pkijs')?.perSecond)),
  ...(campaign === undefined ? [] : campaignSummary(campaign)),
  ...(large === undefined
    ? []
    : largeSummary(
        large,
        backends.filter((v) => v.follows === undefined),
      )),
  ...(startup === undefined ? [] : startupSummary(startup)),
];
const report = [
  `${machine.cpu} (${machine.cores} cores), ${machine.os}, Node ${machine.node}, openssl ${machine.opensslBinary}`,
  `median / p95 ms (ops/s) and **throughput as a share of the raw primitives'**; ${settings.text.iterations} runs per cell (${settings.attachment.iterations} at 1 MiB) after ${settings.text.warmup} warm-up; ${seconds.toFixed(0)} s (${timeSpent})`,
  ...sections.map((s) => `### ${s.title}\n\n${s.table}`),
  ...(processStart === undefined ? [] : [`### Starting openssl\n\n${processStartTable(processStart)}`]),
  `### Summary\n\n${summaryTable(summary)}`,
];
process.stdout.write(`${report.join('\n\n')}\n`);

if (options.write !== undefined) {
  const page = benchmarkPage({
    date: new Date().toISOString().slice(0, 10),
    seconds,
    timeSpent,
    command: commandLine(options),
    settings,
    options,
    machine,
    sections,
    summary: summaryTable(summary),
    processStart,
    measured: { send, bulk, large, startup, pinned: canPin, gnuTime: gnuTime !== undefined },
    loadAtEnd,
    reading: readingOf({ cases, results, processStart, machine, raw: RAW_VARIANTS, send, bulk, large, startup }),
  });
  writeFileSync(resolve(options.write), page);
  progress(`wrote ${options.write}`);
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
  const names = listOf(values.backends);
  const unknown = names.filter((n) => !SELECTABLE.includes(n));
  if (unknown.length > 0 || names.length === 0) fail(`unknown backend ${unknown.join(', ') || '(none)'}; choose from ${SELECTABLE.join(', ')}`);
  const only = listOf(values.only);
  const unknownRows = only.filter((n) => !ROWS.includes(n));
  if (unknownRows.length > 0 || only.length === 0) fail(`unknown row ${unknownRows.join(', ') || '(none)'}; choose from ${ROWS.join(', ')}`);
  const keys = listOf(values.keys);
  const unknownKeys = keys.filter((k) => !KEY_SETS.includes(k));
  if (unknownKeys.length > 0 || keys.length === 0) fail(`unknown key set ${unknownKeys.join(', ') || '(none)'}; choose from ${KEY_SETS.join(', ')}`);
  return {
    iterations: positiveInteger('--iterations', values.iterations),
    largeIterations: positiveInteger('--large-iterations', values['large-iterations']),
    warmup: nonNegativeInteger('--warmup', values.warmup),
    sendRecipients: positiveInteger('--send-recipients', values['send-recipients']),
    sendRuns: positiveInteger('--send-runs', values['send-runs']),
    bulkRows: positiveInteger('--bulk-rows', values['bulk-rows']),
    bulkRuns: positiveInteger('--bulk-runs', values['bulk-runs']),
    campaignRows: positiveInteger('--campaign-rows', values['campaign-rows']),
    campaignRuns: positiveInteger('--campaign-runs', values['campaign-runs']),
    largeMib: positiveInteger('--large-mib', values['large-mib']),
    largeRuns: positiveInteger('--large-runs', values['large-runs']),
    startupRuns: positiveInteger('--startup-runs', values['startup-runs']),
    only: ROWS.filter((r) => only.includes(r)),
    keys: KEY_SETS.filter((k) => keys.includes(k)),
    backends: names,
    write: values.write,
    given: values,
  };
}

function listOf(text) {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
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
    opts.only.join(',') === ROWS.join(',') ? '' : `--only ${opts.only.join(',')}`,
    opts.keys.join(',') === KEY_SETS.join(',') ? '' : `--keys ${opts.keys.join(',')}`,
    ...Object.entries(DEFAULTS).map(([name, value]) => (Number(opts.given[name]) === value ? '' : `--${name} ${opts.given[name]}`)),
    opts.backends.join(',') === SELECTABLE.join(',') ? '' : `--backends ${opts.backends.join(',')}`,
    `--write ${opts.write}`,
  ].filter((f) => f !== '');
  return `pnpm bench ${flags.join(' ')}`;
}
