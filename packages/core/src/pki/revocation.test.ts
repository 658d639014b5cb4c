import { createHash, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { once } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { algorithmIdentifier, bitString, boolean, explicit, implicitConstructed, implicitPrimitive, integer, nullValue, octetString, oid, sequence, tlv, unsignedInteger } from '../asn1/der-writer.js';
import { OID } from '../asn1/oids.js';
import { checkCertificateSignature } from '../backend-kit/verify-signed-data.js';
import type { VerifyPrimitives } from '../backend-kit/primitives.js';
import { utf8Encode } from '../bytes.js';
import { parseCertificate } from './certificate.js';
import { DEFAULT_CHAIN_POLICY } from './chain.js';
import { createRevocationCache } from './revocation-cache.js';
import { type CheckRevocationOptions, type RevocationCheck, checkRevocation, readGivenCrls, resolveRevocationSettings, revocationFindings, revocationStatusOf } from './revocation.js';
import { readCrlDistributionPoints } from './revocation-pointers.js';
import { decodeAsn1 } from '../asn1/shape.js';
import {
  authorityKeyIdentifier,
  basicConstraints,
  type ExtensionSpec,
  extendedKeyUsage,
  generateKeyPair,
  keyIdentifier,
  keyUsage,
  nameDer,
  signCertificate,
  subjectAltNameEmail,
  subjectKeyIdentifier,
  type TestKeyPair,
} from './testcert.js';

/*
 * The revocation rules one by one, on CRLs and OCSP responses built here and signed with node:crypto,
 * so each breaks exactly one rule; fetched answers come from a node:http server on loopback. The
 * openssl-made PKI with a real `openssl ocsp` responder runs in the conformance suite on every backend.
 */

const NOW = new Date();
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

/** A backend made of core's certificate-signature rule over node:crypto, as the openssl backend's is. */
const primitives: VerifyPrimitives = {
  digest: (algorithm, data) => new Uint8Array(createHash(algorithm.replace('-', '')).update(data).digest()),
  verifySignature: (check) =>
    nodeVerify(check.params.hash.replace('-', ''), check.data, { key: createPublicKey({ key: Buffer.from(check.spki), format: 'der', type: 'spki' }), dsaEncoding: 'der' }, check.signature),
};
const backend: CheckRevocationOptions['backend'] = {
  verifyCertificateSignature: (request) => checkCertificateSignature(primitives, request),
  digest: async ({ algorithm, data }) => primitives.digest(algorithm, data),
};

interface Party {
  readonly der: Uint8Array;
  readonly name: Uint8Array;
  readonly keys: TestKeyPair;
}

async function issue(cn: string, issuer: Party | null, extensions: readonly ExtensionSpec[], keys?: TestKeyPair, signingKeys?: TestKeyPair): Promise<Party> {
  const own = keys ?? (await generateKeyPair('ec-p256'));
  const name = nameDer([[OID.commonName, cn]]);
  const signer = signingKeys ?? issuer?.keys ?? own;
  const der = await signCertificate(
    {
      subject: name,
      issuer: issuer?.name ?? name,
      spki: own.spki,
      notBefore: new Date(NOW.getTime() - 365 * DAY),
      notAfter: new Date(NOW.getTime() + 365 * DAY),
      extensions: [subjectKeyIdentifier(keyIdentifier(own.spki)), ...(issuer === null ? [] : [authorityKeyIdentifier(keyIdentifier(issuer.keys.spki))]), ...extensions],
    },
    signer.privateKey,
    'ec-p256',
  );
  return { der, name, keys: own };
}

function signWith(keys: TestKeyPair, tbs: Uint8Array, hash: 'sha256' | 'sha1' = 'sha256'): Uint8Array {
  const key = createPrivateKey({ key: Buffer.from(keys.pkcs8), format: 'der', type: 'pkcs8' });
  return new Uint8Array(nodeSign(hash, tbs, { key, dsaEncoding: 'der' }));
}

const ecdsaSha256 = algorithmIdentifier(OID.ecdsaWithSha256);
const generalizedTime = (date: Date): Uint8Array => tlv(0x18, utf8Encode(`${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`));
const extension = (id: string, value: Uint8Array, critical = false): Uint8Array => (critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value)));
const serialOf = (certificate: Uint8Array): Uint8Array => {
  const hex = parseCertificate(certificate).serial;
  return unsignedInteger(Uint8Array.from(Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex')));
};

interface CrlSpec {
  readonly issuer: Party;
  readonly signer?: TestKeyPair;
  readonly revoked?: readonly { readonly certificate: Uint8Array; readonly at: Date; readonly entryExtensions?: readonly Uint8Array[] }[];
  readonly thisUpdate?: Date;
  readonly nextUpdate?: Date | null;
  readonly extensions?: readonly Uint8Array[];
  readonly hash?: 'sha1';
}

function makeCrl(spec: CrlSpec): Uint8Array {
  const algorithm = spec.hash === 'sha1' ? algorithmIdentifier(OID.ecdsaWithSha1) : ecdsaSha256;
  const entries = (spec.revoked ?? []).map((r) => sequence(serialOf(r.certificate), generalizedTime(r.at), ...(r.entryExtensions === undefined ? [] : [sequence(...r.entryExtensions)])));
  const nextUpdate = spec.nextUpdate === undefined ? new Date(NOW.getTime() + DAY) : spec.nextUpdate;
  const tbs = sequence(
    integer(1),
    algorithm,
    spec.issuer.name,
    generalizedTime(spec.thisUpdate ?? new Date(NOW.getTime() - HOUR)),
    ...(nextUpdate === null ? [] : [generalizedTime(nextUpdate)]),
    ...(entries.length === 0 ? [] : [sequence(...entries)]),
    ...(spec.extensions === undefined ? [] : [explicit(0, sequence(...spec.extensions))]),
  );
  return sequence(tbs, algorithm, bitString(signWith(spec.signer ?? spec.issuer.keys, tbs, spec.hash ?? 'sha256')));
}

interface OcspSpec {
  /** The certificate the answer is about, and its issuer (for the CertID). */
  readonly about: Uint8Array;
  readonly issuer: Party;
  /** Who signs; default the issuer. */
  readonly responder?: Party;
  readonly byKey?: boolean;
  readonly certs?: readonly Uint8Array[];
  readonly status?: 'good' | 'unknown' | { readonly revokedAt: Date };
  readonly thisUpdate?: Date;
  readonly nextUpdate?: Date | null;
  readonly singleExtensions?: readonly Uint8Array[];
  readonly signingKeys?: TestKeyPair;
}

function keyBits(spki: Uint8Array): Uint8Array {
  const node = decodeAsn1(spki, 'spki').children[1];
  return node === undefined ? new Uint8Array(0) : node.contents.subarray(1);
}

function makeOcspResponse(spec: OcspSpec): Uint8Array {
  const sha1 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha1').update(data).digest());
  const certId = sequence(algorithmIdentifier(OID.sha1, nullValue()), octetString(sha1(spec.issuer.name)), octetString(sha1(keyBits(spec.issuer.keys.spki))), serialOf(spec.about));
  const status = spec.status ?? 'good';
  const certStatus =
    status === 'good' ? implicitPrimitive(0, new Uint8Array(0)) : status === 'unknown' ? implicitPrimitive(2, new Uint8Array(0)) : implicitConstructed(1, generalizedTime(status.revokedAt));
  const nextUpdate = spec.nextUpdate === undefined ? new Date(NOW.getTime() + DAY) : spec.nextUpdate;
  const single = sequence(
    certId,
    certStatus,
    generalizedTime(spec.thisUpdate ?? new Date(NOW.getTime() - 60_000)),
    ...(nextUpdate === null ? [] : [explicit(0, generalizedTime(nextUpdate))]),
    ...(spec.singleExtensions === undefined ? [] : [explicit(1, sequence(...spec.singleExtensions))]),
  );
  const responder = spec.responder ?? spec.issuer;
  const responderId = spec.byKey === true ? explicit(2, octetString(sha1(keyBits(responder.keys.spki)))) : explicit(1, responder.name);
  const tbs = sequence(responderId, generalizedTime(new Date(NOW.getTime() - 30_000)), sequence(single));
  const signature = signWith(spec.signingKeys ?? responder.keys, tbs);
  const basic = sequence(tbs, ecdsaSha256, bitString(signature), ...(spec.certs === undefined ? [] : [explicit(0, sequence(...spec.certs))]));
  return sequence(tlv(0x0a, Uint8Array.of(0)), explicit(0, sequence(oid(OID.pkixOcspBasic), octetString(basic))));
}

/** A loopback server whose answer each test sets. */
let server: Server;
let base = '';
let handler: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => response.writeHead(404).end();
let requests = 0;
let lastRequest: { method: string; contentType: string; body: Buffer } = { method: '', contentType: '', body: Buffer.alloc(0) };

let root: Party;
let ca: Party;
let leaf: Party;
let otherCa: Party;

function aia(url: string): ExtensionSpec {
  return { oid: OID.authorityInfoAccess, critical: false, value: sequence(sequence(oid(OID.ocsp), implicitPrimitive(6, utf8Encode(url)))) };
}
function crlDp(url: string): ExtensionSpec {
  return { oid: OID.cRLDistributionPoints, critical: false, value: sequence(sequence(explicit(0, implicitConstructed(0, implicitPrimitive(6, utf8Encode(url)))))) };
}
const leafExtensions = (pointers: readonly ExtensionSpec[]): ExtensionSpec[] => [
  basicConstraints(false),
  keyUsage(['digitalSignature']),
  extendedKeyUsage([OID.emailProtection]),
  subjectAltNameEmail('alice@example.com'),
  ...pointers,
];

beforeAll(async () => {
  server = createServer((request, response) => {
    requests++;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      lastRequest = { method: request.method ?? '', contentType: request.headers['content-type'] ?? '', body: Buffer.concat(chunks) };
      handler(request, response);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  root = await issue('Root', null, [basicConstraints(true), keyUsage(['keyCertSign', 'cRLSign'])]);
  ca = await issue('CA', root, [basicConstraints(true), keyUsage(['keyCertSign', 'cRLSign'])]);
  otherCa = await issue('Other CA', root, [basicConstraints(true), keyUsage(['keyCertSign', 'cRLSign'])]);
  leaf = await issue('Alice', ca, leafExtensions([aia(`${base}/ocsp`), crlDp(`${base}/crl`)]));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function serve(body: Uint8Array, status = 200): void {
  handler = (_request, response) => response.writeHead(status, { 'content-length': body.length }).end(body);
}

/** Checks the leaf (and only the leaf: the CA is the anchor here) the way verify does. */
async function check(
  options: { crls?: Uint8Array[]; now?: Date; leafDer?: Uint8Array; timeoutMs?: number; maxResponseBytes?: number; signal?: AbortSignal; cache?: false } = {},
): Promise<RevocationCheck> {
  const settings = resolveRevocationSettings({
    cache: options.cache ?? false,
    timeoutMs: options.timeoutMs ?? 2000,
    ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
  });
  const [result] = await checkRevocation({
    path: [options.leafDer ?? leaf.der, ca.der],
    crls: readGivenCrls(options.crls),
    now: options.now ?? NOW,
    backend,
    policy: DEFAULT_CHAIN_POLICY,
    settings,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (result === undefined) throw new Error('no answer');
  return result;
}

const problems = (result: RevocationCheck): string => (result.problems ?? []).join(' | ');

describe('CRLs (RFC 5280 6.3.3)', () => {
  it('a CRL of the issuer that lists the certificate says revoked, with the reason; one that does not, good', async () => {
    handler = (_request, response) => response.writeHead(503).end();
    const reason = extension(OID.cRLReasons, tlv(0x0a, Uint8Array.of(1)));
    const revokedAt = new Date(NOW.getTime() - 2 * HOUR);
    const revoked = await check({ crls: [makeCrl({ issuer: ca, revoked: [{ certificate: leaf.der, at: revokedAt, entryExtensions: [reason] }] })] });
    expect(revoked).toMatchObject({ status: 'revoked', source: 'crl', reason: 'keyCompromise', revokedAt: new Date(Math.floor(revokedAt.getTime() / 1000) * 1000).toISOString() });
    expect(revoked.url).toBeUndefined();
    expect(await check({ crls: [makeCrl({ issuer: ca })] })).toMatchObject({ status: 'good', source: 'crl' });
  });

  it('revoked after the verification time is good at that time', async () => {
    const crl = makeCrl({ issuer: ca, revoked: [{ certificate: leaf.der, at: new Date(NOW.getTime() - HOUR / 2) }], thisUpdate: new Date(NOW.getTime() - 2 * HOUR) });
    expect((await check({ crls: [crl], now: new Date(NOW.getTime() - HOUR) })).status).toBe('good');
  });

  const unusable: [string, () => Uint8Array, string][] = [
    ['a critical extension not processed', () => makeCrl({ issuer: ca, extensions: [extension('1.2.3.4', nullValue(), true)] }), 'critical'],
    ['a delta CRL', () => makeCrl({ issuer: ca, extensions: [extension(OID.deltaCRLIndicator, integer(1), true)] }), 'critical'],
    ['a partitioned CRL (issuingDistributionPoint)', () => makeCrl({ issuer: ca, extensions: [extension(OID.issuingDistributionPoint, sequence(), true)] }), 'critical'],
    [
      'an indirect CRL entry (certificateIssuer)',
      () => makeCrl({ issuer: ca, revoked: [{ certificate: root.der, at: NOW, entryExtensions: [extension(OID.certificateIssuer, sequence(), true)] }] }),
      'critical',
    ],
    ['no nextUpdate', () => makeCrl({ issuer: ca, nextUpdate: null }), 'nextUpdate'],
    ['nextUpdate before the verification time', () => makeCrl({ issuer: ca, thisUpdate: new Date(NOW.getTime() - 3 * DAY), nextUpdate: new Date(NOW.getTime() - DAY) }), 'expired'],
    ['thisUpdate after the verification time', () => makeCrl({ issuer: ca, thisUpdate: new Date(NOW.getTime() + HOUR) }), 'after the verification time'],
    // Not about this certificate at all: the checker goes on to the servers, which fail here.
    ['a CRL of another issuer', () => makeCrl({ issuer: otherCa }), 'answered HTTP 503'],
    ["the issuer's name, another key", () => makeCrl({ issuer: ca, signer: otherCa.keys }), 'signature'],
    ['a SHA-1 signature under the default policy', () => makeCrl({ issuer: ca, hash: 'sha1' }), 'sha-1'],
  ];
  it.each(unusable)('%s is no answer', async (_name, crl, why) => {
    handler = (_request, response) => response.writeHead(503).end();
    const result = await check({ crls: [crl()] });
    expect(result.status).toBe('unknown');
    expect(problems(result)).toContain(why);
  });

  it('an issuer whose keyUsage leaves out cRLSign cannot sign a CRL', async () => {
    const noCrlSign = await issue('CA', root, [basicConstraints(true), keyUsage(['keyCertSign'])], ca.keys);
    const result = await checkRevocation({
      path: [leaf.der, noCrlSign.der],
      crls: readGivenCrls([makeCrl({ issuer: ca })]),
      now: NOW,
      backend,
      policy: DEFAULT_CHAIN_POLICY,
      settings: resolveRevocationSettings({ cache: false, fetch: () => Promise.reject(new TypeError('offline')) }),
    });
    expect(result[0]?.status).toBe('unknown');
    expect(problems(result[0] as RevocationCheck)).toContain('cRLSign');
  });

  it('an unreadable CRL from the caller is ERR_CRL_MALFORMED; more than 64 is ERR_INVALID_ARGUMENT', () => {
    expect(() => readGivenCrls([Uint8Array.of(0x30, 0x00)])).toThrow(expect.objectContaining({ code: 'ERR_CRL_MALFORMED' }));
    const crl = makeCrl({ issuer: ca });
    expect(() => readGivenCrls(Array.from({ length: 65 }, () => crl))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });

  it('a distribution point limited to some reasons or naming a cRLIssuer is not taken as the CRL', () => {
    const uri = implicitPrimitive(6, utf8Encode('http://example.test/full.crl'));
    const point = (...extra: Uint8Array[]): Uint8Array => sequence(explicit(0, implicitConstructed(0, uri)), ...extra);
    const value = (...points: Uint8Array[]): ReturnType<typeof decodeAsn1> => decodeAsn1(sequence(...points), 'CRLDistributionPoints');
    expect(readCrlDistributionPoints(value(point()))).toEqual(['http://example.test/full.crl']);
    expect(readCrlDistributionPoints(value(point(implicitPrimitive(1, Uint8Array.of(0x07, 0x80)))))).toEqual([]);
    expect(readCrlDistributionPoints(value(point(implicitConstructed(2, uri))))).toEqual([]);
  });
});

describe('OCSP (RFC 6960)', () => {
  it('an answer signed by the issuer, named by name or by key hash, says good or revoked', async () => {
    serve(makeOcspResponse({ about: leaf.der, issuer: ca }));
    expect(await check()).toEqual({ subject: 'CN=Alice', serial: parseCertificate(leaf.der).serial, status: 'good', source: 'ocsp', url: `${base}/ocsp` });
    serve(makeOcspResponse({ about: leaf.der, issuer: ca, byKey: true, status: { revokedAt: new Date(NOW.getTime() - HOUR) } }));
    expect(await check()).toMatchObject({ status: 'revoked', source: 'ocsp' });
  });

  it('the request is a POST of the CertID for this certificate', async () => {
    let ocspRequest = lastRequest;
    handler = (request, response) => {
      if (request.url === '/ocsp') ocspRequest = lastRequest;
      response.writeHead(503).end();
    };
    await check();
    expect({ method: ocspRequest.method, contentType: ocspRequest.contentType }).toEqual({ method: 'POST', contentType: 'application/ocsp-request' });
    expect(ocspRequest.body.toString('hex')).toContain(parseCertificate(leaf.der).serial);
  });

  it('a delegated responder issued by the CA with id-kp-OCSPSigning may answer', async () => {
    const responder = await issue('Responder', ca, [keyUsage(['digitalSignature']), extendedKeyUsage([OID.OCSPSigning])]);
    serve(makeOcspResponse({ about: leaf.der, issuer: ca, responder, certs: [responder.der] }));
    expect((await check()).status).toBe('good');
  });

  const refused: [string, () => Promise<Uint8Array>, string][] = [
    [
      'a responder certificate without id-kp-OCSPSigning',
      async () => {
        const responder = await issue('Responder', ca, [keyUsage(['digitalSignature']), extendedKeyUsage([OID.emailProtection])]);
        return makeOcspResponse({ about: leaf.der, issuer: ca, responder, certs: [responder.der] });
      },
      'OCSPSigning',
    ],
    [
      'a responder certificate issued by another CA',
      async () => {
        const responder = await issue('Responder', otherCa, [extendedKeyUsage([OID.OCSPSigning])]);
        return makeOcspResponse({ about: leaf.der, issuer: ca, responder, certs: [responder.der] });
      },
      'not issued by',
    ],
    ['a responder that sends no certificate', async () => makeOcspResponse({ about: leaf.der, issuer: ca, responder: otherCa }), 'neither the issuer'],
    ["the issuer's name, another key", async () => makeOcspResponse({ about: leaf.der, issuer: ca, signingKeys: otherCa.keys }), 'signature'],
    ['an answer about another certificate', async () => makeOcspResponse({ about: otherCa.der, issuer: ca }), 'another certificate'],
    ['the responder does not know the certificate', async () => makeOcspResponse({ about: leaf.der, issuer: ca, status: 'unknown' }), 'does not know'],
    ['an expired answer', async () => makeOcspResponse({ about: leaf.der, issuer: ca, thisUpdate: new Date(NOW.getTime() - 3 * DAY), nextUpdate: new Date(NOW.getTime() - DAY) }), 'expired'],
    ['an answer from the future', async () => makeOcspResponse({ about: leaf.der, issuer: ca, thisUpdate: new Date(NOW.getTime() + HOUR) }), 'after the verification time'],
    ['an old answer without nextUpdate', async () => makeOcspResponse({ about: leaf.der, issuer: ca, thisUpdate: new Date(NOW.getTime() - 2 * HOUR), nextUpdate: null }), 'no nextUpdate'],
    ['a critical extension', async () => makeOcspResponse({ about: leaf.der, issuer: ca, singleExtensions: [extension('1.2.3.4', nullValue(), true)] }), 'critical'],
    ['a refusal (tryLater)', async () => sequence(tlv(0x0a, Uint8Array.of(3))), 'tryLater'],
    ['bytes that are no OCSP response', async () => utf8Encode('<html>captive portal</html>'), 'malformed'],
  ];
  it.each(refused)('%s is no answer', async (_name, body, why) => {
    serve(await body());
    const result = await check();
    expect(result.status).toBe('unknown');
    expect(problems(result)).toContain(why);
  });
});

describe('fetching', () => {
  it('an answer over the size limit is cut off and no answer', async () => {
    handler = (_request, response) => {
      response.writeHead(200);
      response.write(new Uint8Array(4096));
      response.end(new Uint8Array(4096));
    };
    expect(problems(await check({ maxResponseBytes: 1024 }))).toContain('limit of 1024 bytes');
  });

  it('a server that does not answer is given up after the timeout', async () => {
    handler = () => undefined;
    const started = Date.now();
    const result = await check({ timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(problems(result)).toContain('did not answer within 300 ms');
  });

  it('redirects are not followed, and only http: URLs are fetched', async () => {
    requests = 0;
    handler = (_request, response) => response.writeHead(302, { location: 'http://example.test/' }).end();
    expect(problems(await check())).toContain('could not be fetched');
    expect(requests).toBe(2);
    const elsewhere = await issue('Alice', ca, leafExtensions([aia('https://ocsp.example.test/'), crlDp('ldap://ldap.example.test/cn=CA')]), leaf.keys);
    requests = 0;
    const result = await check({ leafDer: elsewhere.der });
    expect(problems(result)).toContain('https://ocsp.example.test/ is not an http: URL');
    expect(problems(result)).toContain('ldap://ldap.example.test/cn=CA is not an http: URL');
    expect(requests).toBe(0);
  });

  it("the caller's signal aborts the check with ERR_ABORTED", async () => {
    handler = () => undefined;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(check({ signal: controller.signal, timeoutMs: 5000 })).rejects.toMatchObject({ code: 'ERR_ABORTED' });
  });

  it('a certificate without pointers and without a CRL for it has no answer, and says so', async () => {
    const bare = await issue('Alice', ca, leafExtensions([]), leaf.keys);
    expect(problems(await check({ leafDer: bare.der }))).toContain('names no OCSP responder or CRL distribution point');
  });
});

describe('findings and status', () => {
  const good: RevocationCheck = { subject: 'CN=a', serial: '1', status: 'good', source: 'crl' };
  const unknown: RevocationCheck = { subject: 'CN=b', serial: '2', status: 'unknown', problems: ['x'] };
  const revoked: RevocationCheck = { subject: 'CN=c', serial: '3', status: 'revoked', source: 'ocsp', url: 'http://r', revokedAt: '2026-01-01T00:00:00.000Z', reason: 'keyCompromise' };
  it('revoked always, unknown only under hard-fail', () => {
    expect(revocationFindings([good, unknown], 'soft-fail')).toEqual([]);
    expect(revocationFindings([good, unknown], 'hard-fail').map((f) => f.code)).toEqual(['ERR_REVOCATION_UNKNOWN']);
    expect(revocationFindings([revoked], 'soft-fail').map((f) => f.code)).toEqual(['ERR_CERTIFICATE_REVOKED']);
  });
  it('the path is revoked if any certificate is, unknown if any is unanswered', () => {
    expect([revocationStatusOf([good, unknown, revoked]), revocationStatusOf([good, unknown]), revocationStatusOf([good]), revocationStatusOf(null)]).toEqual([
      'revoked',
      'unknown',
      'good',
      'not-checked',
    ]);
  });
});

describe('the cache', () => {
  it('keeps answers until they expire, within its entry and byte bounds', () => {
    const cache = createRevocationCache({ maxEntries: 2, maxBytes: 10 });
    cache.set('a', new Uint8Array(4), 1000);
    cache.set('b', new Uint8Array(4), 1000);
    expect(cache.get('a', 0)?.length).toBe(4);
    cache.set('c', new Uint8Array(4), 1000); // evicts b, the least recently used
    expect([cache.get('a', 0) !== undefined, cache.get('b', 0) !== undefined, cache.get('c', 0) !== undefined]).toEqual([true, false, true]);
    expect(cache.get('a', 1000)).toBeUndefined();
    cache.set('big', new Uint8Array(11), 1000);
    expect(cache.get('big', 0)).toBeUndefined();
  });

  it('a second check of the same certificate makes no request until nextUpdate', async () => {
    serve(makeOcspResponse({ about: leaf.der, issuer: ca }));
    const settings = resolveRevocationSettings({ timeoutMs: 2000 });
    const run = () => checkRevocation({ path: [leaf.der, ca.der], crls: [], now: NOW, backend, policy: DEFAULT_CHAIN_POLICY, settings });
    requests = 0;
    expect((await run())[0]?.status).toBe('good');
    expect((await run())[0]?.status).toBe('good');
    expect(requests).toBe(1);
  });

  it('an answer without nextUpdate is not kept', async () => {
    serve(makeOcspResponse({ about: leaf.der, issuer: ca, nextUpdate: null }));
    const settings = resolveRevocationSettings({ timeoutMs: 2000 });
    const run = () => checkRevocation({ path: [leaf.der, ca.der], crls: [], now: NOW, backend, policy: DEFAULT_CHAIN_POLICY, settings });
    requests = 0;
    await run();
    await run();
    expect(requests).toBe(2);
  });
});

describe('settings', () => {
  it('wrong settings are programmer mistakes', () => {
    expect(() => resolveRevocationSettings({ timeoutMs: 0 })).toThrow(RangeError);
    expect(() => resolveRevocationSettings({ maxResponseBytes: 1.5 })).toThrow(RangeError);
    expect(() => resolveRevocationSettings({ fetch: 'x' as unknown as typeof fetch })).toThrow(TypeError);
  });
});
