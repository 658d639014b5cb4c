/**
 * PKCS#12 (RFC 7292) identities: reading what OpenSSL 3, NSS, Windows and macOS write, with PBES2 bags
 * or the legacy PKCS#12 PBE ones (3DES, RC2; `openssl pkcs12 -legacy`), and writing PBES2 /
 * PBKDF2-HMAC-SHA256 / AES-256-CBC with an HMAC-SHA256 MAC.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { SealpostError } from '../errors.js';
import type { BerNode } from '../asn1/ber-reader.js';
import { isContext } from '../asn1/accessors.js';
import { at, decodeAsn1, expectExplicit, expectOctetString, expectOctets, expectOid, expectSequence, expectSet, expectSmallInteger, readAs, shapeError, stringOf } from '../asn1/shape.js';
import { bytesEqual, constantTimeEqual, randomBytes, utf8Encode } from '../bytes.js';
import { parseCertificate } from './certificate.js';
import { algorithmIdentifier, bmpString, explicit, implicitPrimitive, integer, nullValue, octetString, oid, sequence, setOf as derSetOf } from '../asn1/der-writer.js';
import { keyMatchesCertificate, type Pkcs8PrivateKey } from './keys.js';
import { LEGACY_PBE_NAMES, OID } from '../asn1/oids.js';
import { DecryptionFailed, encryptPrivateKeyInfo, MAX_ITERATIONS, pbeDecrypt, pbes2Encrypt, readEncryptedPrivateKeyInfo, UnsupportedEncryption } from './pbes2.js';
import { bmpPassword, macHash, pkcs12Mac } from './pkcs12-kdf.js';
import { isPkcs12Pbe, pkcs12PbeDecrypt } from './pkcs12-pbe.js';
import { readPkcs8 } from './pkcs8.js';

export interface Pkcs12Identity {
  readonly certificate: Uint8Array;
  readonly privateKey: Pkcs8PrivateKey;
  /** The other certificates in the file, issuer order from the leaf where it can be told. */
  readonly chain: Uint8Array[];
  /** friendlyName of the key or its certificate, if the file names it. */
  readonly friendlyName: string | null;
}

export interface WritePkcs12Options {
  /** PBKDF2 and MAC iteration count; at least 2048. Default 100000. */
  readonly iterations?: number;
  /** Default: the certificate's first e-mail address, else its subject. */
  readonly friendlyName?: string;
}

export const DEFAULT_PKCS12_ITERATIONS = 100_000;
const MIN_ITERATIONS = 2048;
const PASSWORD_MESSAGE = 'wrong passphrase or corrupted PKCS#12';
const MALFORMED_MESSAGE = 'PKCS#12 is malformed';
const MAX_NESTING = 4;

interface Bag {
  readonly kind: 'key' | 'certificate';
  readonly der: Uint8Array;
  readonly localKeyId: Uint8Array | null;
  readonly friendlyName: string | null;
}

function passwordError(): SealpostError {
  return new SealpostError('ERR_PKCS12_PASSWORD', PASSWORD_MESSAGE);
}

function unsupported(what: string): SealpostError {
  return new SealpostError('ERR_UNSUPPORTED_PKCS12', `PKCS#12 uses ${what}, which Sealpost cannot read`);
}

/** Reads the identity in a PKCS#12 file. The MAC is checked before anything is decrypted. */
export async function readPkcs12(bytes: Uint8Array, password: string): Promise<Pkcs12Identity> {
  const pfx = readAs('ERR_PKCS12_MALFORMED', MALFORMED_MESSAGE, () => readPfx(bytes));
  if (pfx.mac !== null) verifyMac(pfx.mac, pfx.authSafe, password);
  const bags: Bag[] = [];
  const contentInfos = readAs('ERR_PKCS12_MALFORMED', MALFORMED_MESSAGE, () => expectSequence(decodeAsn1(pfx.authSafe, 'AuthenticatedSafe'), 'AuthenticatedSafe'));
  for (const contentInfo of contentInfos) {
    const safeContents = await openContentInfo(contentInfo, password);
    bags.push(...(await readSafeContents(safeContents.der, safeContents.decrypted, password, 0)));
  }
  return identityFromBags(bags);
}

interface Pfx {
  readonly authSafe: Uint8Array;
  readonly mac: { readonly digestOid: string; readonly digest: Uint8Array; readonly salt: Uint8Array; readonly iterations: number } | null;
}

function readPfx(bytes: Uint8Array): Pfx {
  const items = expectSequence(decodeAsn1(bytes, 'PFX'), 'PFX');
  if (expectSmallInteger(at(items, 0, 'version'), 'version', 255) !== 3) shapeError('PFX: version is not 3');
  const authSafe = expectSequence(at(items, 1, 'authSafe'), 'authSafe');
  const contentType = expectOid(at(authSafe, 0, 'contentType'), 'contentType');
  if (contentType === OID.signedData) throw unsupported('public-key integrity mode (signedData)');
  if (contentType !== OID.data) shapeError('authSafe: unexpected content type');
  const content = expectOctetString(expectExplicit(at(authSafe, 1, 'content'), 0, 'content'), 'content');
  const macNode = items[2];
  return { authSafe: content, mac: macNode === undefined ? null : readMacData(macNode) };
}

function readMacData(node: BerNode): NonNullable<Pfx['mac']> {
  const items = expectSequence(node, 'MacData');
  const digestInfo = expectSequence(at(items, 0, 'mac'), 'DigestInfo');
  const digestOid = expectOid(at(expectSequence(at(digestInfo, 0, 'digestAlgorithm'), 'digestAlgorithm'), 0, 'digestAlgorithm'), 'digestAlgorithm');
  if (digestOid === OID.pbmac1) throw unsupported('a PBMAC1 integrity check');
  const iterationsNode = items[2];
  const iterations = iterationsNode === undefined ? 1 : expectSmallInteger(iterationsNode, 'iterations', Number.MAX_SAFE_INTEGER);
  if (iterations < 1) shapeError('MacData: iteration count below 1');
  if (iterations > MAX_ITERATIONS) throw unsupported(`a MAC with ${iterations} iterations`);
  return {
    digestOid,
    digest: expectOctetString(at(digestInfo, 1, 'digest'), 'digest'),
    salt: expectOctetString(at(items, 1, 'macSalt'), 'macSalt'),
    iterations,
  };
}

function verifyMac(mac: NonNullable<Pfx['mac']>, authSafe: Uint8Array, password: string): void {
  const hash = macHash(mac.digestOid);
  if (hash === null) throw unsupported(`a MAC with digest ${mac.digestOid}`);
  const candidates = [bmpPassword(password)];
  // Some writers encode an empty password as no octets at all rather than the BMP terminator.
  if (password === '') candidates.push(new Uint8Array(0));
  const matches = candidates.some((candidate) => constantTimeEqual(pkcs12Mac(hash, candidate, mac.salt, mac.iterations, authSafe), mac.digest));
  if (!matches) throw passwordError();
}

/** The SafeContents DER inside one ContentInfo of the AuthenticatedSafe, decrypted if need be. */
async function openContentInfo(contentInfo: BerNode, password: string): Promise<{ der: Uint8Array; decrypted: boolean }> {
  const { contentType, content } = readAs('ERR_PKCS12_MALFORMED', MALFORMED_MESSAGE, () => {
    const items = expectSequence(contentInfo, 'ContentInfo');
    return { contentType: expectOid(at(items, 0, 'contentType'), 'contentType'), content: expectExplicit(at(items, 1, 'content'), 0, 'content') };
  });
  if (contentType === OID.data) return { der: readAs('ERR_PKCS12_MALFORMED', MALFORMED_MESSAGE, () => expectOctetString(content, 'data')), decrypted: false };
  if (contentType === OID.envelopedData) throw unsupported('public-key privacy mode (envelopedData)');
  if (contentType !== OID.encryptedData) throw new SealpostError('ERR_PKCS12_MALFORMED', `${MALFORMED_MESSAGE} (unexpected content type)`);
  const { algorithm, ciphertext } = readAs('ERR_PKCS12_MALFORMED', MALFORMED_MESSAGE, () => readEncryptedData(content));
  return { der: await decrypt(algorithm, ciphertext, password), decrypted: true };
}

function readEncryptedData(node: BerNode): { algorithm: BerNode; ciphertext: Uint8Array } {
  const items = expectSequence(node, 'EncryptedData');
  const encryptedContentInfo = expectSequence(at(items, 1, 'encryptedContentInfo'), 'EncryptedContentInfo');
  const encryptedContent = at(encryptedContentInfo, 2, 'encryptedContent');
  if (!isContext(encryptedContent, 0)) shapeError('encryptedContent: expected [0]');
  return { algorithm: at(encryptedContentInfo, 1, 'contentEncryptionAlgorithm'), ciphertext: expectOctets(encryptedContent, 'encryptedContent') };
}

async function decrypt(algorithm: BerNode, ciphertext: Uint8Array, password: string): Promise<Uint8Array> {
  const scheme = readAs('ERR_PKCS12_MALFORMED', MALFORMED_MESSAGE, () => expectOid(at(expectSequence(algorithm, 'algorithm'), 0, 'algorithm'), 'algorithm'));
  if (isPkcs12Pbe(scheme)) return legacyDecrypt(algorithm, ciphertext, password);
  const legacy = LEGACY_PBE_NAMES[scheme];
  if (legacy !== undefined) throw unsupported(legacy);
  try {
    return await pbeDecrypt(algorithm, ciphertext, utf8Encode(password));
  } catch (error) {
    if (error instanceof UnsupportedEncryption) throw unsupported(error.algorithm);
    if (error instanceof DecryptionFailed) throw passwordError();
    throw new SealpostError('ERR_PKCS12_MALFORMED', MALFORMED_MESSAGE);
  }
}

/**
 * The PKCS#12 PBE schemes key their KDF with the password as a BMPString (RFC 7292 B.1), PBES2 with
 * UTF-8. An empty password is tried as no octets too, as some writers encode it (as for the MAC).
 */
function legacyDecrypt(algorithm: BerNode, ciphertext: Uint8Array, password: string): Uint8Array {
  const candidates = password === '' ? [bmpPassword(password), new Uint8Array(0)] : [bmpPassword(password)];
  for (const [i, candidate] of candidates.entries()) {
    try {
      return pkcs12PbeDecrypt(algorithm, ciphertext, candidate);
    } catch (error) {
      if (error instanceof UnsupportedEncryption) throw unsupported(error.algorithm);
      if (!(error instanceof DecryptionFailed)) throw new SealpostError('ERR_PKCS12_MALFORMED', MALFORMED_MESSAGE);
      if (i === candidates.length - 1) throw passwordError();
    }
  }
  throw passwordError();
}

async function readSafeContents(der: Uint8Array, decrypted: boolean, password: string, depth: number): Promise<Bag[]> {
  if (depth > MAX_NESTING) throw new SealpostError('ERR_PKCS12_MALFORMED', `${MALFORMED_MESSAGE} (bags nested too deep)`);
  // Decrypted bytes that do not parse mean the password was wrong (possible only without a MAC).
  const safeBags = decrypted
    ? readAs('ERR_PKCS12_PASSWORD', PASSWORD_MESSAGE, () => expectSequence(decodeAsn1(der, 'SafeContents'), 'SafeContents'))
    : readAs('ERR_PKCS12_MALFORMED', MALFORMED_MESSAGE, () => expectSequence(decodeAsn1(der, 'SafeContents'), 'SafeContents'));
  const bags: Bag[] = [];
  for (const safeBag of safeBags) {
    const { bagId, value, attributes } = readAs('ERR_PKCS12_MALFORMED', MALFORMED_MESSAGE, () => readSafeBag(safeBag));
    if (bagId === OID.safeContentsBag) bags.push(...(await readSafeContents(value, decrypted, password, depth + 1)));
    else if (bagId === OID.keyBag) bags.push({ kind: 'key', der: checkedPkcs8(value, 'ERR_PKCS12_MALFORMED', MALFORMED_MESSAGE), ...attributes });
    else if (bagId === OID.pkcs8ShroudedKeyBag) bags.push({ kind: 'key', der: await decryptKeyBag(value, password), ...attributes });
    else if (bagId === OID.certBag) {
      const certificate = readAs('ERR_PKCS12_MALFORMED', MALFORMED_MESSAGE, () => x509FromCertBag(value));
      if (certificate !== null) bags.push({ kind: 'certificate', der: certificate, ...attributes });
    }
    // CRL and secret bags are not part of an identity.
  }
  return bags;
}

function readSafeBag(node: BerNode): { bagId: string; value: Uint8Array; attributes: { localKeyId: Uint8Array | null; friendlyName: string | null } } {
  const items = expectSequence(node, 'SafeBag');
  const bagId = expectOid(at(items, 0, 'bagId'), 'bagId');
  const valueNode = expectExplicit(at(items, 1, 'bagValue'), 0, 'bagValue');
  const attributesNode = items[2];
  const attributes = attributesNode === undefined ? { localKeyId: null, friendlyName: null } : readBagAttributes(attributesNode);
  return { bagId, value: valueNode.raw, attributes };
}

function readBagAttributes(node: BerNode): { localKeyId: Uint8Array | null; friendlyName: string | null } {
  let localKeyId: Uint8Array | null = null;
  let friendlyName: string | null = null;
  for (const attribute of expectSet(node, 'bagAttributes')) {
    const parts = expectSequence(attribute, 'PKCS12Attribute');
    const type = expectOid(at(parts, 0, 'attrId'), 'attrId');
    const value = at(expectSet(at(parts, 1, 'attrValues'), 'attrValues'), 0, 'attrValue');
    if (type === OID.localKeyId) localKeyId = expectOctetString(value, 'localKeyId');
    else if (type === OID.friendlyName) friendlyName = stringOf(value, 'friendlyName');
  }
  return { localKeyId, friendlyName };
}

function x509FromCertBag(der: Uint8Array): Uint8Array | null {
  const items = expectSequence(decodeAsn1(der, 'CertBag'), 'CertBag');
  if (expectOid(at(items, 0, 'certId'), 'certId') !== OID.x509Certificate) return null;
  const certificate = expectOctetString(expectExplicit(at(items, 1, 'certValue'), 0, 'certValue'), 'certValue');
  parseCertificate(certificate);
  return certificate;
}

function checkedPkcs8(der: Uint8Array, code: 'ERR_PKCS12_MALFORMED' | 'ERR_PKCS12_PASSWORD', message: string): Uint8Array {
  return readAs(code, message, () => {
    readPkcs8(der);
    return der;
  });
}

async function decryptKeyBag(der: Uint8Array, password: string): Promise<Uint8Array> {
  const { algorithm, ciphertext } = readAs('ERR_PKCS12_MALFORMED', MALFORMED_MESSAGE, () => readEncryptedPrivateKeyInfo(der));
  const plaintext = await decrypt(algorithm, ciphertext, password);
  return checkedPkcs8(plaintext, 'ERR_PKCS12_PASSWORD', PASSWORD_MESSAGE);
}

async function identityFromBags(bags: readonly Bag[]): Promise<Pkcs12Identity> {
  const keys = bags.filter((bag) => bag.kind === 'key');
  const certificates = bags.filter((bag) => bag.kind === 'certificate');
  const [key, ...otherKeys] = keys;
  if (key === undefined) throw new SealpostError('ERR_PKCS12_MALFORMED', 'PKCS#12 contains no private key');
  if (otherKeys.length > 0) {
    throw new SealpostError('ERR_UNSUPPORTED_PKCS12', `PKCS#12 contains ${keys.length} private keys; export one identity per file`);
  }
  const leaf = await leafFor(key, certificates);
  if (leaf === undefined) throw new SealpostError('ERR_KEY_MISMATCH', 'no certificate in the PKCS#12 matches its private key');
  const others = certificates.filter((bag) => bag !== leaf).map((bag) => bag.der);
  return {
    certificate: leaf.der,
    privateKey: { type: 'pkcs8', der: key.der },
    chain: issuerOrder(leaf.der, others),
    friendlyName: key.friendlyName ?? leaf.friendlyName,
  };
}

/** The certificate with the key's localKeyId, if it really holds the key; else any that does. */
async function leafFor(key: Bag, certificates: readonly Bag[]): Promise<Bag | undefined> {
  const keyId = key.localKeyId;
  const byId = keyId === null ? undefined : certificates.find((bag) => bag.localKeyId !== null && bytesEqual(bag.localKeyId, keyId));
  const ordered = byId === undefined ? certificates : [byId, ...certificates.filter((bag) => bag !== byId)];
  for (const candidate of ordered) if (await keyMatchesCertificate(key.der, candidate.der)) return candidate;
  return undefined;
}

/** Orders `others` by following issuers up from `leaf`; certificates off that path keep their order at the end. */
function issuerOrder(leaf: Uint8Array, others: readonly Uint8Array[]): Uint8Array[] {
  const remaining = others.map((der) => ({ der, info: parseCertificate(der) }));
  const ordered: Uint8Array[] = [];
  let current = parseCertificate(leaf);
  for (;;) {
    if (current.selfIssued) break;
    const issuerDer = current.issuerDer;
    const index = remaining.findIndex((candidate) => bytesEqual(candidate.info.subjectDer, issuerDer));
    const next = remaining[index];
    if (next === undefined) break;
    remaining.splice(index, 1);
    ordered.push(next.der);
    current = next.info;
  }
  return [...ordered, ...remaining.map((candidate) => candidate.der)];
}

/** Writes an identity as PKCS#12: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) bags and an HMAC-SHA256 MAC. */
export async function writePkcs12(
  identity: { readonly certificate: Uint8Array; readonly privateKey: Pkcs8PrivateKey | Uint8Array; readonly chain?: readonly Uint8Array[] },
  password: string,
  options: WritePkcs12Options = {},
): Promise<Uint8Array> {
  const iterations = options.iterations ?? DEFAULT_PKCS12_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new RangeError(`writePkcs12: iterations must be an integer from ${MIN_ITERATIONS} to ${MAX_ITERATIONS}`);
  }
  const pkcs8 = pkcs8Of(identity.privateKey);
  const info = parseCertificate(identity.certificate);
  const chain = identity.chain ?? [];
  for (const certificate of chain) parseCertificate(certificate);
  if (!(await keyMatchesCertificate(pkcs8, identity.certificate))) {
    throw new SealpostError('ERR_KEY_MISMATCH', 'the private key does not belong to the certificate');
  }
  const friendlyName = options.friendlyName ?? info.emailAddresses[0] ?? info.subject;
  // OpenSSL's convention: the key and its certificate share the SHA-1 of the certificate as localKeyId.
  const attributes = bagAttributes(friendlyName, sha1(identity.certificate));
  const passwordBytes = utf8Encode(password);

  const certificateBags = sequence(certBag(identity.certificate, attributes), ...chain.map((certificate) => certBag(certificate, null)));
  const encryptedCertificates = await pbes2Encrypt(certificateBags, passwordBytes, { iterations });
  const shroudedKey = await encryptPrivateKeyInfo(pkcs8, passwordBytes, { iterations });
  const keyBags = sequence(sequence(oid(OID.pkcs8ShroudedKeyBag), explicit(0, shroudedKey), attributes));

  const encryptedContentInfo = sequence(oid(OID.data), encryptedCertificates.algorithm, implicitPrimitive(0, encryptedCertificates.ciphertext));
  const authSafe = sequence(sequence(oid(OID.encryptedData), explicit(0, sequence(integer(0), encryptedContentInfo))), dataContentInfo(keyBags));
  const macSalt = randomBytes(16);
  const mac = pkcs12Mac(macHashOrThrow(OID.sha256), bmpPassword(password), macSalt, iterations, authSafe);
  const macData = sequence(sequence(algorithmIdentifier(OID.sha256, nullValue()), octetString(mac)), octetString(macSalt), integer(iterations));
  return sequence(integer(3), dataContentInfo(authSafe), macData);
}

function pkcs8Of(key: Pkcs8PrivateKey | Uint8Array): Uint8Array {
  if (key instanceof Uint8Array) return key;
  if (key.type !== 'pkcs8') throw new TypeError('writePkcs12: the private key must be PKCS#8 bytes, not a key URI');
  return key.der;
}

function macHashOrThrow(digestOid: string): NonNullable<ReturnType<typeof macHash>> {
  const hash = macHash(digestOid);
  if (hash === null) throw new TypeError(`no MAC hash for ${digestOid}`);
  return hash;
}

function dataContentInfo(content: Uint8Array): Uint8Array {
  return sequence(oid(OID.data), explicit(0, octetString(content)));
}

function certBag(certificate: Uint8Array, attributes: Uint8Array | null): Uint8Array {
  const value = sequence(oid(OID.x509Certificate), explicit(0, octetString(certificate)));
  return attributes === null ? sequence(oid(OID.certBag), explicit(0, value)) : sequence(oid(OID.certBag), explicit(0, value), attributes);
}

function bagAttributes(friendlyName: string, localKeyId: Uint8Array): Uint8Array {
  return derSetOf([sequence(oid(OID.friendlyName), derSetOf([bmpString(friendlyName)])), sequence(oid(OID.localKeyId), derSetOf([octetString(localKeyId)]))]);
}
