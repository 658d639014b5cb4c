import { SealpostError } from '../errors.js';
import type { VerifyReport } from './types.js';

/** For callers who want an exception: throws unless the report's status is `valid`. */
export function assertValid(report: VerifyReport): void {
  if (report.status === 'valid') return;
  const first = report.errors[0];
  throw new SealpostError('ERR_NOT_VALID', `signature status is ${report.status}${first === undefined ? '' : `: ${first.message}`}`, {
    detail: { status: report.status, codes: report.errors.map((e) => e.code) },
  });
}
