// send() of one message to many recipients on one core: a child process pinned with taskset
// (send-many-child.mjs) sends it through each backend, with a memory key store holding every
// recipient's certificate and a transport that takes each copy in-process, in turn with the raw
// primitives doing the same cryptographic work. Recipients per second, from the median run.
import { fileURLToPath } from 'node:url';
import { ms, rate, times } from './format.mjs';
import { canPin, runNodeJson } from './child.mjs';
import { metAtLeast } from './ratio.mjs';
import { table } from './tables.mjs';
import { ratesOf } from './measure.mjs';

const CHILD = fileURLToPath(new URL('./send-many-child.mjs', import.meta.url));

/** What the product asks: at least this many recipients per second on one core. */
export const SEND_GOAL = 5000;

export async function measureSendToMany({ pki, recipientsFile, backends, runs, warmupRecipients = 50 }) {
  const out = await runNodeJson(CHILD, { pkiDir: pki.dir, recipientsFile, backends, runs, warmupRecipients }, { core: 0, timeoutMs: 1_800_000 });
  const results = ratesOf(out.samples, out.copies);
  return { pinned: canPin, runs, copies: out.copies, copyBytes: out.copyBytes, entityBytes: out.entityBytes, results };
}

export function sendTable(send, backends) {
  const raw = send.results.get('raw-node');
  const rows = backends
    .filter((v) => v.follows === undefined && send.results.has(v.id))
    .map((v) => {
      const { stats, perSecond } = send.results.get(v.id);
      return [
        v.label,
        `${ms(stats.median / 1000)} s (${ms(stats.p95 / 1000)} s slowest)`,
        rate(perSecond, ' rcpt/s'),
        rate(raw.perSecond, ' rcpt/s'),
        `**${times(perSecond / raw.perSecond)}**`,
        `≥ ${rate(SEND_GOAL, ' rcpt/s')}`,
        metAtLeast(perSecond, SEND_GOAL),
      ];
    });
  return table(['backend', `send() to ${send.copies}, median`, 'Sealpost', 'raw node:crypto', 'ratio', 'goal', 'met?'], rows, 1);
}

export function sendSummary(send, backends) {
  const raw = send.results.get('raw-node');
  return backends
    .filter((v) => v.follows === undefined && send.results.has(v.id))
    .map((v) => {
      const { perSecond } = send.results.get(v.id);
      return {
        row: `send() to ${send.copies} recipients, one core (${v.label})`,
        sealpost: rate(perSecond, ' rcpt/s'),
        raw: `${rate(raw.perSecond, ' rcpt/s')} (node:crypto)`,
        ratio: times(perSecond / raw.perSecond),
        goal: `≥ ${rate(SEND_GOAL, ' rcpt/s')}`,
        met: metAtLeast(perSecond, SEND_GOAL),
      };
    });
}
