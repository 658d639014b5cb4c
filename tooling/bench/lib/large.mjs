// Large messages: sign, encrypt and open a message with a 25 MiB attachment, each backend in a fresh
// child process per run (large-child.mjs: time measured inside the process, peak RSS from
// process.resourceUsage().maxRSS), next to `openssl cms` doing the same on the same files. openssl's
// time is its wall time minus the median wall time of `openssl version` (process start-up), both run
// the same way; its peak RSS comes from GNU time. Everything takes turns run by run.
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSealpost } from '../../../packages/core/dist/index.js';
import { createPkijsBackend } from '../../../packages/backend-pkijs/dist/index.js';
import { gnuTime, plainEnv, runNodeJson, runToEnd } from './child.mjs';
import { mib, ms, times } from './format.mjs';
import { median, summarize } from './measure.mjs';
import { attachmentMessage } from './messages.mjs';
import { metAtMost } from './ratio.mjs';
import { table } from './tables.mjs';

const CHILD = fileURLToPath(new URL('./large-child.mjs', import.meta.url));
export const LARGE_OPERATIONS = ['sign', 'encrypt', 'open'];
/** What the product asks of large messages: peak RSS and time as multiples of these references. */
export const LARGE_GOALS = { rss: 3, time: 1.5 };
const LABEL = { sign: 'sign (detached, SHA-256)', encrypt: 'encrypt (AES-256-GCM, RSA PKCS#1 v1.5)', open: 'open (decrypt, then verify with chain)' };

export async function measureLarge({ pki, backends, mebibytes, runs, dir, onProgress = () => {} }) {
  const files = await writeInputs(pki, mebibytes, dir);
  const rssLog = join(dir, 'openssl-rss.log');
  const wrapper = gnuTime === undefined ? undefined : writeOpensslWrapper(join(dir, 'openssl-rss'), rssLog);
  const samples = new Map(); // `${op}:${id}` -> [{ ms, startKiB, peakKiB, childKiB }]
  const push = (op, id, sample) => samples.set(`${op}:${id}`, [...(samples.get(`${op}:${id}`) ?? []), sample]);
  const startups = [];
  for (let run = 0; run < runs; run++) {
    for (const op of LARGE_OPERATIONS) {
      onProgress(`large ${op}, run ${run + 1} of ${runs}`);
      for (const id of backends) {
        const opensslWrapped = id === 'openssl' && wrapper !== undefined;
        const sample = await runNodeJson(
          CHILD,
          {
            pkiDir: pki.dir,
            backend: id,
            op,
            input: op === 'open' ? files.sealed : files.message,
            output: join(dir, `out-${id}-${op}.eml`),
            ...(opensslWrapped ? { opensslBinary: wrapper, rssLog } : {}),
          },
          { timeoutMs: 600_000 },
        );
        push(op, id, { ...sample, childKiB: opensslWrapped ? largestIn(rssLog) : undefined });
      }
      startups.push(await timedOpenssl(['version'], dir));
      push(op, 'openssl-cms', await opensslCms(op, files, pki, dir));
    }
  }
  const startup = median(startups.map((s) => s.ms));
  const results = new Map();
  for (const [key, list] of samples) {
    const [op, id] = key.split(':');
    const cms = id === 'openssl-cms';
    const durations = list.map((s) => (cms ? s.ms - startup * s.processes : s.ms));
    results.set(key, {
      op,
      id,
      stats: summarize(durations),
      // The openssl backend's own processes run beside Node; their largest peak is added (an upper bound).
      peakBytes: median(list.map((s) => (s.peakKiB + (s.childKiB ?? 0)) * 1024)),
      startBytes: cms ? 0 : median(list.map((s) => s.startKiB * 1024)),
      childBytes: list[0].childKiB === undefined ? undefined : median(list.map((s) => s.childKiB * 1024)),
    });
  }
  return { mebibytes, runs, files, sizes: { message: statSync(files.message).size, sealed: statSync(files.sealed).size }, startup, rssMeasured: gnuTime !== undefined, results };
}

function inputBytes(large, op) {
  return op === 'open' ? large.sizes.sealed : large.sizes.message;
}

export function largeTable(large, backends) {
  const rows = [];
  for (const op of LARGE_OPERATIONS) {
    const cms = large.results.get(`${op}:openssl-cms`);
    for (const v of backends.filter((b) => large.results.has(`${op}:${b.id}`))) {
      const r = large.results.get(`${op}:${v.id}`);
      const size = inputBytes(large, op);
      rows.push([
        LABEL[op],
        v.label,
        `${ms(r.stats.median)} ms`,
        `**${times(r.stats.median / cms.stats.median)}**`,
        `${mib(r.peakBytes)}${r.childBytes === undefined ? '' : ` (openssl ${mib(r.childBytes)})`}`,
        `**${times(r.peakBytes / size)}**`,
        times((r.peakBytes - r.startBytes) / size),
      ]);
    }
    rows.push([
      LABEL[op],
      '`openssl cms`',
      `${ms(cms.stats.median)} ms`,
      '1.0×',
      large.rssMeasured ? mib(cms.peakBytes) : 'not measured',
      large.rssMeasured ? times(cms.peakBytes / inputBytes(large, op)) : '—',
      '',
    ]);
  }
  return table(['operation', 'with', 'time, median', '× openssl cms', 'peak RSS', '× input', 'RSS added × input'], rows, 2);
}

export function largeSummary(large, backends) {
  const lines = [];
  for (const op of LARGE_OPERATIONS) {
    const cms = large.results.get(`${op}:openssl-cms`);
    for (const v of backends.filter((b) => large.results.has(`${op}:${b.id}`))) {
      const r = large.results.get(`${op}:${v.id}`);
      const timeRatio = r.stats.median / cms.stats.median;
      const rssRatio = r.peakBytes / inputBytes(large, op);
      lines.push({
        row: `${large.mebibytes} MiB attachment ${op}, time (${v.label})`,
        sealpost: `${ms(r.stats.median)} ms`,
        raw: `${ms(cms.stats.median)} ms (openssl cms)`,
        ratio: times(timeRatio),
        goal: `≤ ${LARGE_GOALS.time}× time`,
        met: metAtMost(timeRatio, LARGE_GOALS.time),
      });
      lines.push({
        row: `${large.mebibytes} MiB attachment ${op}, peak RSS (${v.label})`,
        sealpost: mib(r.peakBytes),
        raw: `${mib(inputBytes(large, op))} (input)`,
        ratio: times(rssRatio),
        goal: `≤ ${LARGE_GOALS.rss}× input`,
        met: metAtMost(rssRatio, LARGE_GOALS.rss),
      });
    }
  }
  return lines;
}

/** The message (a short note and a MiB-sized attachment) and the same, signed and encrypted to bob by pkijs. */
async function writeInputs(pki, mebibytes, dir) {
  const alice = pki.identities.alice;
  const bob = pki.identities.bob;
  const message = attachmentMessage({ from: alice.email, to: bob.email, attachmentKiB: mebibytes * 1024 });
  const sealpost = createSealpost({ backend: createPkijsBackend() });
  const sealed = await sealpost.signAndEncrypt(message, {
    signer: { certificate: alice.cert, privateKey: { type: 'pkcs8', der: alice.keyDer } },
    recipients: [bob.cert],
    cipher: 'aes-256-gcm',
    keyTransport: 'rsa-pkcs1',
  });
  const files = { message: join(dir, 'large.eml'), sealed: join(dir, 'large-sealed.eml') };
  writeFileSync(files.message, message);
  writeFileSync(files.sealed, sealed);
  return files;
}

/** A script that runs openssl under GNU time, appending each process's peak RSS (KiB) to `log`. */
function writeOpensslWrapper(path, log) {
  writeFileSync(path, `#!/bin/sh\nexec ${gnuTime} -a -o '${log}' -f '%M' openssl "$@"\n`);
  chmodSync(path, 0o700);
  writeFileSync(log, '');
  return path;
}

function largestIn(log) {
  const values = readFileSync(log, 'utf8')
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => Number.isFinite(n) && n > 0);
  return values.length === 0 ? undefined : Math.max(...values);
}

/** `openssl cms` doing what Sealpost's operation does, on the same files: `{ ms, peakKiB, processes }`. */
async function opensslCms(op, files, pki, dir) {
  const alice = pki.identities.alice;
  const bob = pki.identities.bob;
  const out = join(dir, `out-openssl-cms-${op}.eml`);
  switch (op) {
    case 'sign':
      return timedOpenssl(['cms', '-sign', '-in', files.message, '-signer', alice.certPath, '-inkey', alice.keyPath, '-md', 'sha256', '-out', out], dir);
    case 'encrypt':
      return timedOpenssl(['cms', '-encrypt', '-aes-256-gcm', '-in', files.message, '-out', out, bob.certPath], dir);
    case 'open': {
      const decrypted = join(dir, 'out-openssl-cms-decrypted.eml');
      const a = await timedOpenssl(['cms', '-decrypt', '-in', files.sealed, '-recip', bob.certPath, '-inkey', bob.keyPath, '-out', decrypted], dir);
      const b = await timedOpenssl(['cms', '-verify', '-in', decrypted, '-CAfile', pki.ca.certPath, '-out', out], dir);
      return { ms: a.ms + b.ms, peakKiB: Math.max(a.peakKiB ?? 0, b.peakKiB ?? 0) || undefined, processes: 2 };
    }
    default:
      throw new Error(`unknown operation ${op}`);
  }
}

/** One openssl process, through GNU time when there is one (so its peak RSS is known), timed from spawn to exit. */
async function timedOpenssl(args, dir) {
  const log = join(dir, 'openssl-cms-rss.log');
  const [command, argv] = gnuTime === undefined ? ['openssl', args] : [gnuTime, ['-o', log, '-f', '%M', 'openssl', ...args]];
  const result = await runToEnd(command, argv, { env: plainEnv(), timeoutMs: 300_000 });
  if (result.code !== 0) throw new Error(`openssl ${args.slice(0, 2).join(' ')} exited with ${result.code}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return { ms: result.ms, peakKiB: gnuTime === undefined ? undefined : largestIn(log), processes: 1 };
}
