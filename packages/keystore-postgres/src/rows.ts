import type { ContentCipher, KeyStoreEntrySummary, StoredCertificate } from '@sealpost/core';

/** A certificates row as node-postgres returns it: bytea as Buffer, timestamptz as Date, arrays as arrays. */
export interface CertificateRow {
  address: string;
  fingerprint: string;
  position: number;
  der: Uint8Array;
  chain: Uint8Array[];
  smime_capabilities: string[];
  not_before: Date;
  not_after: Date;
  first_seen: Date;
  last_seen: Date;
  source: string;
}

/** The INSERT parameters for one certificate at its place in the history, in column order. */
export function valuesOf(stored: StoredCertificate, position: number): unknown[] {
  return [
    stored.address,
    stored.fingerprint,
    position,
    bufferOf(stored.certificate),
    stored.chain.map(bufferOf),
    [...stored.smimeCapabilities],
    stored.notBefore,
    stored.notAfter,
    stored.firstSeen,
    stored.lastSeen,
    stored.source,
  ];
}

export const COLUMNS = 'address, fingerprint, position, der, chain, smime_capabilities, not_before, not_after, first_seen, last_seen, source';

export function storedOf(row: CertificateRow): StoredCertificate {
  return {
    address: row.address,
    // node-postgres returns bytea as Buffers; callers get plain Uint8Arrays.
    certificate: new Uint8Array(row.der),
    chain: row.chain.map((der) => new Uint8Array(der)),
    smimeCapabilities: row.smime_capabilities as ContentCipher[],
    fingerprint: row.fingerprint,
    notBefore: row.not_before,
    notAfter: row.not_after,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    source: row.source,
  };
}

export function summaryOfRow(row: Pick<CertificateRow, 'address' | 'fingerprint' | 'not_after' | 'last_seen'> & { versions: number }): KeyStoreEntrySummary {
  return { address: row.address, fingerprint: row.fingerprint, notAfter: row.not_after, lastSeen: row.last_seen, versions: Number(row.versions) };
}

/** node-postgres sends a Buffer as bytea; a plain Uint8Array it would not recognise inside an array. */
function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
