import type { BackendCapabilities, DigestAlgorithm } from '@sealpost/core';
import { SealpostError } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { CIPHERS, CURVES, DIGESTS, KEY_OID, LEGACY_READ_CIPHERS } from './algorithms.js';
import type { Openssl } from './openssl.js';
import { exitFailure } from './process.js';

export interface OpensslVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** As printed, e.g. "3.0.19". */
  readonly text: string;
}

export interface Detected {
  readonly version: OpensslVersion;
  readonly capabilities: BackendCapabilities;
}

/** The algorithm lists that capabilities are read from, as printed by `openssl list`. */
export interface AlgorithmListings {
  readonly ciphers: string;
  readonly digests: string;
  readonly signatures: string;
  readonly keyExchanges: string;
  readonly keyManagers: string;
  readonly asymmetricCiphers: string;
}

// Listings are some tens of kilobytes; the user's output cap is meant for messages, not for these.
const LISTING_LIMIT = 4 * 1024 * 1024;

const LISTS: Record<keyof AlgorithmListings, string> = {
  ciphers: '-cipher-algorithms',
  digests: '-digest-algorithms',
  signatures: '-signature-algorithms',
  keyExchanges: '-key-exchange-algorithms',
  keyManagers: '-key-managers',
  asymmetricCiphers: '-asymcipher-algorithms',
};

/**
 * Probes the binary once: its version (3.0 or later), then what the configured providers offer.
 * The lists are read with the same provider options as every later command, so a FIPS-only or
 * PKCS#11 setup reports what it can really do.
 */
export async function detectOpenssl(openssl: Openssl, signal?: AbortSignal): Promise<Detected> {
  const versionExit = await openssl.run({ verb: ['version'], args: [], providers: false, maxOutputBytes: LISTING_LIMIT, ...(signal === undefined ? {} : { signal }) });
  if (versionExit.exitCode !== 0 || versionExit.stdout === null) throw exitFailure('openssl version', versionExit);
  const version = parseVersion(new TextDecoder().decode(versionExit.stdout));
  const entries = await Promise.all(
    Object.entries(LISTS).map(async ([key, flag]) => {
      const exit = await openssl.run({ verb: ['list'], args: [flag], providers: true, maxOutputBytes: LISTING_LIMIT, ...(signal === undefined ? {} : { signal }) });
      if (exit.exitCode !== 0 || exit.stdout === null) {
        const failure = exitFailure(`openssl list ${flag}`, exit);
        throw new SealpostError('ERR_BACKEND', `${failure.message} (are options.providers and options.propquery right?)`, { detail: failure.detail ?? {} });
      }
      return [key, new TextDecoder().decode(exit.stdout)] as const;
    }),
  );
  return { version, capabilities: capabilitiesFrom(Object.fromEntries(entries) as unknown as AlgorithmListings) };
}

/** Reads `openssl version` output; anything that is not OpenSSL 3.0 or later is refused. */
export function parseVersion(output: string): OpensslVersion {
  const firstLine = output.split(/\r?\n/)[0]?.trim() ?? '';
  const match = /^OpenSSL (\d+)\.(\d+)\.(\d+)(\S*)/.exec(firstLine);
  const found = /^(?:OpenSSL|LibreSSL|BoringSSL) \S+/.exec(firstLine)?.[0]?.replace(/^OpenSSL /, '') ?? (firstLine.slice(0, 60) || 'no version');
  if (match === null || Number(match[1]) < 3) throw new SealpostError('ERR_BACKEND', `OpenSSL 3.0 or newer is required, found ${found}`, { detail: { found } });
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), text: `${match[1]}.${match[2]}.${match[3]}${match[4] ?? ''}` };
}

/**
 * Names and OIDs of the algorithms the loaded providers offer, lower case. Only "provided" lines
 * count (`{ OID, NAME, ... } @ provider` or `NAME @ provider`); OpenSSL's legacy built-in tables,
 * listed first, say nothing about what can be fetched.
 */
export function providedAlgorithms(listing: string): Set<string> {
  const names = new Set<string>();
  for (const line of listing.split(/\r?\n/)) {
    const match = /^\s*(?:IDs:\s*)?(?:\{([^}]*)\}|(\S+))\s+@\s+\S+/.exec(line);
    if (match === null) continue;
    const list = match[1] ?? match[2] ?? '';
    for (const name of list.split(',')) if (name.trim() !== '') names.add(name.trim().toLowerCase());
  }
  return names;
}

/**
 * Capabilities as data: an algorithm is claimed when this backend knows how to use it in CMS and a
 * loaded provider offers it. Ed25519 signatures and X25519 key agreement run under core's engine
 * (`openssl cms` 3.0 can do neither: no Ed25519 with signed attributes, no X25519
 * KeyAgreeRecipientInfo), with `pkeyutl -sign -rawin` and `pkeyutl -derive` for the private key.
 * Ed448 and X448 are not claimed. ML-DSA (RFC 9882) and ML-KEM (RFC 9936), which OpenSSL 3.0 lacks, are
 * claimed always and computed in-process by @noble/post-quantum, as on the other backends.
 */
const ML_DSA_SCHEMES = ['ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87'] as const;
const ML_KEM_SETS = ['ml-kem-512', 'ml-kem-768', 'ml-kem-1024'] as const;

export function capabilitiesFrom(listings: AlgorithmListings): BackendCapabilities {
  const ciphers = providedAlgorithms(listings.ciphers);
  const digests = providedAlgorithms(listings.digests);
  const signatures = providedAlgorithms(listings.signatures);
  const exchanges = providedAlgorithms(listings.keyExchanges);
  const keys = providedAlgorithms(listings.keyManagers);
  const asymmetric = providedAlgorithms(listings.asymmetricCiphers);

  const rsaKeys = keys.has(KEY_OID.rsa);
  const ecKeys = keys.has(KEY_OID.ec);
  const rsaSignatures = rsaKeys && signatures.has(KEY_OID.rsa);
  const ecdsa = ecKeys && signatures.has('ecdsa');
  const ecdh = ecKeys && exchanges.has('ecdh');
  const ed25519 = keys.has(kit.OID.ed25519) && signatures.has(kit.OID.ed25519);
  const x25519 = keys.has(kit.OID.x25519) && exchanges.has(kit.OID.x25519);
  const freeze = <T>(items: T[]): readonly T[] => Object.freeze(items);
  return Object.freeze({
    digests: freeze(DIGESTS.filter((d) => digests.has(d.oid)).map((d): DigestAlgorithm => d.name)),
    signatureSchemes: freeze([...(rsaSignatures ? (['rsa-pkcs1', 'rsa-pss'] as const) : []), ...(ecdsa ? (['ecdsa'] as const) : []), ...(ed25519 ? (['ed25519'] as const) : []), ...ML_DSA_SCHEMES]),
    contentCiphers: freeze([...CIPHERS.filter((c) => ciphers.has(c.oid)).map((c) => c.name), ...LEGACY_READ_CIPHERS]),
    keyTransport: freeze(rsaKeys && asymmetric.has(KEY_OID.rsa) ? (['rsa-pkcs1', 'rsa-oaep'] as const).slice() : []),
    keyAgreement: freeze([...(ecdh ? CURVES.map((c) => c.agreement) : []), ...(x25519 ? (['x25519'] as const) : [])]),
    // ML-KEM and ML-DSA whatever OpenSSL lists: they run in-process on @noble/post-quantum (core's backend-kit, noble-post-quantum.ts).
    kem: freeze([...ML_KEM_SETS]),
    keyTypes: freeze([...(rsaKeys ? (['rsa'] as const) : []), ...(ecdsa || ecdh ? CURVES.map((c) => c.keyType) : []), ...(ed25519 ? (['ed25519'] as const) : []), ...ML_DSA_SCHEMES, ...ML_KEM_SETS]),
    runtimes: freeze(['node' as const]),
    keyUris: true,
  });
}
