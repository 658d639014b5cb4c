/** What `cmsutil -D -n -h 1` printed about the signers of one SignedData. */
export interface NssSignerReport {
  /** The nsigners= count NSS printed, or null if it printed none. */
  readonly declared: number | null;
  /** signerN.status values in order (GoodSignature, DigestMismatch, SigningCertNotTrusted, ...). */
  readonly statuses: readonly string[];
}

export function nssSignerReport(stdout: string): NssSignerReport {
  const declared = /\bnsigners=(\d+)/.exec(stdout);
  const statuses = [...stdout.matchAll(/\bsigner\d+\.status=([A-Za-z]+)/g)].map((m) => m[1] ?? '');
  return { declared: declared?.[1] === undefined ? null : Number(declared[1]), statuses };
}

/**
 * Null when every signer is GoodSignature; otherwise why not. cmsutil exits 0 whatever the signers say
 * (and with no signer at all), so this, not the exit code, is the verdict.
 */
export function nssSignerProblem(report: NssSignerReport): string | null {
  if (report.statuses.length === 0) return 'no SignerInfo reported';
  if (report.declared !== report.statuses.length) return `nsigners=${String(report.declared)} but ${report.statuses.length} statuses`;
  const bad = report.statuses.map((status, i) => `signer${i}.status=${status}`).filter((s) => !s.endsWith('=GoodSignature'));
  return bad.length === 0 ? null : bad.join(', ');
}
