// Whole-process start-up of the sealpost CLI, next to a Node process that does nothing: `node -e 0`,
// `sealpost --help` and `sealpost verify` of a small signed message, taking turns run by run; wall time
// from spawn to exit, medians.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSealpost } from '../../../packages/core/dist/index.js';
import { createPkijsBackend } from '../../../packages/backend-pkijs/dist/index.js';
import { CLI } from './bulk.mjs';
import { plainEnv, runToEnd } from './child.mjs';
import { ms, times } from './format.mjs';
import { summarize } from './measure.mjs';
import { textMessage } from './messages.mjs';
import { metAtMost } from './ratio.mjs';
import { table } from './tables.mjs';

/** What the product asks: each command's start-up at most this multiple of `node -e 0`. */
export const STARTUP_GOALS = { help: 1.3, verify: 2.5 };

export async function measureStartup({ pki, runs, warmup, dir }) {
  const signed = join(dir, 'signed.eml');
  const alice = pki.identities.alice;
  const sealpost = createSealpost({ backend: createPkijsBackend() });
  writeFileSync(
    signed,
    await sealpost.sign(textMessage({ from: alice.email, to: pki.identities.bob.email, bodyKiB: 1 }), {
      signer: { certificate: alice.cert, privateKey: { type: 'pkcs8', der: alice.keyDer } },
    }),
  );
  const commands = [
    { id: 'node', label: '`node -e 0`', args: ['-e', '0'] },
    { id: 'help', label: '`sealpost --help`', args: [CLI, '--help'] },
    { id: 'verify', label: '`sealpost verify` (1 KiB signed message, pkijs)', args: [CLI, 'verify', '--trust', pki.ca.certPath, '--in', signed] },
  ];
  const samples = Object.fromEntries(commands.map((c) => [c.id, []]));
  for (let i = 0; i < warmup + runs; i++) {
    for (const c of commands) {
      const result = await runToEnd(process.execPath, c.args, { env: plainEnv(), timeoutMs: 60_000 });
      if (result.code !== 0) throw new Error(`${c.label} exited with ${result.code}: ${result.stderr.trim().split('\n').at(-1)}`);
      if (i >= warmup) samples[c.id].push(result.ms);
    }
  }
  return { runs, commands, results: new Map(commands.map((c) => [c.id, summarize(samples[c.id])])) };
}

export function startupTable(startup) {
  const base = startup.results.get('node');
  return table(
    ['command', 'median / p95 ms', '× `node -e 0`', 'goal', 'met?'],
    startup.commands.map((c) => {
      const stats = startup.results.get(c.id);
      const goal = STARTUP_GOALS[c.id];
      const ratio = stats.median / base.median;
      return [
        c.label,
        `${ms(stats.median)} / ${ms(stats.p95)}`,
        c.id === 'node' ? '1.0×' : `**${times(ratio)}**`,
        goal === undefined ? '' : `≤ ${goal}×`,
        goal === undefined ? '' : metAtMost(ratio, goal),
      ];
    }),
    1,
  );
}

export function startupSummary(startup) {
  const base = startup.results.get('node');
  return startup.commands
    .filter((c) => STARTUP_GOALS[c.id] !== undefined)
    .map((c) => {
      const stats = startup.results.get(c.id);
      const ratio = stats.median / base.median;
      return {
        row: `CLI start-up, ${c.label.replace(/`/g, '')}`,
        sealpost: `${ms(stats.median)} ms`,
        raw: `${ms(base.median)} ms (node -e 0)`,
        ratio: times(ratio),
        goal: `≤ ${STARTUP_GOALS[c.id]}× time`,
        met: metAtMost(ratio, STARTUP_GOALS[c.id]),
      };
    });
}
