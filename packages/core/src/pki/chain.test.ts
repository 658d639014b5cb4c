import { beforeAll, describe, expect, it } from 'vitest';
import type { CertificateSignatureRequest } from '../backend.js';
import { isSealpostError, SealpostError } from '../errors.js';
import { at, decodeAsn1, expectSequence, expectUnsignedInteger } from '../asn1/shape.js';
import { arrayBufferBacked } from '../bytes.js';
import { buildChain, type BuildChainOptions } from './chain.js';
import { parseCertificate, parseCertificateDetails } from './certificate.js';
import { OID } from '../asn1/oids.js';
import {
  authorityKeyIdentifier,
  basicConstraints,
  extendedKeyUsage,
  generateKeyPair,
  keyIdentifier,
  keyUsage,
  nameDer,
  signCertificate,
  subjectAltNameEmail,
  subjectKeyIdentifier,
  type ExtensionSpec,
  type TestKeyPair,
} from './testcert.js';
import { generateTestCa, generateTestIdentity } from './testpki.js';
import type { ChainResult } from './types.js';

const NOW = new Date('2030-06-01T00:00:00Z');
const YEAR = 365 * 24 * 3600 * 1000;

const SIGNATURE_HASHES: Readonly<Record<string, { readonly ec: boolean; readonly hash: string }>> = {
  [OID.sha256WithRSAEncryption]: { ec: false, hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { ec: false, hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { ec: false, hash: 'SHA-512' },
  [OID.ecdsaWithSha256]: { ec: true, hash: 'SHA-256' },
};

/** Verifies certificate signatures with WebCrypto (RSA PKCS#1 v1.5 with SHA-2, ECDSA P-256), counting calls. */
function webCryptoBackend(): BuildChainOptions['backend'] & { calls: number } {
  const backend = {
    calls: 0,
    async verifyCertificateSignature(request: CertificateSignatureRequest): Promise<boolean> {
      backend.calls++;
      const child = parseCertificateDetails(request.certificate);
      const issuer = parseCertificate(request.issuer);
      const scheme = SIGNATURE_HASHES[child.info.signatureAlgorithm];
      if (scheme === undefined || (issuer.publicKey.type === 'ec') !== scheme.ec) return false;
      const algorithm = scheme.ec ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: scheme.hash };
      const key = await globalThis.crypto.subtle.importKey('spki', arrayBufferBacked(issuer.spki), algorithm, false, ['verify']);
      const signature = scheme.ec ? rawEcdsa(child.signature) : child.signature;
      return globalThis.crypto.subtle.verify(scheme.ec ? { name: 'ECDSA', hash: scheme.hash } : algorithm, key, arrayBufferBacked(signature), arrayBufferBacked(child.tbs));
    },
  };
  return backend;
}

function rawEcdsa(der: Uint8Array): Uint8Array {
  const parts = expectSequence(decodeAsn1(der, 'Ecdsa-Sig-Value'), 'Ecdsa-Sig-Value');
  const out = new Uint8Array(64);
  const r = expectUnsignedInteger(at(parts, 0, 'r'), 'r');
  const s = expectUnsignedInteger(at(parts, 1, 's'), 's');
  out.set(r, 32 - r.length);
  out.set(s, 64 - s.length);
  return out;
}

interface Cert {
  readonly der: Uint8Array;
  readonly name: Uint8Array;
  readonly keys: TestKeyPair;
  readonly keyId: Uint8Array;
}

interface CertOptions {
  readonly issuer?: Cert;
  /** Sign with this key instead of the issuer's (a forgery under the issuer's name). */
  readonly signingKeys?: TestKeyPair;
  readonly keys?: TestKeyPair;
  readonly ca?: boolean;
  readonly pathLength?: number;
  readonly keyUsage?: readonly string[] | null;
  readonly extKeyUsage?: readonly string[] | null;
  readonly email?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly authorityKeyId?: Uint8Array | null;
  readonly extra?: readonly ExtensionSpec[];
}

/** A certificate named `cn`, EC P-256, shaped by `options` (defaults: a valid CA or S/MIME leaf). */
async function issue(cn: string, options: CertOptions = {}): Promise<Cert> {
  const keys = options.keys ?? (await generateKeyPair('ec-p256'));
  const name = nameDer([[OID.commonName, cn]]);
  const ca = options.ca ?? false;
  const defaultUsage = ca ? ['keyCertSign', 'cRLSign'] : ['digitalSignature', 'keyAgreement'];
  const usage = options.keyUsage === undefined ? defaultUsage : options.keyUsage;
  const eku = options.extKeyUsage === undefined ? (ca ? null : [OID.emailProtection]) : options.extKeyUsage;
  const keyId = keyIdentifier(keys.spki);
  const akid = options.authorityKeyId === undefined ? (options.issuer?.keyId ?? null) : options.authorityKeyId;
  const extensions: ExtensionSpec[] = [
    basicConstraints(ca, options.pathLength),
    ...(usage === null ? [] : [keyUsage(usage)]),
    ...(eku === null ? [] : [extendedKeyUsage(eku)]),
    ...(ca ? [] : [subjectAltNameEmail(options.email ?? `${cn.toLowerCase().replace(/\W/g, '')}@example.com`)]),
    subjectKeyIdentifier(keyId),
    ...(akid === null ? [] : [authorityKeyIdentifier(akid)]),
    ...(options.extra ?? []),
  ];
  const signer = options.signingKeys ?? options.issuer?.keys ?? keys;
  const der = await signCertificate(
    {
      subject: name,
      issuer: options.issuer?.name ?? name,
      spki: keys.spki,
      notBefore: options.notBefore ?? new Date(NOW.getTime() - YEAR),
      notAfter: options.notAfter ?? new Date(NOW.getTime() + YEAR),
      extensions,
    },
    signer.privateKey,
    'ec-p256',
  );
  return { der, name, keys, keyId };
}

function codes(result: ChainResult): string[] {
  return result.errors.map((error) => error.code);
}

describe('buildChain', () => {
  let root: Cert;
  let intermediate: Cert;
  let leaf: Cert;
  let backend: ReturnType<typeof webCryptoBackend>;
  const options = (overrides: Partial<BuildChainOptions> = {}): BuildChainOptions => ({
    intermediates: [intermediate.der],
    anchors: [root.der],
    now: NOW,
    backend,
    purpose: 'smime-sign',
    ...overrides,
  });

  beforeAll(async () => {
    root = await issue('Root', { ca: true });
    intermediate = await issue('Intermediate', { ca: true, issuer: root });
    leaf = await issue('Leaf', { issuer: intermediate });
  });

  beforeAll(() => {
    backend = webCryptoBackend();
  });

  it('trusts leaf -> intermediate -> anchor, for signing and for encryption', async () => {
    expect(await buildChain(leaf.der, options())).toEqual({ trusted: true, chain: [leaf.der, intermediate.der, root.der], errors: [] });
    expect((await buildChain(leaf.der, options({ purpose: 'smime-encrypt' }))).trusted).toBe(true);
  });

  it('finds the intermediate among unrelated and unreadable certificates, and ignores duplicates', async () => {
    const unrelated = await issue('Unrelated', { ca: true });
    const result = await buildChain(leaf.der, options({ intermediates: [Uint8Array.of(1, 2, 3), unrelated.der, intermediate.der, intermediate.der, leaf.der] }));
    expect(result.trusted).toBe(true);
    expect(result.chain).toEqual([leaf.der, intermediate.der, root.der]);
  });

  it('is untrusted without the intermediate, without the anchor, or with another anchor', async () => {
    for (const overrides of [{ intermediates: [] }, { anchors: [] }, { anchors: [(await issue('Other Root', { ca: true })).der] }]) {
      const result = await buildChain(leaf.der, options(overrides));
      expect(result.trusted).toBe(false);
      expect(codes(result)).toEqual(['ERR_CHAIN_UNTRUSTED']);
      expect(result.chain[0]).toEqual(leaf.der);
    }
    const partial = await buildChain(leaf.der, options({ anchors: [] }));
    expect(partial.chain).toEqual([leaf.der, intermediate.der]);
    expect(partial.errors[0]?.message).toBe('no chain from "CN=Leaf" to a trust anchor');
  });

  it('trusts a leaf that is itself an anchor, and not a self-signed leaf that is not', async () => {
    const self = await issue('Self');
    expect(await buildChain(self.der, options({ anchors: [self.der] }))).toEqual({ trusted: true, chain: [self.der], errors: [] });
    expect(codes(await buildChain(self.der, options()))).toEqual(['ERR_CHAIN_UNTRUSTED']);
  });

  it('accepts an intermediate given as an anchor (the path stops there)', async () => {
    expect(await buildChain(leaf.der, options({ anchors: [intermediate.der], intermediates: [] }))).toEqual({ trusted: true, chain: [leaf.der, intermediate.der], errors: [] });
  });

  it('reports a forged signature under the right issuer name as untrusted', async () => {
    const forger = await generateKeyPair('ec-p256');
    const forged = await issue('Forged', { issuer: intermediate, signingKeys: forger });
    const result = await buildChain(forged.der, options());
    expect(result.trusted).toBe(false);
    expect(codes(result)).toEqual(['ERR_CHAIN_UNTRUSTED']);
    expect(result.errors[0]?.message).toContain('does not verify');
    expect(result.chain).toEqual([forged.der]);
  });

  it('reports validity per certificate: expired or not yet valid leaf, intermediate or anchor', async () => {
    const expiredLeaf = await issue('Expired Leaf', { issuer: intermediate, notAfter: new Date(NOW.getTime() - 1000) });
    const futureLeaf = await issue('Future Leaf', { issuer: intermediate, notBefore: new Date(NOW.getTime() + 1000) });
    const expired = await buildChain(expiredLeaf.der, options());
    expect(expired.trusted).toBe(false);
    expect(expired.chain).toEqual([expiredLeaf.der, intermediate.der, root.der]);
    expect(expired.errors).toEqual([{ code: 'ERR_CERTIFICATE_EXPIRED', message: `certificate "CN=Expired Leaf" expired on ${new Date(NOW.getTime() - 1000).toISOString()}` }]);
    expect(codes(await buildChain(futureLeaf.der, options()))).toEqual(['ERR_CERTIFICATE_NOT_YET_VALID']);

    const oldRoot = await issue('Old Root', { ca: true, notAfter: new Date(NOW.getTime() - YEAR / 2) });
    const underOld = await issue('Under Old', { issuer: oldRoot });
    expect(codes(await buildChain(underOld.der, options({ anchors: [oldRoot.der], intermediates: [] })))).toEqual(['ERR_CERTIFICATE_EXPIRED']);

    // Validity is judged at `now`, not at the time of the call.
    expect((await buildChain(expiredLeaf.der, options({ now: new Date(NOW.getTime() - 2000) }))).trusted).toBe(true);
  });

  it('prefers a valid intermediate over an expired one with the same name and key', async () => {
    const expiredCopy = await issue('Intermediate', { ca: true, issuer: root, keys: intermediate.keys, notAfter: new Date(NOW.getTime() - 1000) });
    const result = await buildChain(leaf.der, options({ intermediates: [expiredCopy.der, intermediate.der] }));
    expect(result.trusted).toBe(true);
    expect(result.chain[1]).toEqual(intermediate.der);
    const onlyExpired = await buildChain(leaf.der, options({ intermediates: [expiredCopy.der] }));
    expect(codes(onlyExpired)).toEqual(['ERR_CERTIFICATE_EXPIRED']);
  });

  it('requires every issuer to be a CA allowed to sign certificates', async () => {
    const notCa = await issue('Not A CA', { ca: false, issuer: root, keyUsage: ['keyCertSign'], extKeyUsage: null });
    const underNotCa = await issue('Under Not A CA', { issuer: notCa });
    const result = await buildChain(underNotCa.der, options({ intermediates: [notCa.der] }));
    expect(result.trusted).toBe(false);
    expect(result.errors).toEqual([{ code: 'ERR_CERTIFICATE_USAGE', message: 'issuer "CN=Not A CA" is not a CA (basicConstraints)' }]);

    const noCertSign = await issue('No CertSign', { ca: true, issuer: root, keyUsage: ['cRLSign', 'digitalSignature'] });
    const underNoCertSign = await issue('Under No CertSign', { issuer: noCertSign });
    expect(codes(await buildChain(underNoCertSign.der, options({ intermediates: [noCertSign.der] })))).toEqual(['ERR_CERTIFICATE_USAGE']);

    // A CA without keyUsage may sign certificates.
    const noKeyUsage = await issue('No KeyUsage', { ca: true, issuer: root, keyUsage: null });
    const underNoKeyUsage = await issue('Under No KeyUsage', { issuer: noKeyUsage });
    expect((await buildChain(underNoKeyUsage.der, options({ intermediates: [noKeyUsage.der] }))).trusted).toBe(true);
  });

  it('honours pathLenConstraint, not counting the leaf', async () => {
    const zeroRoot = await issue('Zero Root', { ca: true, pathLength: 0 });
    const direct = await issue('Direct', { issuer: zeroRoot });
    expect((await buildChain(direct.der, options({ anchors: [zeroRoot.der] }))).trusted).toBe(true);
    const sub = await issue('Sub CA', { ca: true, issuer: zeroRoot });
    const deep = await issue('Deep', { issuer: sub });
    const result = await buildChain(deep.der, options({ anchors: [zeroRoot.der], intermediates: [sub.der] }));
    expect(result.trusted).toBe(false);
    expect(result.errors).toEqual([{ code: 'ERR_CERTIFICATE_USAGE', message: 'issuer "CN=Zero Root" allows 0 intermediate CA(s) below it, the path has 1' }]);
    const oneRoot = await issue('One Root', { ca: true, pathLength: 1 });
    const sub1 = await issue('Sub CA 1', { ca: true, issuer: oneRoot, pathLength: 0 });
    expect((await buildChain((await issue('Fine', { issuer: sub1 })).der, options({ anchors: [oneRoot.der], intermediates: [sub1.der] }))).trusted).toBe(true);
  });

  it('requires emailProtection (or anyExtendedKeyUsage) when the leaf or an issuer limits its extended key usage', async () => {
    const serverOnly = await issue('Server', { issuer: intermediate, extKeyUsage: ['1.3.6.1.5.5.7.3.1'] });
    expect((await buildChain(serverOnly.der, options())).errors).toEqual([{ code: 'ERR_CERTIFICATE_USAGE', message: 'certificate "CN=Server" is not allowed for e-mail protection (extKeyUsage)' }]);
    const anyUsage = await issue('Any', { issuer: intermediate, extKeyUsage: [OID.anyExtendedKeyUsage] });
    expect((await buildChain(anyUsage.der, options())).trusted).toBe(true);
    const noEku = await issue('No EKU', { issuer: intermediate, extKeyUsage: null });
    expect((await buildChain(noEku.der, options())).trusted).toBe(true);
    const tlsCa = await issue('TLS CA', { ca: true, issuer: root, extKeyUsage: ['1.3.6.1.5.5.7.3.1'] });
    const underTls = await issue('Under TLS', { issuer: tlsCa });
    expect(codes(await buildChain(underTls.der, options({ intermediates: [tlsCa.der] })))).toEqual(['ERR_CERTIFICATE_USAGE']);
  });

  it('checks the leaf keyUsage against the purpose and key type', async () => {
    const signOnly = await issue('Sign Only', { issuer: intermediate, keyUsage: ['digitalSignature'] });
    expect((await buildChain(signOnly.der, options())).trusted).toBe(true);
    const encryptResult = await buildChain(signOnly.der, options({ purpose: 'smime-encrypt' }));
    expect(encryptResult.errors).toEqual([{ code: 'ERR_CERTIFICATE_USAGE', message: 'certificate "CN=Sign Only" keyUsage does not allow encryption (needs keyAgreement)' }]);
    const nonRepudiation = await issue('NR', { issuer: intermediate, keyUsage: ['nonRepudiation'] });
    expect((await buildChain(nonRepudiation.der, options())).trusted).toBe(true);
    const agreeOnly = await issue('Agree Only', { issuer: intermediate, keyUsage: ['keyAgreement'] });
    expect(codes(await buildChain(agreeOnly.der, options()))).toEqual(['ERR_CERTIFICATE_USAGE']);
    expect((await buildChain(agreeOnly.der, options({ purpose: 'smime-encrypt' }))).trusted).toBe(true);
    // An EC key cannot do key transport: keyEncipherment alone does not allow encryption to it.
    const ecTransport = await issue('EC Transport', { issuer: intermediate, keyUsage: ['keyEncipherment'] });
    expect(codes(await buildChain(ecTransport.der, options({ purpose: 'smime-encrypt' })))).toEqual(['ERR_CERTIFICATE_USAGE']);
  });

  it('checks RSA leaves for keyEncipherment when encrypting', async () => {
    const ca = await generateTestCa();
    const rsa = await generateTestIdentity({ email: 'rsa@example.com', ca });
    const now = new Date();
    const rsaOptions = options({ anchors: [ca.certificate], intermediates: [], now });
    expect((await buildChain(rsa.certificate, { ...rsaOptions, purpose: 'smime-encrypt' })).trusted).toBe(true);
    expect((await buildChain(rsa.certificate, rsaOptions)).trusted).toBe(true);
  });

  it('refuses a certificate with an unsupported critical extension, and accepts it when not critical', async () => {
    const nameConstraints = { oid: '2.5.29.30', critical: true, value: Uint8Array.of(0x30, 0x00) };
    const constrained = await issue('Constrained CA', { ca: true, issuer: root, extra: [nameConstraints] });
    const under = await issue('Under Constrained', { issuer: constrained });
    const result = await buildChain(under.der, options({ intermediates: [constrained.der] }));
    expect(result.errors).toEqual([{ code: 'ERR_CHAIN_UNTRUSTED', message: 'certificate "CN=Constrained CA" has an unsupported critical extension 2.5.29.30' }]);
    const informational = await issue('Info CA', { ca: true, issuer: root, extra: [{ ...nameConstraints, oid: '1.2.3.4', critical: false }] });
    expect((await buildChain((await issue('Under Info', { issuer: informational })).der, options({ intermediates: [informational.der] }))).trusted).toBe(true);
  });

  it('matches issuers by key identifier when both sides have one', async () => {
    const sameNameOtherKey = await issue('Intermediate', { ca: true, issuer: root });
    // The leaf names the real intermediate's key; the look-alike is never tried.
    const counting = webCryptoBackend();
    const result = await buildChain(leaf.der, options({ intermediates: [sameNameOtherKey.der, intermediate.der], backend: counting }));
    expect(result.trusted).toBe(true);
    expect(counting.calls).toBe(2);
    // Without an authority key identifier the look-alike is tried, fails its signature check, and the real one wins.
    const noAkid = await issue('No AKID', { issuer: intermediate, authorityKeyId: null });
    const counting2 = webCryptoBackend();
    expect((await buildChain(noAkid.der, options({ intermediates: [sameNameOtherKey.der, intermediate.der], backend: counting2 }))).trusted).toBe(true);
    expect(counting2.calls).toBe(3);
  });

  it('terminates on issuer loops and respects the maximum length', async () => {
    const aKeys = await generateKeyPair('ec-p256');
    const bKeys = await generateKeyPair('ec-p256');
    const aName = { der: new Uint8Array(0), name: nameDer([[OID.commonName, 'Loop A']]), keys: aKeys, keyId: keyIdentifier(aKeys.spki) };
    const b = await issue('Loop B', { ca: true, keys: bKeys, issuer: aName });
    const a = await issue('Loop A', { ca: true, keys: aKeys, issuer: b });
    const loopLeaf = await issue('Loop Leaf', { issuer: a });
    const result = await buildChain(loopLeaf.der, options({ intermediates: [a.der, b.der] }));
    expect(result.trusted).toBe(false);
    expect(codes(result)).toEqual(['ERR_CHAIN_UNTRUSTED']);
    expect(result.chain).toEqual([loopLeaf.der, a.der, b.der]);

    expect(codes(await buildChain(leaf.der, options({ maxLength: 2 })))).toEqual(['ERR_CHAIN_UNTRUSTED']);
    expect((await buildChain(leaf.der, options({ maxLength: 3 }))).trusted).toBe(true);
    await expect(buildChain(leaf.der, options({ maxLength: 0 }))).rejects.toThrow(RangeError);
  });

  it('treats a backend that cannot check a signature as a failed check, but passes aborts on', async () => {
    const failing: BuildChainOptions['backend'] = {
      verifyCertificateSignature: () => Promise.reject(new SealpostError('ERR_UNSUPPORTED_SIGNATURE', 'no such algorithm')),
    };
    expect(codes(await buildChain(leaf.der, options({ backend: failing })))).toEqual(['ERR_CHAIN_UNTRUSTED']);
    const aborting: BuildChainOptions['backend'] = {
      verifyCertificateSignature: () => Promise.reject(new SealpostError('ERR_ABORTED', 'operation aborted')),
    };
    await expect(buildChain(leaf.der, options({ backend: aborting }))).rejects.toMatchObject({ code: 'ERR_ABORTED' });
  });

  it('stops with ERR_ABORTED when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await buildChain(leaf.der, options({ signal: controller.signal })).catch((caught: unknown) => caught);
    expect(isSealpostError(error, 'ERR_ABORTED')).toBe(true);
    const later = new AbortController();
    const slow: BuildChainOptions['backend'] = {
      verifyCertificateSignature: async () => {
        later.abort();
        return true;
      },
    };
    await expect(buildChain(leaf.der, options({ backend: slow, signal: later.signal }))).rejects.toMatchObject({ code: 'ERR_ABORTED' });
  });

  it('throws ERR_CERTIFICATE_MALFORMED for an unreadable leaf or anchor', async () => {
    await expect(buildChain(Uint8Array.of(0x30, 0x00), options())).rejects.toMatchObject({ code: 'ERR_CERTIFICATE_MALFORMED' });
    await expect(buildChain(leaf.der, options({ anchors: [Uint8Array.of(1)] }))).rejects.toMatchObject({ code: 'ERR_CERTIFICATE_MALFORMED' });
  });

  it('bounds the work when look-alike certificates form exponentially many paths', async () => {
    // Nine self-issued CA certificates named "Loop" with one key: each verifies every other one, so
    // without a bound the search walks 9! paths (seconds); with it, milliseconds.
    const loopKeys = await generateKeyPair('ec-p256');
    const loopName = { der: new Uint8Array(0), name: nameDer([[OID.commonName, 'Loop']]), keys: loopKeys, keyId: keyIdentifier(loopKeys.spki) };
    const loops = await Promise.all(Array.from({ length: 9 }, () => issue('Loop', { ca: true, keys: loopKeys, issuer: loopName })));
    const victim = await issue('Victim', { issuer: loopName });
    const counting = webCryptoBackend();
    const started = Date.now();
    const result = await buildChain(victim.der, options({ intermediates: loops.map((item) => item.der), backend: counting }));
    expect(codes(result)).toEqual(['ERR_CHAIN_UNTRUSTED']);
    expect(counting.calls).toBeLessThanOrEqual(100);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('buildChain on RFC 9216 example certificates', () => {
  it('chains alice to the LAMPS RSA CA with a real signature check', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { pemDecode } = await import('./pem.js');
    const vectors = join(import.meta.dirname, '../../../../tooling/fixtures/vectors/rfc9216');
    const read = (name: string): Uint8Array => pemDecode(readFileSync(join(vectors, name), 'utf8'), 'CERTIFICATE')[0] ?? new Uint8Array(0);
    const alice = read('alice@smime.example.sig.pem');
    const ca = read('Sample_LAMPS_RSA_Certification_Authority.selfsigned.pem');
    const result = await buildChain(alice, { intermediates: [], anchors: [ca], now: new Date('2030-01-01T00:00:00Z'), backend: webCryptoBackend(), purpose: 'smime-sign' });
    expect(result).toEqual({ trusted: true, chain: [alice, ca], errors: [] });
    const encryptTo = await buildChain(alice, { intermediates: [], anchors: [ca], now: new Date('2030-01-01T00:00:00Z'), backend: webCryptoBackend(), purpose: 'smime-encrypt' });
    expect(codes(encryptTo)).toEqual(['ERR_CERTIFICATE_USAGE']);
  });
});
