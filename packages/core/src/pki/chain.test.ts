import { beforeAll, describe, expect, it } from 'vitest';
import type { CertificateSignatureRequest } from '../backend.js';
import { isSealpostError, SealpostError } from '../errors.js';
import { at, decodeAsn1, expectSequence, expectUnsignedInteger } from '../asn1/shape.js';
import { arrayBufferBacked } from '../bytes.js';
import { explicit, implicitConstructed, implicitPrimitive, oid, sequence, setOf, tlv } from '../asn1/der-writer.js';
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
  [OID.ecdsaWithSha1]: { ec: true, hash: 'SHA-1' },
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
  /** Subject Name DER; default CN=`cn`. */
  readonly subject?: Uint8Array;
  /** subjectAltName value (GeneralNames DER) instead of the leaf's default address; null for none. */
  readonly subjectAltName?: Uint8Array | null;
  /** 1: an X.509 v1 certificate, without any extension. */
  readonly version?: 1;
  readonly ecdsaHash?: 'SHA-1';
}

/** A certificate named `cn`, EC P-256, shaped by `options` (defaults: a valid CA or S/MIME leaf). */
async function issue(cn: string, options: CertOptions = {}): Promise<Cert> {
  const keys = options.keys ?? (await generateKeyPair('ec-p256'));
  const name = options.subject ?? nameDer([[OID.commonName, cn]]);
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
    ...sanExtension(ca, cn, options),
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
      extensions: options.version === 1 ? [] : extensions,
      ...(options.version === undefined ? {} : { version: options.version }),
      ...(options.ecdsaHash === undefined ? {} : { ecdsaHash: options.ecdsaHash }),
    },
    signer.privateKey,
    signer.keyType,
  );
  return { der, name, keys, keyId };
}

function sanExtension(ca: boolean, cn: string, options: CertOptions): ExtensionSpec[] {
  if (options.subjectAltName === null) return [];
  if (options.subjectAltName !== undefined) return [{ oid: OID.subjectAltName, critical: false, value: options.subjectAltName }];
  return ca ? [] : [subjectAltNameEmail(options.email ?? `${cn.toLowerCase().replace(/\W/g, '')}@example.com`)];
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
    // policyConstraints: requireExplicitPolicy 0. Policies are not processed, so a critical one is refused.
    const policyConstraints = { oid: OID.policyConstraints, critical: true, value: Uint8Array.of(0x30, 0x03, 0x80, 0x01, 0x00) };
    const constrained = await issue('Constrained CA', { ca: true, issuer: root, extra: [policyConstraints] });
    const under = await issue('Under Constrained', { issuer: constrained });
    const result = await buildChain(under.der, options({ intermediates: [constrained.der] }));
    expect(result.errors).toEqual([{ code: 'ERR_CHAIN_UNTRUSTED', message: 'certificate "CN=Constrained CA" has an unsupported critical extension 2.5.29.36' }]);
    for (const oid of [OID.inhibitAnyPolicy, OID.policyMappings]) {
      const refused = await issue('Policy CA', { ca: true, issuer: root, extra: [{ oid, critical: true, value: Uint8Array.of(0x02, 0x01, 0x00) }] });
      expect(codes(await buildChain((await issue('Under Policy', { issuer: refused })).der, options({ intermediates: [refused.der] })))).toEqual(['ERR_CHAIN_UNTRUSTED']);
    }
    const informational = await issue('Info CA', { ca: true, issuer: root, extra: [{ ...policyConstraints, oid: '1.2.3.4', critical: false }] });
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

    expect(codes(await buildChain(leaf.der, options({ maxLength: 2 })))).toEqual(['ERR_CHAIN_TOO_LONG']);
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

/** GeneralName encodings for subjectAltName and nameConstraints values. */
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const general = {
  email: (address: string): Uint8Array => implicitPrimitive(1, ascii(address)),
  dns: (host: string): Uint8Array => implicitPrimitive(2, ascii(host)),
  directory: (name: Uint8Array): Uint8Array => explicit(4, name),
  uri: (uri: string): Uint8Array => implicitPrimitive(6, ascii(uri)),
  ip: (...octets: number[]): Uint8Array => implicitPrimitive(7, Uint8Array.from(octets)),
};

interface Subtrees {
  readonly permitted?: readonly Uint8Array[];
  readonly excluded?: readonly Uint8Array[];
  readonly critical?: boolean;
}

function nameConstraints({ permitted = [], excluded = [], critical = true }: Subtrees): ExtensionSpec {
  const subtrees = (tag: number, bases: readonly Uint8Array[]): Uint8Array[] => (bases.length === 0 ? [] : [implicitConstructed(tag, ...bases.map((base) => sequence(base)))]);
  return { oid: OID.nameConstraints, critical, value: sequence(...subtrees(0, permitted), ...subtrees(1, excluded)) };
}

/** A Name of single-valued RDNs with PrintableString values, most general first. */
function printableName(attributes: readonly (readonly [string, string])[]): Uint8Array {
  return sequence(...attributes.map(([type, value]) => setOf([sequence(oid(type), tlv(0x13, ascii(value)))])));
}

describe('buildChain: name constraints (RFC 5280 4.2.1.10)', () => {
  let root: Cert;
  const backend = webCryptoBackend();
  const check = async (constraints: Subtrees, leafOptions: CertOptions, cn = 'Leaf'): Promise<ChainResult> => {
    const ca = await issue('Constrained CA', { ca: true, issuer: root, extra: [nameConstraints(constraints)] });
    const leaf = await issue(cn, { ...leafOptions, issuer: ca });
    return buildChain(leaf.der, { intermediates: [ca.der], anchors: [root.der], now: NOW, backend, purpose: 'smime-sign' });
  };
  const san = (...names: Uint8Array[]): CertOptions => ({ subjectAltName: sequence(...names) });

  beforeAll(async () => {
    root = await issue('NC Root', { ca: true });
  });

  it('a host constraint permits mailboxes on exactly that host, critical or not', async () => {
    for (const critical of [true, false]) {
      const host = { permitted: [general.email('example.com')], critical };
      expect((await check(host, { email: 'alice@example.com' })).trusted).toBe(true);
      expect((await check(host, { email: 'alice@EXAMPLE.com' })).trusted).toBe(true);
      const outside = await check(host, { email: 'mallory@evil.test' });
      expect(outside.trusted).toBe(false);
      expect(outside.errors).toEqual([{ code: 'ERR_NAME_CONSTRAINTS', message: 'the address "mallory@evil.test" in "CN=Leaf" is not permitted by the name constraints of "CN=Constrained CA"' }]);
      expect(codes(await check(host, { email: 'alice@mail.example.com' }))).toEqual(['ERR_NAME_CONSTRAINTS']);
    }
  });

  it('a domain constraint (".example.com") permits hosts below it, not the domain itself', async () => {
    const domain = { permitted: [general.email('.example.com')] };
    expect((await check(domain, { email: 'alice@mail.example.com' })).trusted).toBe(true);
    expect(codes(await check(domain, { email: 'alice@example.com' }))).toEqual(['ERR_NAME_CONSTRAINTS']);
    expect(codes(await check(domain, { email: 'alice@badexample.com' }))).toEqual(['ERR_NAME_CONSTRAINTS']);
  });

  it('a mailbox constraint permits that mailbox only, its local part exactly', async () => {
    const mailbox = { permitted: [general.email('boss@example.com')] };
    expect((await check(mailbox, { email: 'boss@Example.COM' })).trusted).toBe(true);
    expect(codes(await check(mailbox, { email: 'Boss@example.com' }))).toEqual(['ERR_NAME_CONSTRAINTS']);
    expect(codes(await check(mailbox, { email: 'other@example.com' }))).toEqual(['ERR_NAME_CONSTRAINTS']);
  });

  it('excluded subtrees refuse, and win over permitted ones', async () => {
    const both = { permitted: [general.email('.example.com')], excluded: [general.email('hr.example.com')] };
    expect((await check(both, { email: 'a@it.example.com' })).trusted).toBe(true);
    expect((await check(both, { email: 'a@hr.example.com' })).errors).toEqual([
      { code: 'ERR_NAME_CONSTRAINTS', message: 'the address "a@hr.example.com" in "CN=Leaf" is excluded by the name constraints of "CN=Constrained CA"' },
    ]);
  });

  it('applies rfc822Name constraints to every address: each SAN entry and the subject emailAddress', async () => {
    const host = { permitted: [general.email('example.com')] };
    expect(codes(await check(host, san(general.email('a@example.com'), general.email('b@evil.test'))))).toEqual(['ERR_NAME_CONSTRAINTS']);
    const legacy = {
      subjectAltName: null,
      subject: nameDer([
        [OID.commonName, 'Legacy'],
        [OID.emailAddress, 'legacy@evil.test'],
      ]),
    };
    expect(codes(await check(host, legacy))).toEqual(['ERR_NAME_CONSTRAINTS']);
    const fine = {
      subjectAltName: null,
      subject: nameDer([
        [OID.commonName, 'Legacy'],
        [OID.emailAddress, 'legacy@example.com'],
      ]),
    };
    expect((await check(host, fine)).trusted).toBe(true);
  });

  it('directoryName subtrees hold the names that start with them, compared without case or string type', async () => {
    const base = printableName([
      [OID.organizationName, 'Example Corp'],
      [OID.organizationalUnitName, 'Mail'],
    ]);
    const inside = nameDer([
      [OID.organizationName, 'example  corp'],
      [OID.organizationalUnitName, 'MAIL'],
      [OID.commonName, 'Alice'],
    ]);
    const outside = nameDer([
      [OID.organizationName, 'Example Corp'],
      [OID.organizationalUnitName, 'Sales'],
      [OID.commonName, 'Bob'],
    ]);
    expect((await check({ permitted: [general.directory(base)] }, { subject: inside })).trusted).toBe(true);
    expect((await check({ permitted: [general.directory(base)] }, { subject: outside })).errors).toEqual([
      { code: 'ERR_NAME_CONSTRAINTS', message: 'the name "CN=Bob,OU=Sales,O=Example Corp" in "CN=Bob,OU=Sales,O=Example Corp" is not permitted by the name constraints of "CN=Constrained CA"' },
    ]);
    expect(codes(await check({ excluded: [general.directory(base)] }, { subject: inside }))).toEqual(['ERR_NAME_CONSTRAINTS']);
    expect((await check({ excluded: [general.directory(base)] }, { subject: outside })).trusted).toBe(true);
    // A directoryName in subjectAltName is held to the same subtrees.
    expect(codes(await check({ permitted: [general.directory(base)] }, { subject: inside, ...san(general.email('a@example.com'), general.directory(outside)) }))).toEqual(['ERR_NAME_CONSTRAINTS']);
  });

  it('checks dNSName and iPAddress entries of subjectAltName', async () => {
    const dns = { permitted: [general.dns('example.com')] };
    expect((await check(dns, san(general.email('a@x.test'), general.dns('www.example.com')))).trusted).toBe(true);
    expect(codes(await check(dns, san(general.dns('example.com.evil.test'))))).toEqual(['ERR_NAME_CONSTRAINTS']);
    const net = { permitted: [general.ip(192, 0, 2, 0, 255, 255, 255, 0)] };
    expect((await check(net, san(general.ip(192, 0, 2, 7)))).trusted).toBe(true);
    expect((await check(net, san(general.ip(198, 51, 100, 7)))).errors[0]?.message).toContain('the IP address 198.51.100.7');
  });

  it('refuses a name of a form it does not process when an issuer constrains that form', async () => {
    const uri = { permitted: [general.email('example.com'), general.uri('.example.com')] };
    expect((await check(uri, { email: 'a@example.com' })).trusted).toBe(true);
    expect((await check(uri, san(general.email('a@example.com'), general.uri('https://www.example.com/')))).errors).toEqual([
      { code: 'ERR_NAME_CONSTRAINTS', message: 'the name constraints of "CN=Constrained CA" constrain uniformResourceIdentifier names, which Sealpost does not process, and "CN=Leaf" has one' },
    ]);
  });

  it('refuses a subtree with a maximum, which RFC 5280 forbids', async () => {
    const bounded: ExtensionSpec = {
      oid: OID.nameConstraints,
      critical: true,
      value: sequence(implicitConstructed(0, sequence(general.email('example.com'), implicitPrimitive(1, Uint8Array.of(1))))),
    };
    const ca = await issue('Bounded CA', { ca: true, issuer: root, extra: [bounded] });
    const leaf = await issue('Leaf', { issuer: ca, email: 'a@example.com' });
    const result = await buildChain(leaf.der, { intermediates: [ca.der], anchors: [root.der], now: NOW, backend, purpose: 'smime-sign' });
    expect(codes(result)).toEqual(['ERR_NAME_CONSTRAINTS']);
  });

  it("binds every certificate below the constrained CA, under the anchor's own constraints too", async () => {
    const constrainedRoot = await issue('Constrained Root', { ca: true, extra: [nameConstraints({ permitted: [general.email('example.com')] })] });
    const sub = await issue('Sub CA', { ca: true, issuer: constrainedRoot });
    const inside = await issue('Inside', { issuer: sub, email: 'a@example.com' });
    const outside = await issue('Outside', { issuer: sub, email: 'a@evil.test' });
    const opts = { intermediates: [sub.der], anchors: [constrainedRoot.der], now: NOW, backend, purpose: 'smime-sign' } as const;
    expect((await buildChain(inside.der, opts)).trusted).toBe(true);
    expect(codes(await buildChain(outside.der, opts))).toEqual(['ERR_NAME_CONSTRAINTS']);
  });
});

describe('buildChain: the algorithm policy on every certificate', () => {
  let root: Cert;
  const backend = webCryptoBackend();
  const legacy = { refusedDigests: [], minRsaBits: 1024, minRsaExponent: 3n } as const;
  const opts = (intermediates: Uint8Array[], anchor: Cert, extra: Partial<BuildChainOptions> = {}): BuildChainOptions => ({
    intermediates,
    anchors: [anchor.der],
    now: NOW,
    backend,
    purpose: 'smime-sign',
    ...extra,
  });

  beforeAll(async () => {
    root = await issue('Policy Root', { ca: true });
  });

  it('refuses a SHA-1 certificate signature anywhere below the anchor, unless the policy allows it', async () => {
    const sha1Intermediate = await issue('SHA-1 CA', { ca: true, issuer: root, ecdsaHash: 'SHA-1' });
    const leaf = await issue('Leaf', { issuer: sha1Intermediate });
    const result = await buildChain(leaf.der, opts([sha1Intermediate.der], root));
    expect(result.trusted).toBe(false);
    expect(result.errors).toEqual([{ code: 'ERR_WEAK_DIGEST', message: 'certificate "CN=SHA-1 CA" is signed with sha-1, which the policy refuses' }]);
    expect((await buildChain(leaf.der, opts([sha1Intermediate.der], root, { policy: legacy }))).trusted).toBe(true);
    const sha1Leaf = await issue('SHA-1 Leaf', { issuer: root, ecdsaHash: 'SHA-1' });
    expect(codes(await buildChain(sha1Leaf.der, opts([], root)))).toEqual(['ERR_WEAK_DIGEST']);
  });

  it("does not judge a trust anchor's own self-signature", async () => {
    const sha1Root = await issue('SHA-1 Root', { ca: true, ecdsaHash: 'SHA-1' });
    const leaf = await issue('Leaf', { issuer: sha1Root });
    expect((await buildChain(leaf.der, opts([], sha1Root))).trusted).toBe(true);
  });

  it('refuses an RSA-1024 intermediate or anchor, unless the policy allows it', async () => {
    const weak = await rsaKeyPair(1024);
    const weakIntermediate = await issue('RSA-1024 CA', { ca: true, issuer: root, keys: weak });
    const leaf = await issue('Leaf', { issuer: weakIntermediate });
    expect((await buildChain(leaf.der, opts([weakIntermediate.der], root))).errors).toEqual([
      { code: 'ERR_WEAK_KEY', message: 'issuer "CN=RSA-1024 CA" has an RSA key of 1024 bits, under the policy minimum of 2048' },
    ]);
    expect((await buildChain(leaf.der, opts([weakIntermediate.der], root, { policy: legacy }))).trusted).toBe(true);
    const weakRoot = await issue('RSA-1024 Root', { ca: true, keys: weak });
    const underWeakRoot = await issue('Under Weak Root', { issuer: weakRoot });
    expect(codes(await buildChain(underWeakRoot.der, opts([], weakRoot)))).toEqual(['ERR_WEAK_KEY']);
  });
});

describe('buildChain: maximum path length', () => {
  it('stops at 16 certificates by default with ERR_CHAIN_TOO_LONG; the limit is the caller’s', async () => {
    const root = await issue('Deep Root', { ca: true });
    const cas: Cert[] = [root];
    for (let i = 1; i <= 15; i++) cas.push(await issue(`Deep CA ${i}`, { ca: true, issuer: cas[i - 1]! }));
    const leaf = await issue('Deep Leaf', { issuer: cas[15]! });
    const base = { intermediates: cas.slice(1).map((ca) => ca.der), now: NOW, backend: webCryptoBackend(), purpose: 'smime-sign' } as const;
    // 17 certificates from the leaf to the root.
    const tooLong = await buildChain(leaf.der, { ...base, anchors: [root.der] });
    expect(tooLong.trusted).toBe(false);
    expect(tooLong.errors).toEqual([{ code: 'ERR_CHAIN_TOO_LONG', message: 'no chain from "CN=Deep Leaf" to a trust anchor within 16 certificates (the maximum path length)' }]);
    expect((await buildChain(leaf.der, { ...base, anchors: [root.der], maxLength: 17 })).trusted).toBe(true);
    // 16 certificates from the leaf to the first intermediate.
    expect((await buildChain(leaf.der, { ...base, anchors: [cas[1]!.der] })).trusted).toBe(true);
  });
});

describe('buildChain: X.509 v1 certificates', () => {
  it('accepts a v1 trust anchor as a CA, never a v1 intermediate', async () => {
    const v1Root = await issue('V1 Root', { version: 1 });
    expect(parseCertificateDetails(v1Root.der).version).toBe(0);
    const leaf = await issue('Under V1', { issuer: v1Root, authorityKeyId: null });
    const opts = { intermediates: [], anchors: [v1Root.der], now: NOW, backend: webCryptoBackend(), purpose: 'smime-sign' } as const;
    expect(await buildChain(leaf.der, opts)).toEqual({ trusted: true, chain: [leaf.der, v1Root.der], errors: [] });

    const v1Intermediate = await issue('V1 Intermediate', { version: 1, issuer: v1Root });
    const underIntermediate = await issue('Under V1 Intermediate', { issuer: v1Intermediate, authorityKeyId: null });
    const result = await buildChain(underIntermediate.der, { ...opts, intermediates: [v1Intermediate.der] });
    expect(result.errors).toEqual([{ code: 'ERR_CERTIFICATE_USAGE', message: 'issuer "CN=V1 Intermediate" is not a CA (basicConstraints)' }]);
  });
});

/** An RSA key pair of `bits` (generateKeyPair makes 2048 bits and up only). */
async function rsaKeyPair(bits: number): Promise<TestKeyPair> {
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  const pair = (await globalThis.crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await globalThis.crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const spki = new Uint8Array(await globalThis.crypto.subtle.exportKey('spki', pair.publicKey));
  return { keyType: 'rsa-2048', privateKey: pair.privateKey, pkcs8, spki };
}
