import { readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Identity, readPrivateKey } from '@sealpost/core';
import { generateTestCa, generateTestIdentity } from '@sealpost/core/testing';
import { pemBlocksToDer, vectorsDir } from '@sealpost/fixtures';

/**
 * The identities the test PKI (make-pki.sh, openssl 3.0) cannot have: carlos (Ed25519) and dana (X25519)
 * of RFC 9216 under the LAMPS Ed25519 CA, bob of RFC 9936 (ML-KEM-512, the RFC's example), and ML-DSA
 * signers and ML-KEM recipients under an ML-DSA-65 test CA made with core's test PKI. Those are made once
 * and kept in node_modules/.cache (a throwaway PKI, like tooling/fixtures/pki), so a reproduction written
 * by one run replays in the next with the same keys.
 */

export const PQ_SIGNERS = ['ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87'] as const;
export const PQ_RECIPIENTS = ['ml-kem-512', 'ml-kem-768', 'ml-kem-1024'] as const;
export const EXTRA_IDENTITY_NAMES = ['carlos', 'dana', 'rfc9936-bob', ...PQ_SIGNERS, ...PQ_RECIPIENTS] as const;
export type ExtraIdentityName = (typeof EXTRA_IDENTITY_NAMES)[number];
type PqName = (typeof PQ_SIGNERS)[number] | (typeof PQ_RECIPIENTS)[number];

export interface ExtraIdentities {
  readonly identities: Readonly<Record<ExtraIdentityName, Identity & { readonly email: string }>>;
  /** The LAMPS Ed25519 CA (RFC 9216) and the ML-DSA-65 test CA: trust anchors beside the test root. */
  readonly anchors: readonly Uint8Array[];
}

const rfcVector = (folder: string, name: string, label: string): Uint8Array => pemBlocksToDer(readFileSync(join(vectorsDir(), folder, name), 'utf8'), label)[0]!;

/** Regenerated well before the identities' one-year certificates run out. */
const CACHE_DAYS = 300;
const CACHE_VERSION = 1;

interface CachedPki {
  readonly version: number;
  readonly made: string;
  readonly ca: string;
  readonly identities: Readonly<Record<PqName, { readonly certificate: string; readonly key: string }>>;
}

function cacheFile(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.cache', 'sealpost-fuzz', 'pq-pki.json');
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const unb64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

async function readCache(file: string): Promise<CachedPki | null> {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const cached = JSON.parse(text) as CachedPki;
    const age = Date.now() - Date.parse(cached.made);
    return cached.version === CACHE_VERSION && age >= 0 && age < CACHE_DAYS * 86_400_000 ? cached : null;
  } catch {
    return null;
  }
}

/** The ML-DSA-65 CA, three ML-DSA signers and three ML-KEM recipients; private keys in a file only its owner reads. */
async function makePqPki(file: string): Promise<CachedPki> {
  const ca = await generateTestCa({ keyType: 'ml-dsa-65', commonName: 'Sealpost Fuzz PQ CA' });
  const identities = {} as Record<PqName, { certificate: string; key: string }>;
  for (const set of [...PQ_SIGNERS, ...PQ_RECIPIENTS]) {
    const id = await generateTestIdentity({ email: `${set}@example.com`, keyType: set, ca });
    identities[set] = { certificate: b64(id.certificate), key: b64(id.privateKey.der) };
  }
  const pki: CachedPki = { version: CACHE_VERSION, made: new Date().toISOString(), ca: b64(ca.certificate), identities };
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // Written beside and renamed, so a run started at the same time reads a whole file or none.
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, JSON.stringify(pki), { mode: 0o600 });
  await chmod(partial, 0o600);
  await rename(partial, file);
  return pki;
}

export async function loadExtraIdentities(): Promise<ExtraIdentities> {
  const file = cacheFile();
  const pq = (await readCache(file)) ?? (await makePqPki(file));
  const pqIdentity = (set: PqName) => ({
    certificate: unb64(pq.identities[set].certificate),
    privateKey: { type: 'pkcs8' as const, der: unb64(pq.identities[set].key) },
    email: `${set}@example.com`,
  });
  const rfc9936Key = await readPrivateKey(readFileSync(join(vectorsDir(), 'rfc9936', 'ML-KEM-512-seed.priv')));
  return {
    identities: {
      carlos: {
        certificate: rfcVector('rfc9216', 'carlos@smime.example.sig.pem', 'CERTIFICATE'),
        privateKey: { type: 'pkcs8', der: rfcVector('rfc9216', 'lamps-carlos.p8.pem', 'PRIVATE KEY') },
        email: 'carlos@smime.example',
      },
      dana: {
        certificate: rfcVector('rfc9216', 'dana@smime.example.enc.pem', 'CERTIFICATE'),
        privateKey: { type: 'pkcs8', der: rfcVector('rfc9216', 'lamps-dana.decrypt.p8.pem', 'PRIVATE KEY') },
        email: 'dana@smime.example',
      },
      'rfc9936-bob': { certificate: rfcVector('rfc9936', 'ML-KEM-512.pem', 'CERTIFICATE'), privateKey: rfc9936Key, email: 'bob@example.com' },
      'ml-dsa-44': pqIdentity('ml-dsa-44'),
      'ml-dsa-65': pqIdentity('ml-dsa-65'),
      'ml-dsa-87': pqIdentity('ml-dsa-87'),
      'ml-kem-512': pqIdentity('ml-kem-512'),
      'ml-kem-768': pqIdentity('ml-kem-768'),
      'ml-kem-1024': pqIdentity('ml-kem-1024'),
    },
    anchors: [rfcVector('rfc9216', 'Sample_LAMPS_Ed25519_Certification_Authority.selfsigned.pem', 'CERTIFICATE'), unb64(pq.ca)],
  };
}
