import { type PutCertificate, type StoredCertificate, arrayBufferBacked, normalizeStoreAddress, parseCertificate, toHex } from '@sealpost/core';

/** SHA-256 of the DER, lower-case hex: the name a stored certificate goes by. */
export async function certificateFingerprint(der: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', arrayBufferBacked(der))));
}

/**
 * What a `put` would store, checked before anything is written: the address is well formed, the
 * certificate and every chain certificate parse. Bytes are copied so the caller's buffers stay theirs.
 */
export async function certificateToStore(entry: PutCertificate): Promise<StoredCertificate> {
  if (!(entry.certificate instanceof Uint8Array)) throw new TypeError('put: certificate must be a Uint8Array (DER)');
  const address = normalizeStoreAddress(entry.address);
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

function checkedDate(value: Date): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError('put: seenAt must be a valid Date');
  return new Date(value.getTime());
}
