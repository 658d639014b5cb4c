// The CLI bulk row: `sealpost send --bulk rows.csv --via smtp` against the loopback SMTP server the CLI's
// tests use (STARTTLS, verified against its own CA), in a child pinned to the other core. The CLI runs
// pinned to one core with one worker (`--workers 1`, when it has the flag: it seals in its main thread);
// the row with N workers (`--workers N`, N = cores, not pinned) is measured only when `sealpost send
// --help` offers the flag. Each run is a new mailing (new report and journal). In turn
// with each run, the raw primitives do the same cryptographic work in this process: per row one
// SHA-256 and one signature (every row is its own message), two RSA public operations (the recipient
// and the sender) and AES-256-GCM over the signed entity. And what the receiving side takes with no
// S/MIME work at all (smtp-capacity-child.mjs: ready-made copies of the same size through the same SMTP
// pool, pinned to the CLI's core), since a sender cannot go faster than its server: the goals are
// against the smaller of that and send()'s own rate.
import { constants, createCipheriv, createHash, createPrivateKey, createPublicKey, publicEncrypt, randomBytes, sign } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createSealpost, parseCertificate } from '../../../packages/core/dist/index.js';
import { createPkijsBackend } from '../../../packages/backend-pkijs/dist/index.js';
import { canPin, PROFILE_FLAGS, pinned, plainEnv, runNodeJson, runToEnd } from './child.mjs';
import { ms, rate, times } from './format.mjs';
import { ratesOf } from './measure.mjs';
import { textMessage } from './messages.mjs';
import { SIGNED_ATTRIBUTES } from './raw.mjs';
import { certificatePem } from './recipients.mjs';
import { table } from './tables.mjs';

const SINK = fileURLToPath(new URL('./smtp-sink-child.mjs', import.meta.url));
const CAPACITY = fileURLToPath(new URL('./smtp-capacity-child.mjs', import.meta.url));

/** What the product asks of the bulk path: 0.8x of what one core can seal and send, and 1.8x that on two cores. */
export const BULK_GOALS = { oneWorker: 0.8, scaling: 1.8 };
export const CLI = fileURLToPath(new URL('../../../apps/sealpost/bin/sealpost.js', import.meta.url));

/** Whether `sealpost send` has a flag to spread a bulk run over several worker processes or threads. */
export async function bulkWorkersFlag() {
  const help = await runToEnd(process.execPath, [CLI, 'send', '--help'], { env: plainEnv(), timeoutMs: 60_000 });
  return /--workers\b/.test(help.stdout) ? '--workers' : undefined;
}

export async function measureBulk({ pki, recipients, rows, runs, dir }) {
  const list = recipients.slice(0, rows);
  if (list.length < rows) throw new Error(`bulk: only ${list.length} recipients were made, ${rows} asked for`);
  const files = writeMailing(pki, list, dir);
  const workersFlag = await bulkWorkersFlag();
  const workers = availableParallelism();
  const sink = await startSink(join(dir, 'smtp-ca.pem'));
  const entityBytes = await signedEntityBytes(pki);
  const rawRows = prepareRawBulk(pki, list, entityBytes);
  // A sealed copy: the signed entity in AuthEnvelopedData for two RSA-2048 recipients, in base64 lines.
  const copyBytes = Math.round((entityBytes + 700) * (4 / 3) * (78 / 76));
  const capacityOptions = { port: sink.port, caFile: join(dir, 'smtp-ca.pem'), bytes: copyBytes, from: pki.identities.alice.email, to: list.map((r) => r.address) };
  const variants =
    workersFlag === undefined
      ? [{ id: 'cli-1', label: '1 process, pinned to one core', core: 0, extra: [], cores: 1 }]
      : [
          { id: 'cli-1', label: `${workersFlag} 1, pinned to one core`, core: 0, extra: [workersFlag, '1'], cores: 1 },
          { id: 'cli-n', label: `${workersFlag} ${workers}, not pinned`, core: undefined, extra: [workersFlag, String(workers)], cores: workers },
        ];
  const samples = Object.fromEntries([...variants.map((v) => [v.id, []]), ['raw-node', []], ['smtp-capacity', []]]);
  try {
    for (let run = 0; run < runs; run++) {
      for (const variant of variants) {
        const report = join(dir, `run-${run + 1}-${variant.id}.jsonl`);
        const args = cliArgs(files, sink.port, report, variant.extra);
        const [command, argv] = pinned(variant.core, process.execPath, [...PROFILE_FLAGS, ...args]);
        const result = await runToEnd(command, argv, { env: plainEnv(), timeoutMs: 1_800_000 });
        await checkRun(result, sink, list.length);
        samples[variant.id].push(result.ms);
      }
      const started = performance.now();
      rawRows();
      samples['raw-node'].push(performance.now() - started);
      const capacity = await runNodeJson(CAPACITY, capacityOptions, { core: 0, timeoutMs: 600_000 });
      if ((await sink.count()) !== list.length) throw new Error('smtp capacity: the sink did not receive every copy');
      samples['smtp-capacity'].push(capacity.ms);
    }
  } finally {
    await sink.close();
  }
  const results = ratesOf(samples, list.length);
  return { rows: list.length, runs, pinned: canPin, workersFlag, workers, variants, results, copyBytes };
}

export function bulkTable(bulk) {
  const raw = bulk.results.get('raw-node');
  const capacity = bulk.results.get('smtp-capacity');
  const rows = bulk.variants.map((v) => {
    const { stats, perSecond } = bulk.results.get(v.id);
    return [v.label, `${ms(stats.median / 1000)} s`, rate(perSecond, ' rcpt/s'), rawFor(raw, v), `**${times(perSecond / (raw.perSecond * v.cores))}**`];
  });
  rows.push([
    `the SMTP path alone: ready-made ${Math.round(bulk.copyBytes / 1000)} kB copies, same pool, pinned to one core`,
    `${ms(capacity.stats.median / 1000)} s`,
    rate(capacity.perSecond, ' rcpt/s'),
    '—',
    '—',
  ]);
  if (bulk.workersFlag === undefined) rows.push([`N workers (${bulk.workers})`, 'not available: `sealpost send` has no `--workers` flag yet', '—', '—', '—']);
  return table(['sealpost send --bulk', `${bulk.rows} rows, median`, 'Sealpost', 'raw node:crypto', 'ratio'], rows, 2);
}

/**
 * Summary lines. The goals: one worker at least 0.8x of what can be done on one core, the smaller of
 * send()'s rate (when measured in the same run, `sendRate`) and what the SMTP path takes; N workers at
 * least 1.8x one worker, unless that would be more than the SMTP path takes (then 0.8x of that).
 */
export function bulkSummary(bulk, sendRate) {
  const raw = bulk.results.get('raw-node');
  const capacity = bulk.results.get('smtp-capacity').perSecond;
  const one = bulk.results.get('cli-1')?.perSecond;
  const lines = bulk.variants.map((v) => {
    const { perSecond } = bulk.results.get(v.id);
    const limit = v.cores === 1 ? Math.min(capacity, sendRate ?? Infinity) : undefined;
    const want = v.cores === 1 ? BULK_GOALS.oneWorker * limit : Math.min(BULK_GOALS.scaling * (one ?? 0), BULK_GOALS.oneWorker * capacity);
    return {
      row: `CLI send --bulk, ${bulk.rows} rows over SMTP (${v.label})`,
      sealpost: rate(perSecond, ' rcpt/s'),
      raw: v.cores === 1 ? `${rate(raw.perSecond, ' rcpt/s')} (node:crypto)` : `${rate(raw.perSecond * v.cores, ' rcpt/s')} (node:crypto, one core's × ${v.cores})`,
      ratio: times(perSecond / (raw.perSecond * v.cores)),
      goal:
        v.cores === 1
          ? `≥ ${rate(want, ' rcpt/s')} (0.8× of ${limit === capacity ? 'the SMTP path alone' : 'send()'}, ${rate(limit, ' rcpt/s')})`
          : `≥ ${rate(want, ' rcpt/s')} (1.8× one worker, at most 0.8× of the SMTP path alone)`,
      met: perSecond >= want ? 'yes' : 'no',
    };
  });
  lines.push({
    row: `SMTP path alone, ${bulk.rows} ready-made copies (pinned to one core)`,
    sealpost: '—',
    raw: rate(capacity, ' rcpt/s'),
    ratio: '—',
    goal: 'the ceiling for the rows above',
    met: '—',
  });
  if (bulk.workersFlag === undefined) {
    lines.push({ row: `CLI send --bulk, N workers (${bulk.workers})`, sealpost: 'not available (no --workers flag)', raw: '—', ratio: '—', goal: 'none set', met: '—' });
  }
  return lines;
}

/** The raw figure a variant is compared with: one core's, times the cores it may use (an ideal). */
function rawFor(raw, variant) {
  return variant.cores === 1 ? rate(raw.perSecond, ' rcpt/s') : `${rate(raw.perSecond * variant.cores, ' rcpt/s')} (one core's × ${variant.cores})`;
}

/** The key store folder (one ADDRESS.crt per row), the CSV and the template, in `dir`. */
export function writeMailing(pki, list, dir) {
  const keys = join(dir, 'keys');
  mkdirSync(keys, { recursive: true, mode: 0o700 });
  for (const r of list) writeFileSync(join(keys, `${r.address}.crt`), certificatePem(r.certificate));
  const csv = join(dir, 'rows.csv');
  writeFileSync(csv, `email,name\r\n${list.map((r, i) => `${r.address},Recipient ${i + 1}\r\n`).join('')}`);
  const template = join(dir, 'letter.eml');
  writeFileSync(template, textMessage({ from: pki.identities.alice.email, to: '{{email}}', bodyKiB: 10 }));
  return { keys, csv, template, cert: pki.identities.alice.certPath, key: pki.identities.alice.keyPath, ca: join(dir, 'smtp-ca.pem') };
}

/**
 * How the bulk row and the campaign's workers seal and send: alice's identity, the key store folder, GCM
 * (certificates written as bare .crt files advertise no capabilities; GCM is what send() rows use), and the
 * loopback SMTP server verified against its own CA.
 */
export function sealingArgs(files, port) {
  return ['--via', 'smtp', '--smtp-url', `smtp://127.0.0.1:${port}`, '--smtp-ca', files.ca, '--cert', files.cert, '--key', files.key, '--keystore', files.keys, '--cipher', 'aes-256-gcm'];
}

function cliArgs(files, port, report, extra) {
  return [CLI, 'send', ...sealingArgs(files, port), '--bulk', files.csv, '--template', files.template, '--report', report, '--no-progress', '--json', ...extra];
}

async function checkRun(result, sink, expected) {
  let summary;
  try {
    summary = JSON.parse(result.stdout);
  } catch {
    summary = undefined;
  }
  const received = await sink.count();
  if (result.code !== 0 || summary?.accepted !== expected || received !== expected) {
    throw new Error(`sealpost send --bulk: exit ${result.code}, ${summary?.accepted} of ${expected} accepted, ${received} received; ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
}

export async function signedEntityBytes(pki) {
  const alice = pki.identities.alice;
  const sealpost = createSealpost({ backend: createPkijsBackend() });
  const signed = await sealpost.sign(textMessage({ from: alice.email, to: alice.email, bodyKiB: 10 }), { signer: { certificate: alice.cert, privateKey: { type: 'pkcs8', der: alice.keyDer } } });
  return signed.length;
}

export function prepareRawBulk(pki, list, entityBytes) {
  const alice = pki.identities.alice;
  const signer = createPrivateKey({ key: Buffer.from(alice.keyDer), format: 'der', type: 'pkcs8' });
  const sender = createPublicKey({ key: Buffer.from(parseCertificate(alice.cert).spki), format: 'der', type: 'spki' });
  const recipient = createPublicKey({ key: Buffer.from(parseCertificate(list[0].certificate).spki), format: 'der', type: 'spki' });
  const entity = randomBytes(entityBytes);
  const attributes = randomBytes(SIGNED_ATTRIBUTES);
  return () => {
    for (let i = 0; i < list.length; i++) {
      createHash('sha256').update(entity).digest();
      sign('sha256', attributes, signer);
      const cek = randomBytes(32);
      publicEncrypt({ key: recipient, padding: constants.RSA_PKCS1_PADDING }, cek);
      publicEncrypt({ key: sender, padding: constants.RSA_PKCS1_PADDING }, cek);
      const cipher = createCipheriv('aes-256-gcm', cek, randomBytes(12));
      cipher.update(entity);
      cipher.final();
      cipher.getAuthTag();
    }
  };
}

/** The SMTP sink child, pinned to core 1: its port, a way to count (and forget) what it received, close. */
export async function startSink(caFile) {
  const [command, args] = pinned(availableParallelism() > 1 ? 1 : undefined, process.execPath, [SINK, JSON.stringify({ caFile })]);
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line)));
  const next = () => new Promise((resolve) => waiting.push(resolve));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const { port } = await Promise.race([
    next(),
    exited.then(() => {
      throw new Error('the SMTP sink did not start');
    }),
  ]);
  return {
    port,
    count: async () => {
      const answer = next();
      child.stdin.write('count\n');
      return (await answer).received;
    },
    close: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
