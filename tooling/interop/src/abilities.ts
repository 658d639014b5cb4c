import type { ContentCipher, KeyAgreement, KeyTransport } from '@sealpost/core';
import { type CipherFamily, familyOf } from './operations.js';

/**
 * What an actor is known to do, as data, before anything runs: for a Sealpost backend its capabilities,
 * for a peer what shared/PEERS.md records. The matrix still tries every cell and checks the claim.
 */
export interface Abilities {
  /** RSA PKCS#1 v1.5 signatures with SHA-256. */
  readonly signs: boolean;
  readonly ciphers: readonly ContentCipher[];
  readonly keyTransports: readonly KeyTransport[];
  /** Key agreement (ECDH) curves; none when absent. */
  readonly keyAgreements?: readonly KeyAgreement[];
  /** Why a feature is missing, in this actor's own terms; a plain sentence is used otherwise. */
  readonly why?: Readonly<Partial<Record<Feature, string>>>;
}

/** What an operation needs from one side: a signature, a content cipher, a key transport. */
export interface Need {
  readonly signature: boolean;
  readonly cipher?: ContentCipher | string;
  readonly keyTransport?: KeyTransport | string;
  readonly keyAgreement?: KeyAgreement;
}

export type Feature = 'signature' | CipherFamily | KeyTransport | 'ecdh' | 'other-cipher';

/** One thing an actor lacks for a cell, and why. */
export interface Shortfall {
  readonly feature: Feature;
  readonly reason: string;
}

const FEATURE_NAMES: Readonly<Record<Feature, string>> = {
  signature: 'RSA PKCS#1 v1.5 / SHA-256 signing',
  'aes-cbc': 'AES-CBC',
  'aes-gcm': 'AES-GCM (AuthEnvelopedData)',
  'des-ede3': '3DES-CBC',
  rc2: 'RC2-CBC',
  'rsa-pkcs1': 'RSA PKCS#1 v1.5 key transport',
  'rsa-oaep': 'RSA-OAEP key transport',
  ecdh: 'ECDH key agreement (EC P-256)',
  'other-cipher': 'this content cipher',
};

export function featureName(feature: Feature): string {
  return FEATURE_NAMES[feature];
}

/** Everything in NEED that ABILITIES lack; empty when the actor is expected to succeed. */
export function shortfalls(abilities: Abilities, need: Need): Shortfall[] {
  const missing: Feature[] = [];
  if (need.signature && !abilities.signs) missing.push('signature');
  if (need.cipher !== undefined && !abilities.ciphers.includes(need.cipher as ContentCipher)) missing.push(familyOf(need.cipher) ?? 'other-cipher');
  if (need.keyTransport !== undefined && !abilities.keyTransports.includes(need.keyTransport as KeyTransport)) missing.push(need.keyTransport === 'rsa-oaep' ? 'rsa-oaep' : 'rsa-pkcs1');
  if (need.keyAgreement !== undefined && !(abilities.keyAgreements ?? []).includes(need.keyAgreement)) missing.push('ecdh');
  return missing.map((feature) => ({ feature, reason: abilities.why?.[feature] ?? `${featureName(feature)} is not supported` }));
}
