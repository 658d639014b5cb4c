import type { BulkLine } from './run.js';

export interface BulkSummary {
  readonly total: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly deferred: number;
  readonly failed: number;
  readonly unknown: number;
  readonly pending: number;
  /** Outcomes carried over from earlier runs (not sent again now). */
  readonly fromEarlierRuns: number;
  readonly withoutCertificate: readonly string[];
  readonly unknownOutcome: readonly string[];
  readonly stopped: boolean;
  readonly report: string;
  readonly journal: string;
}

export function bulkSummary(lines: readonly BulkLine[], where: { report: string; journal: string; stopped: boolean }): BulkSummary {
  const count = (status: string): number => lines.filter((l) => l.status === status).length;
  return {
    total: lines.length,
    accepted: count('accepted'),
    rejected: count('rejected'),
    deferred: count('deferred'),
    failed: count('failed'),
    unknown: count('unknown'),
    pending: count('pending'),
    fromEarlierRuns: lines.filter((l) => 'earlier' in l && l.earlier === true).length,
    withoutCertificate: lines.filter((l) => 'error' in l && l.error?.code === 'ERR_NO_CERTIFICATE').map((l) => l.address),
    unknownOutcome: lines.filter((l) => l.status === 'unknown').map((l) => l.address),
    ...where,
  };
}

export function renderBulkSummary(s: BulkSummary): string {
  const lines = [
    `bulk: ${s.accepted} of ${s.total} recipient(s) accepted` +
      (s.fromEarlierRuns > 0 ? ` (${s.fromEarlierRuns} outcome(s) from earlier runs, not sent again)` : ''),
    `  rejected ${s.rejected}, deferred ${s.deferred}, failed ${s.failed}, unknown ${s.unknown}, not yet sent ${s.pending}`,
  ];
  if (s.withoutCertificate.length > 0) lines.push(`  no certificate, not sent: ${s.withoutCertificate.join(', ')}`);
  if (s.unknownOutcome.length > 0)
    lines.push(`  outcome unknown, not sent again (--resend-unknown sends them again, perhaps twice): ${s.unknownOutcome.join(', ')}`);
  if (s.stopped) lines.push('  stopped before the end: run the same command again to send the rest');
  lines.push(`  report: ${s.report}`, `  journal: ${s.journal}`);
  return `${lines.join('\n')}\n`;
}
