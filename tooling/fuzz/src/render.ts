import type { FuzzReport } from './fuzz.js';
import { describeMutation } from './mutation.js';
import { outcomesOf } from './repro.js';

/** The run's summary: cases, failure classes with counts, and each shrunk reproduction. */
export function renderReport(report: FuzzReport, files: ReadonlyMap<number, string>): string {
  const h = report.heap;
  const kinds = (k: string) => report.classes.filter((c) => c.kind === k).length;
  const lines = [
    `fuzz: ${report.cases} cases run${report.skipped === 0 ? '' : ` (${report.skipped} never reached the backends: the producer refused the mutated message)`}, seed ${report.seed}, operations ${report.operations.join(',')}, ${report.structures.length} structure(s), ${(report.durationMs / 1000).toFixed(1)} s`,
    `heap: ${h.baselineMb} MiB at start, ${h.endMb} MiB at end after GC (growth ${h.growthMb} MiB, limit ${h.limitMb} MiB${h.exceeded ? ', EXCEEDED' : ''}), peak ${h.peakMb} MiB; slowest call ${Math.round(report.slowestCallMs)} ms`,
    `failure classes: ${report.classes.length - kinds('unstable')} (${kinds('disagreement')} disagreement, ${kinds('untyped')} untyped error, ${kinds('timeout')} timeout)` +
      `${kinds('unstable') === 0 ? '' : `; ${kinds('unstable')} unstable class(es), not failures: a second run of the same bytes did not repeat them`}`,
  ];
  report.classes.forEach((c, i) => {
    lines.push(`  [${i + 1}] ${String(c.count).padStart(5)} case(s)  ${c.kind}  ${c.signature}`);
    if (c.shrunk === undefined) {
      lines.push(`        first: ${c.first.input.structure}, run ${c.first.run} (not shrunk)`);
      return;
    }
    const s = c.shrunk;
    lines.push(`        minimized: ${s.input.structure} by ${s.result.producer}, seed ${report.seed}, path ${s.path} (${s.shrinks} shrinks)`);
    s.input.mutations.forEach((m, j) => lines.push(`          ${describeMutation(m, s.targets[j])}`));
    const op = c.signature.split(':')[0]!;
    const byBackend = outcomesOf(s.result.operations)[op] ?? {};
    for (const [backend, text] of Object.entries(byBackend)) lines.push(`          ${backend.padEnd(8)} ${text}`);
    const file = files.get(i);
    if (file !== undefined) lines.push(`        replay: pnpm fuzz --replay ${file}`);
  });
  return `${lines.join('\n')}\n`;
}
