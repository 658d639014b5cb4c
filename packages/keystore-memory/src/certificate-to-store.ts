import { type PutCertificate, SealpostError, type StoredCertificate, arrayBufferBacked, normalizeStoreAddress, parseCertificate, toHex } from '@sealpost/core';

/**
 * The largest certificate (DER) any store keeps, chain certificates included: far above a real one (a few
 * KiB), far below what a database row, a file or a collector's memory should take in for one sighting.
 */
export const MAX_CERTIFICATE_OCTETS = 64 * 1024;
/** The most intermediates any store keeps with a certificate. */
export const MAX_CHAIN_CERTIFICATES = 16;

/** SHA-256 of the DER, lower-case hex: the name a stored certificate goes by. */
export async function certificateFingerprint(der: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', arrayBufferBacked(der))));
}

/**
 * What a `put` would store, checked before anything is written: the address is well formed, the
 * certificate and its chain are within the limits every store shares, and each of them parses. Bytes are
 * copied so the caller's buffers stay theirs.
 */
export async function certificateToStore(entry: PutCertificate): Promise<StoredCertificate> {
  if (!(entry.certificate instanceof Uint8Array)) throw new TypeError('put: certificate must be a Uint8Array (DER)');
  const address = normalizeStoreAddress(entry.address);
  checkLimits(entry);
  const info = parseCertificate(entry.certificate);
  const chain = (entry.chain ?? []).map((der) => {
    if (!(der instanceof Uint8Array)) throw new TypeError('put: chain certificates must be Uint8Arrays (DER)');
    parseCertificate(der);
    return der.slice();
  });
  const seenAt = checkedDate(entry.seenAt ?? new Date());
  return {
    address,
    certificate: entry.certificate.slice(),
    chain,
    smimeCapabilities: [...(entry.smimeCapabilities ?? [])],
    fingerprint: await certificateFingerprint(entry.certificate),
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    firstSeen: seenAt,
    lastSeen: new Date(seenAt.getTime()),
    source: entry.source ?? 'unknown',
  };
}

/** Sizes only, before anything is parsed: an oversized input costs nothing. */
function checkLimits(entry: PutCertificate): void {
  const chain = entry.chain ?? [];
  if (chain.length > MAX_CHAIN_CERTIFICATES) {
    throw new SealpostError('ERR_LIMIT_CERTIFICATES', `put: a chain of more than ${MAX_CHAIN_CERTIFICATES} certificates`, { detail: { limit: MAX_CHAIN_CERTIFICATES } });
  }
  for (const der of [entry.certificate, ...chain]) {
    if (der instanceof Uint8Array && der.length > MAX_CERTIFICATE_OCTETS) {
      throw new SealpostError('ERR_LIMIT_SIZE', `put: a certificate larger than ${MAX_CERTIFICATE_OCTETS} bytes`, { detail: { limit: MAX_CERTIFICATE_OCTETS } });
    }
  }
}

function checkedDate(value: Date): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError('put: seenAt must be a valid Date');
  return new Date(value.getTime());
}
