/** How much of a received CMS structure core reads before refusing it with an ERR_LIMIT_* error. */
export interface CmsLimits {
  /** SignerInfos in one SignedData (default 64). */
  readonly maxSignerInfos?: number;
  /** Certificates embedded in one SignedData (default 64). */
  readonly maxCertificates?: number;
  /** RecipientInfos in one EnvelopedData or AuthEnvelopedData (default 10,000). */
  readonly maxRecipients?: number;
}

export const DEFAULT_CMS_LIMITS: Required<CmsLimits> = Object.freeze({
  maxSignerInfos: 64,
  maxCertificates: 64,
  maxRecipients: 10_000,
});

/** `limits` with defaults filled in; a limit that is not a non-negative number is a RangeError. */
export function resolveCmsLimits(limits: CmsLimits = {}): Required<CmsLimits> {
  const resolved = { ...DEFAULT_CMS_LIMITS };
  for (const key of ['maxSignerInfos', 'maxCertificates', 'maxRecipients'] as const) {
    const value = limits[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) throw new RangeError(`CMS limit ${key} must be a non-negative number`);
    resolved[key] = value;
  }
  return resolved;
}
