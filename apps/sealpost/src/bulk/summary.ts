import type { BulkLine } from './run.js';

/**
 * How many addresses of each kind the summary names. A run of a hundred thousand rows must not print a
 * hundred thousand addresses; the report (one JSON line per row) has them all.
 */
export const SUMMARY_NAMES = 10;

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
  /** The first SUMMARY_NAMES rejected and deferred addresses, in the CSV's order. */
  readonly rejectedAddresses: readonly string[];
  readonly deferredAddresses: readonly string[];
  /**
   * The first SUMMARY_NAMES failures other than a missing certificate (withoutCertificate lists those),
   * with the code: a template error, TLS, a login, an unreachable server.
   */
  readonly failures: readonly { readonly address: string; readonly code: string }[];
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
    rejectedAddresses: firstAddresses(lines, 'rejected'),
    deferredAddresses: firstAddresses(lines, 'deferred'),
    failures: lines
      .flatMap((l) => (l.status === 'failed' && 'error' in l && l.error !== undefined && l.error.code !== 'ERR_NO_CERTIFICATE' ? [{ address: l.address, code: l.error.code }] : []))
      .slice(0, SUMMARY_NAMES),
    withoutCertificate: lines.filter((l) => 'error' in l && l.error?.code === 'ERR_NO_CERTIFICATE').map((l) => l.address),
    unknownOutcome: lines.filter((l) => l.status === 'unknown').map((l) => l.address),
    ...where,
  };
}

function firstAddresses(lines: readonly BulkLine[], status: string): string[] {
  const found: string[] = [];
  for (const line of lines) {
    if (found.length === SUMMARY_NAMES) break;
    if (line.status === status) found.push(line.address);
  }
  return found;
}

export function renderBulkSummary(s: BulkSummary): string {
  const lines = [
    `bulk: ${s.accepted} of ${s.total} recipient(s) accepted` + (s.fromEarlierRuns > 0 ? ` (${s.fromEarlierRuns} outcome(s) from earlier runs, not sent again)` : ''),
    `  rejected ${s.rejected}, deferred ${s.deferred}, failed ${s.failed}, unknown ${s.unknown}, not yet sent ${s.pending}`,
  ];
  if (s.rejected > 0) lines.push(`  rejected: ${namedList(s.rejectedAddresses, s.rejected)}`);
  if (s.deferred > 0) lines.push(`  deferred: ${namedList(s.deferredAddresses, s.deferred)}`);
  const otherFailures = s.failed - s.withoutCertificate.length;
  if (otherFailures > 0)
    lines.push(
      `  failed: ${namedList(
        s.failures.map((f) => `${f.address} [${f.code}]`),
        otherFailures,
      )}`,
    );
  if (s.withoutCertificate.length > 0) lines.push(`  no certificate, not sent: ${namedList(s.withoutCertificate, s.withoutCertificate.length)}`);
  if (s.unknownOutcome.length > 0) lines.push(`  outcome unknown, not sent again (--resend-unknown sends them again, perhaps twice): ${namedList(s.unknownOutcome, s.unknownOutcome.length)}`);
  if (s.stopped) lines.push('  stopped before the end: run the same command again to send the rest');
  lines.push(`  report: ${s.report}`, `  journal: ${s.journal}`);
  return `${lines.join('\n')}\n`;
}

/** The first SUMMARY_NAMES of a list, then how many more the report holds. */
export function namedList(named: readonly string[], count: number): string {
  const shown = named.slice(0, SUMMARY_NAMES);
  return count > shown.length ? `${shown.join(', ')}, and ${count - shown.length} more (in the report)` : shown.join(', ');
}
