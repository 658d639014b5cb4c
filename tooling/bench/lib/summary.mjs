// The summary: one line per figure that has a goal or a reference (row, Sealpost, raw, ratio, goal, met?),
// printed last and placed first on the page. Goals are reported, never asserted.
import { GOALS } from './cases.mjs';
import { ms, times } from './format.mjs';
import { metAtLeast, rawLimitOf, throughputRatio } from './ratio.mjs';
import { table } from './tables.mjs';

const GROUP_SHORT = { text: '10 KiB', attachment: '1 MiB' };

/**
 * Lines for the rows of the main tables that have a goal (sign, verify, open), for every backend as
 * Node applications run it (pkijs from its Node entry, the sealpost CLI's configuration).
 */
export function caseSummary({ cases, backends, raw, results }) {
  const columns = backends.filter((v) => v.only === undefined);
  const lines = [];
  for (const c of cases) {
    const goal = GOALS[c.kind];
    const row = results.get(c.id);
    if (goal === undefined || row === undefined) continue;
    const limit = rawLimitOf(row, raw);
    for (const variant of columns) {
      const stats = row.get(variant.id)?.stats;
      if (stats === undefined) continue;
      const ratio = limit === undefined ? undefined : throughputRatio(stats.median, limit.stats.median);
      lines.push({
        row: `${GROUP_SHORT[c.group] ?? c.group} ${c.key} ${c.kind} (${variant.label})`,
        sealpost: `${ms(stats.median)} ms`,
        raw: limit === undefined ? '—' : `${ms(limit.stats.median)} ms (${limit.variant.label.replace(/^raw /, '')}${limit.note === undefined ? '' : `; ${limit.note}`})`,
        ratio: ratio === undefined ? '—' : times(ratio),
        goal: `≥ ${goal}× throughput`,
        met: metAtLeast(ratio, goal),
      });
    }
  }
  return lines;
}

export function summaryTable(lines) {
  return table(
    ['row', 'Sealpost', 'raw / reference', 'ratio', 'goal', 'met?'],
    lines.map((l) => [l.row, l.sealpost, l.raw, l.ratio, l.goal, l.met]),
    1,
  );
}
