import { type ContentCipher, SealpostError } from '@sealpost/core';

/** What `.sealpost/<address>/index.json` says about one certificate; the certificate is in `<fingerprint>.pem`. */
export interface CertificateMetadata {
  readonly fingerprint: string;
  readonly smimeCapabilities: readonly ContentCipher[];
  readonly firstSeen: Date;
  readonly lastSeen: Date;
  readonly source: string;
}

const LAYOUT_VERSION = 1;

interface IndexFile {
  version: number;
  certificates: { fingerprint: string; smimeCapabilities: string[]; firstSeen: string; lastSeen: string; source: string }[];
}

export function indexFileText(records: readonly CertificateMetadata[]): string {
  const file: IndexFile = {
    version: LAYOUT_VERSION,
    certificates: records.map((r) => ({
      fingerprint: r.fingerprint,
      smimeCapabilities: [...r.smimeCapabilities],
      firstSeen: r.firstSeen.toISOString(),
      lastSeen: r.lastSeen.toISOString(),
      source: r.source,
    })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export function parseIndexFile(text: string, where: string): CertificateMetadata[] {
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch (cause) {
    throw corrupt(where, cause);
  }
  if (!isIndexFile(file)) throw corrupt(where);
  if (file.version !== LAYOUT_VERSION) {
    throw new SealpostError('ERR_KEYSTORE', `key store metadata has layout version ${file.version}; this version reads ${LAYOUT_VERSION}`, { detail: { path: where } });
  }
  return file.certificates.map((c) => ({
    fingerprint: c.fingerprint,
    smimeCapabilities: c.smimeCapabilities as ContentCipher[],
    firstSeen: dateOf(c.firstSeen, where),
    lastSeen: dateOf(c.lastSeen, where),
    source: c.source,
  }));
}

function isIndexFile(value: unknown): value is IndexFile {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<IndexFile>;
  return (
    typeof v.version === 'number' &&
    Array.isArray(v.certificates) &&
    v.certificates.every(
      (c) =>
        typeof c === 'object' &&
        c !== null &&
        typeof c.fingerprint === 'string' &&
        /^[0-9a-f]{64}$/.test(c.fingerprint) &&
        Array.isArray(c.smimeCapabilities) &&
        c.smimeCapabilities.every((s) => typeof s === 'string') &&
        typeof c.firstSeen === 'string' &&
        typeof c.lastSeen === 'string' &&
        typeof c.source === 'string',
    )
  );
}

function dateOf(text: string, where: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw corrupt(where);
  return date;
}

function corrupt(where: string, cause?: unknown): SealpostError {
  return new SealpostError('ERR_KEYSTORE', 'key store metadata file is unreadable', { cause, detail: { path: where } });
}
