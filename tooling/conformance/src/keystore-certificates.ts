import { generateTestIdentity } from '@sealpost/core/testing';
import { type TestPki, ensureTestPki } from '@sealpost/fixtures';

/** The certificates the key store suite puts: the test PKI's, and made-to-measure ones with set dates. */
export interface KeyStoreCertificates {
  readonly pki: TestPki;
  /** alice@example.com, notBefore 2024-01-01: newer than the PKI's alice (2020-01-01). */
  readonly aliceNewer: Uint8Array;
  /** alice@example.com, notBefore 2019-06-01: older than the PKI's alice. */
  readonly aliceOlder: Uint8Array;
  /** shared@example.com, notBefore 2021-01-01, 2022-01-01, ... one year apart, oldest first. */
  readonly sharedByYear: readonly Uint8Array[];
}

const SHARED_VERSIONS = 6;

async function certificateFor(email: string, notBefore: string, notAfter: string): Promise<Uint8Array> {
  const identity = await generateTestIdentity({ email, keyType: 'ec-p256', notBefore: new Date(notBefore), notAfter: new Date(notAfter) });
  return identity.certificate;
}

export async function keyStoreCertificates(): Promise<KeyStoreCertificates> {
  const pki = await ensureTestPki();
  const aliceNewer = await certificateFor('alice@example.com', '2024-01-01T00:00:00Z', '2036-01-01T00:00:00Z');
  const aliceOlder = await certificateFor('alice@example.com', '2019-06-01T00:00:00Z', '2021-06-01T00:00:00Z');
  const sharedByYear: Uint8Array[] = [];
  for (let i = 0; i < SHARED_VERSIONS; i++) {
    sharedByYear.push(await certificateFor('shared@example.com', `${2021 + i}-01-01T00:00:00Z`, `${2031 + i}-01-01T00:00:00Z`));
  }
  return { pki, aliceNewer, aliceOlder, sharedByYear };
}
