import type { CmsLimits } from '../backend-kit/limits.js';
import type { Limits } from './types.js';

/** The caller's limits that the CMS engine applies (SignerInfos, certificates, recipients). */
export function cmsLimitsOf(limits: Limits | undefined): CmsLimits {
  if (limits === undefined) return {};
  const { maxSignerInfos, maxCertificates, maxRecipients } = limits;
  return {
    ...(maxSignerInfos === undefined ? {} : { maxSignerInfos }),
    ...(maxCertificates === undefined ? {} : { maxCertificates }),
    ...(maxRecipients === undefined ? {} : { maxRecipients }),
  };
}
