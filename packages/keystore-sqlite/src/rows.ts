import { type ContentCipher, type StoredCertificate, joinBytes, readCertificates } from '@sealpost/core';

/** A `certificates` row as better-sqlite3 returns it. */
export interface CertificateRow {
  address: string;
  fingerprint: string;
  position: number;
  der: Uint8Array;
  chain: Uint8Array;
  smime_capabilities: string;
  not_before: number;
  not_after: number;
  first_seen: number;
  last_seen: number;
  source: string;
}

export function rowOf(stored: StoredCertificate, position: number): CertificateRow {
  return {
    address: stored.address,
    fingerprint: stored.fingerprint,
    position,
    der: stored.certificate,
    chain: joinBytes(stored.chain),
    smime_capabilities: JSON.stringify(stored.smimeCapabilities),
    not_before: stored.notBefore.getTime(),
    not_after: stored.notAfter.getTime(),
    first_seen: stored.firstSeen.getTime(),
    last_seen: stored.lastSeen.getTime(),
    source: stored.source,
  };
}

export function storedOf(row: CertificateRow): StoredCertificate {
  return {
    address: row.address,
    // better-sqlite3 returns BLOBs as Buffers; callers get plain Uint8Arrays.
    certificate: new Uint8Array(row.der),
    chain: row.chain.length === 0 ? [] : readCertificates(new Uint8Array(row.chain)),
    smimeCapabilities: JSON.parse(row.smime_capabilities) as ContentCipher[],
    fingerprint: row.fingerprint,
    notBefore: new Date(row.not_before),
    notAfter: new Date(row.not_after),
    firstSeen: new Date(row.first_seen),
    lastSeen: new Date(row.last_seen),
    source: row.source,
  };
}
