import { SealpostError } from '../errors.js';
import { type CipherSpec, AES_CIPHERS, contentCipherFromOid } from './algorithms.js';
import {
  type AlgorithmNode,
  type Node,
  absentOrNull,
  algorithmOf,
  childrenOf,
  decodeElement,
  encodingOf,
  explicitOf,
  isContext,
  isUniversal,
  octetsOf,
  oidOf,
  smallIntegerOf,
} from '../asn1/accessors.js';
import { type ContentParameters, contentParametersOf } from './content-parameters.js';
import { legacyCipherOf } from './legacy-content.js';
import { type Identifier, identifierOf } from './identifiers.js';
import { type CmsLimits, resolveCmsLimits } from './limits.js';
import { takesNoParameters } from './signature-algorithms.js';
import { OID } from '../asn1/oids.js';

/**
 * The one reading of received CMS (RFC 5652, RFC 5083) that every backend uses: strict about shape
 * (every field in its place, nothing trailing, versions and INTEGERs as X.690 allows, NULL or absent
 * parameters where RFC 3370 allows either), tolerant of BER where CMS allows it (indefinite lengths,
 * constructed OCTET STRINGs), and keeping the exact received bytes of what signatures and tags cover.
 * Anything it refuses is ERR_CMS_MALFORMED (or an ERR_LIMIT_*), whichever backend runs.
 */

const UNIVERSAL_SEQUENCE = 16;
const UNIVERSAL_SET = 17;
const UNIVERSAL_OCTET_STRING = 4;

export function cmsMalformed(message: string): SealpostError {
  return new SealpostError('ERR_CMS_MALFORMED', `malformed CMS: ${message}`);
}

function limitError(code: 'ERR_LIMIT_SIGNERS' | 'ERR_LIMIT_CERTIFICATES' | 'ERR_LIMIT_RECIPIENTS', what: string, limit: number): SealpostError {
  return new SealpostError(code, `the message has more than ${limit} ${what}`, { detail: { limit } });
}

/** An OCTET STRING (universal 4), primitive or BER-constructed from OCTET STRING segments; null otherwise. */
export function octetStringOf(node: Node | undefined): Uint8Array<ArrayBuffer> | null {
  return isUniversal(node, UNIVERSAL_OCTET_STRING) ? octetsOf(node) : null;
}

function versionIn(node: Node | undefined, allowed: readonly number[], what: string): number {
  const version = smallIntegerOf(node);
  if (version === null || !allowed.includes(version)) throw cmsMalformed(`unexpected ${what} version`);
  return version;
}

/** An attribute SET as received: each element a SEQUENCE { type OID, values SET SIZE (1..MAX) }, at least one. */
function checkAttributes(node: Node, what: string): void {
  const attributes = childrenOf(node);
  if (attributes === null || attributes.length === 0) throw cmsMalformed(`${what} is empty or not a SET`);
  for (const attribute of attributes) {
    const parts = isUniversal(attribute, UNIVERSAL_SEQUENCE) ? childrenOf(attribute) : null;
    const values = parts?.[1];
    if (parts === null || parts.length !== 2 || oidOf(parts[0]) === null || !isUniversal(values, UNIVERSAL_SET) || (childrenOf(values) ?? []).length === 0)
      throw cmsMalformed(`an attribute in ${what} is malformed`);
  }
}

/** The attributes exactly as received, re-tagged from [0]/[1] IMPLICIT to SET OF (RFC 5652 5.4, RFC 5083 2.2). */
function asSetOf(attributes: Node): Uint8Array<ArrayBuffer> {
  const bytes = encodingOf(attributes);
  bytes[0] = 0x31;
  return bytes;
}

/**
 * ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY }. A content type outside
 * `expected` (null: any) is ERR_UNSUPPORTED_CMS.
 */
export function readContentInfo(cms: Uint8Array, expected: readonly string[] | null, what: string): { readonly contentType: string; readonly content: Node } {
  if (!(cms instanceof Uint8Array)) throw new TypeError('cms must be a Uint8Array');
  const root = decodeElement(cms);
  if (root === null) throw cmsMalformed('the input is not one BER element');
  const parts = isUniversal(root, UNIVERSAL_SEQUENCE) ? childrenOf(root) : null;
  const contentType = oidOf(parts?.[0]);
  const wrapper = parts?.[1];
  const inner = isContext(wrapper, 0) ? childrenOf(wrapper) : null;
  if (parts === null || parts.length !== 2 || contentType === null || inner === null || inner.length !== 1) throw cmsMalformed('the input is not a ContentInfo');
  if (expected !== null && !expected.includes(contentType)) throw new SealpostError('ERR_UNSUPPORTED_CMS', `expected ${what}, found content type ${contentType}`);
  const content = inner[0] as Node;
  if (expected !== null && (!isUniversal(content, UNIVERSAL_SEQUENCE) || !content.constructed)) throw cmsMalformed(`the ${what} structure is malformed`);
  return { contentType, content };
}

// ---------------------------------------------------------------------------------------------
// SignedData

export interface ReceivedSignerInfo {
  readonly index: number;
  readonly sid: Identifier;
  readonly digestAlgorithm: AlgorithmNode;
  /** The [0] IMPLICIT signedAttrs element, or null when the SignerInfo has none. */
  readonly signedAttrs: Node | null;
  /** signedAttrs exactly as received with only the first octet changed to SET OF (0x31). */
  readonly signedAttrsForSignature: Uint8Array<ArrayBuffer> | null;
  readonly signatureAlgorithm: AlgorithmNode;
  readonly signature: Uint8Array<ArrayBuffer>;
}

export interface ReceivedSignedData {
  readonly eContentType: string;
  /** eContent octets (segments joined), or null when absent (detached). */
  readonly eContent: Uint8Array<ArrayBuffer> | null;
  /** Embedded certificates as received; the other CertificateChoices are skipped. */
  readonly certificates: readonly Uint8Array[];
  readonly signers: readonly ReceivedSignerInfo[];
}

/**
 * SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo,
 *   [0] IMPLICIT certificates OPTIONAL, [1] IMPLICIT crls OPTIONAL, signerInfos SET }
 */
export function readSignedData(cms: Uint8Array, limits?: CmsLimits): ReceivedSignedData {
  const { maxSignerInfos, maxCertificates } = resolveCmsLimits(limits);
  const { content } = readContentInfo(cms, [OID.signedData], 'SignedData');
  const parts = childrenOf(content) ?? [];
  const [version, digestAlgorithms, encapsulated] = parts;
  const signerSet = parts[parts.length - 1];
  const middle = parts.slice(3, -1);
  versionIn(version, [1, 3, 4, 5], 'SignedData');
  if (parts.length < 4 || !isUniversal(digestAlgorithms, UNIVERSAL_SET) || !isUniversal(signerSet, UNIVERSAL_SET) || !signerSet.constructed)
    throw cmsMalformed('the SignedData structure is malformed');
  for (const algorithm of childrenOf(digestAlgorithms) ?? []) if (algorithmOf(algorithm) === null) throw cmsMalformed('a digest algorithm is malformed');
  const middleValid = middle.length <= 2 && middle.every((n, i) => n.constructed && ((isContext(n, 0) && i === 0) || (isContext(n, 1) && i === middle.length - 1)));
  if (!middleValid) throw cmsMalformed('the SignedData structure is malformed');
  const { eContentType, eContent } = readEncapsulated(encapsulated);
  const certificates = readCertificateSet(
    middle.find((n) => isContext(n, 0)),
    maxCertificates,
  );
  const signerNodes = childrenOf(signerSet) ?? [];
  if (signerNodes.length > maxSignerInfos) throw limitError('ERR_LIMIT_SIGNERS', 'SignerInfos', maxSignerInfos);
  return { eContentType, eContent, certificates, signers: signerNodes.map(readSignerInfo) };
}

/** EncapsulatedContentInfo ::= SEQUENCE { eContentType, [0] EXPLICIT OCTET STRING OPTIONAL } */
function readEncapsulated(encapsulated: Node | undefined): { eContentType: string; eContent: Uint8Array<ArrayBuffer> | null } {
  const parts = isUniversal(encapsulated, UNIVERSAL_SEQUENCE) ? childrenOf(encapsulated) : null;
  const eContentType = oidOf(parts?.[0]);
  if (parts === null || parts.length > 2 || eContentType === null) throw cmsMalformed('the EncapsulatedContentInfo is malformed');
  const wrapper = parts[1];
  if (wrapper === undefined) return { eContentType, eContent: null };
  const inner = isContext(wrapper, 0) ? childrenOf(wrapper) : null;
  const eContent = inner?.length === 1 ? octetStringOf(inner[0]) : null;
  if (eContent === null) throw cmsMalformed('eContent is not one OCTET STRING');
  return { eContentType, eContent };
}

/**
 * CertificateSet ::= SET OF CertificateChoices: a Certificate SEQUENCE, or the [0]..[3] alternatives
 * (extended, v1 and v2 attribute certificates, other), which are skipped.
 */
function readCertificateSet(set: Node | undefined, maxCertificates: number): Uint8Array[] {
  const choices = set === undefined ? [] : (childrenOf(set) ?? []);
  if (choices.length > maxCertificates) throw limitError('ERR_LIMIT_CERTIFICATES', 'certificates', maxCertificates);
  const certificates: Uint8Array[] = [];
  for (const choice of choices) {
    if (isUniversal(choice, UNIVERSAL_SEQUENCE) && choice.constructed) certificates.push(choice.raw);
    else if (!(choice.cls === 2 && choice.tagNumber <= 3 && choice.constructed)) throw cmsMalformed('a certificate entry is malformed');
  }
  return certificates;
}

/**
 * SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, [0] IMPLICIT signedAttrs OPTIONAL,
 *   signatureAlgorithm, signature OCTET STRING, [1] IMPLICIT unsignedAttrs OPTIONAL }
 */
function readSignerInfo(node: Node, index: number): ReceivedSignerInfo {
  const parts = isUniversal(node, UNIVERSAL_SEQUENCE) ? (childrenOf(node) ?? []) : [];
  versionIn(parts[0], [1, 3], 'SignerInfo');
  const sid = identifierOf(parts[1]);
  const digestAlgorithm = algorithmOf(parts[2]);
  const signedAttrs = isContext(parts[3], 0) ? parts[3] : null;
  const rest = parts.slice(signedAttrs === null ? 3 : 4);
  const signatureAlgorithm = algorithmOf(rest[0]);
  const signature = octetStringOf(rest[1]);
  const unsignedAttrs = rest[2];
  const tailValid = rest.length === 2 || (rest.length === 3 && isContext(unsignedAttrs, 1));
  if (sid === null || digestAlgorithm === null || signatureAlgorithm === null || signature === null || !tailValid) throw cmsMalformed('a SignerInfo is malformed');
  if (!absentOrNull(digestAlgorithm.parameters)) throw cmsMalformed('digest algorithm parameters must be absent or NULL');
  if (takesNoParameters(signatureAlgorithm.oid) && !absentOrNull(signatureAlgorithm.parameters)) throw cmsMalformed('signature algorithm parameters must be absent or NULL');
  if (signedAttrs !== null) checkAttributes(signedAttrs, 'signedAttrs');
  if (unsignedAttrs !== undefined) checkAttributes(unsignedAttrs, 'unsignedAttrs');
  return {
    index,
    sid,
    digestAlgorithm,
    signedAttrs,
    signedAttrsForSignature: signedAttrs === null ? null : asSetOf(signedAttrs),
    signatureAlgorithm,
    signature,
  };
}

// ---------------------------------------------------------------------------------------------
// EnvelopedData and AuthEnvelopedData

export interface KeyTransRecipient {
  readonly kind: 'ktri';
  readonly rid: Identifier;
  readonly keyEncryptionAlgorithm: AlgorithmNode;
  readonly encryptedKey: Uint8Array<ArrayBuffer>;
}

export interface KeyAgreeRecipient {
  readonly kind: 'kari';
  /** The OriginatorIdentifierOrKey inside originator [0] (key-agreement.ts reads it). */
  readonly originator: Node;
  /** The ukm's octets, or null when it is absent. */
  readonly ukm: Uint8Array<ArrayBuffer> | null;
  readonly keyEncryptionAlgorithm: AlgorithmNode;
  /** The identifiers of its RecipientEncryptedKeys, in order. */
  readonly rids: readonly Identifier[];
  /** The encryptedKey of each RecipientEncryptedKey, in the same order as `rids`. */
  readonly encryptedKeys: readonly Uint8Array<ArrayBuffer>[];
}

/**
 * KEMRecipientInfo (RFC 9629 3), the OtherRecipientInfo whose oriType is id-ori-kem: every field as
 * received, for kem-recipient.ts to resolve.
 */
export interface KemRecipient {
  readonly kind: 'kemri';
  readonly rid: Identifier;
  readonly kem: AlgorithmNode;
  readonly kemct: Uint8Array<ArrayBuffer>;
  readonly kdf: AlgorithmNode;
  readonly kekLength: number;
  readonly ukm: Uint8Array<ArrayBuffer> | null;
  readonly wrap: AlgorithmNode;
  /** The wrap AlgorithmIdentifier exactly as received: CMSORIforKEMOtherInfo repeats it. */
  readonly wrapEncoding: Uint8Array<ArrayBuffer>;
  readonly encryptedKey: Uint8Array<ArrayBuffer>;
}

/** The RecipientInfo kinds no backend decrypts with (KEK, password, other than KEM): kept only to be counted. */
export interface OtherRecipient {
  readonly kind: 'kekri' | 'pwri' | 'ori';
}

export type ReceivedRecipient = KeyTransRecipient | KeyAgreeRecipient | KemRecipient | OtherRecipient;

export interface ReceivedEnvelope {
  readonly authenticated: boolean;
  readonly recipients: readonly ReceivedRecipient[];
  /** The content cipher's OID, and its spec when it is an AES or a legacy (3DES, RC2) cipher. */
  readonly cipherOid: string;
  readonly cipher: CipherSpec | null;
  /** Null when the cipher is neither (its parameters are then not read). */
  readonly parameters: ContentParameters | null;
  readonly ciphertext: Uint8Array<ArrayBuffer>;
  readonly mac: Uint8Array<ArrayBuffer> | null;
  /** authAttrs as received, re-tagged as SET OF: the GCM additional data. */
  readonly additionalData: Uint8Array<ArrayBuffer> | null;
}

/** The GCM nonce length RFC 5084 recommends and every S/MIME writer uses. */
export const GCM_NONCE_LENGTH = 12;

/**
 * EnvelopedData ::= SEQUENCE { version, [0] originatorInfo OPTIONAL, recipientInfos SET,
 *   encryptedContentInfo, [1] unprotectedAttrs OPTIONAL }
 * AuthEnvelopedData ::= SEQUENCE { version, [0] originatorInfo OPTIONAL, recipientInfos SET,
 *   authEncryptedContentInfo, [1] authAttrs OPTIONAL, mac OCTET STRING, [2] unauthAttrs OPTIONAL }
 */
export function readEnvelope(cms: Uint8Array, limits?: CmsLimits, options: { readonly cipherChecks?: boolean } = {}): ReceivedEnvelope {
  const { maxRecipients } = resolveCmsLimits(limits);
  const { contentType, content } = readContentInfo(cms, [OID.envelopedData, OID.authEnvelopedData], 'EnvelopedData or AuthEnvelopedData');
  const authenticated = contentType === OID.authEnvelopedData;
  const parts = childrenOf(content) ?? [];
  versionIn(parts[0], authenticated ? [0] : [0, 2, 3, 4], authenticated ? 'AuthEnvelopedData' : 'EnvelopedData');
  const originator = isContext(parts[1], 0) ? parts[1] : undefined;
  if (originator !== undefined && !originator.constructed) throw cmsMalformed('originatorInfo is malformed');
  const at = originator === undefined ? 1 : 2;
  const recipientSet = parts[at];
  const encrypted = parts[at + 1];
  const tail = parts.slice(at + 2);
  if (!isUniversal(recipientSet, UNIVERSAL_SET) || !recipientSet.constructed) throw cmsMalformed('recipientInfos is not a SET');
  const recipientNodes = childrenOf(recipientSet) ?? [];
  if (recipientNodes.length === 0) throw cmsMalformed('there are no recipientInfos');
  if (recipientNodes.length > maxRecipients) throw limitError('ERR_LIMIT_RECIPIENTS', 'recipients', maxRecipients);

  let mac: Uint8Array<ArrayBuffer> | null = null;
  let additionalData: Uint8Array<ArrayBuffer> | null = null;
  if (authenticated) {
    const authAttrs = isContext(tail[0], 1) ? tail.shift() : undefined;
    mac = octetStringOf(tail.shift());
    if (mac === null) throw cmsMalformed('AuthEnvelopedData has no mac');
    const unauthAttrs = tail.shift();
    if (tail.length > 0 || (unauthAttrs !== undefined && !isContext(unauthAttrs, 2))) throw cmsMalformed('the AuthEnvelopedData structure is malformed');
    if (unauthAttrs !== undefined) checkAttributes(unauthAttrs, 'unauthAttrs');
    if (authAttrs !== undefined) {
      checkAttributes(authAttrs, 'authAttrs');
      additionalData = asSetOf(authAttrs);
    }
  } else {
    const unprotectedAttrs = tail.shift();
    if (tail.length > 0 || (unprotectedAttrs !== undefined && !isContext(unprotectedAttrs, 1))) throw cmsMalformed('the EnvelopedData structure is malformed');
    if (unprotectedAttrs !== undefined) checkAttributes(unprotectedAttrs, 'unprotectedAttrs');
  }

  const encryptedContent = readEncryptedContentInfo(encrypted, authenticated, options.cipherChecks ?? true);
  return { authenticated, recipients: recipientNodes.map(readRecipient), ...encryptedContent, mac, additionalData };
}

/** EncryptedContentInfo ::= SEQUENCE { contentType, contentEncryptionAlgorithm, [0] IMPLICIT encryptedContent OPTIONAL } */
function readEncryptedContentInfo(
  node: Node | undefined,
  authenticated: boolean,
  cipherChecks: boolean,
): { cipherOid: string; cipher: CipherSpec | null; parameters: ContentParameters | null; ciphertext: Uint8Array<ArrayBuffer> } {
  const parts = isUniversal(node, UNIVERSAL_SEQUENCE) ? childrenOf(node) : null;
  const algorithm = algorithmOf(parts?.[1]);
  if (parts === null || oidOf(parts[0]) === null || algorithm === null || parts.length > 3) throw cmsMalformed('the EncryptedContentInfo is malformed');
  const encryptedContent = parts[2];
  // [0] IMPLICIT OCTET STRING: primitive, or constructed from OCTET STRING segments (BER).
  const ciphertext = isContext(encryptedContent, 0) ? octetsOf(encryptedContent) : null;
  if (ciphertext === null) throw cmsMalformed('the encrypted content is missing or malformed');
  const legacy = legacyCipherOf(algorithm.oid, algorithm.parameters, authenticated, cipherChecks);
  if (legacy !== null) return { cipherOid: algorithm.oid, ...legacy, ciphertext };
  const cipher = AES_CIPHERS.find((c) => c.oid === algorithm.oid) ?? null;
  if (cipher === null || !cipherChecks) return { cipherOid: algorithm.oid, cipher, parameters: null, ciphertext };
  // GCM belongs in AuthEnvelopedData (RFC 5084) and CBC in EnvelopedData; the mixes are refused.
  if ((cipher.mode === 'gcm') !== authenticated) throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `${cipher.name} is not supported inside ${authenticated ? 'AuthEnvelopedData' : 'EnvelopedData'}`);
  const parameters = contentParametersOf(cipher, algorithm.parameters);
  if (parameters.mode === 'gcm' && parameters.nonce.length !== GCM_NONCE_LENGTH)
    throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `AES-GCM nonces of ${parameters.nonce.length} octets are not supported (S/MIME uses ${GCM_NONCE_LENGTH})`);
  return { cipherOid: algorithm.oid, cipher, parameters, ciphertext };
}

/** The name of a content cipher OID for messages, or the OID itself. */
export function cipherNameOf(oid: string): string {
  return contentCipherFromOid(oid) ?? oid;
}

/**
 * RecipientInfo ::= CHOICE { ktri KeyTransRecipientInfo, kari [1] KeyAgreeRecipientInfo,
 *   kekri [2] KEKRecipientInfo, pwri [3] PasswordRecipientInfo, ori [4] OtherRecipientInfo }
 */
function readRecipient(node: Node): ReceivedRecipient {
  // Tags compared directly: the type guards would narrow `node` away for the later branches.
  if (node.cls === 0 && node.tagNumber === UNIVERSAL_SEQUENCE) return readKeyTransRecipient(node);
  if (node.cls === 2 && node.tagNumber === 1 && node.constructed) return readKeyAgreeRecipient(node);
  if (node.cls === 2 && node.tagNumber === 4 && node.constructed && oidOf(childrenOf(node)?.[0]) === OID.oriKem) return readKemRecipient(node);
  const kinds = { 2: 'kekri', 3: 'pwri', 4: 'ori' } as const;
  const kind = node.cls === 2 && node.constructed ? kinds[node.tagNumber as 2 | 3 | 4] : undefined;
  if (kind === undefined) throw cmsMalformed('a RecipientInfo is malformed');
  return { kind };
}

/** KeyTransRecipientInfo ::= SEQUENCE { version, rid, keyEncryptionAlgorithm, encryptedKey OCTET STRING } */
function readKeyTransRecipient(node: Node): KeyTransRecipient {
  const parts = childrenOf(node) ?? [];
  const rid = identifierOf(parts[1]);
  const keyEncryptionAlgorithm = algorithmOf(parts[2]);
  const encryptedKey = octetStringOf(parts[3]);
  versionIn(parts[0], [0, 2], 'KeyTransRecipientInfo');
  if (parts.length !== 4 || rid === null || keyEncryptionAlgorithm === null || encryptedKey === null) throw cmsMalformed('a KeyTransRecipientInfo is malformed');
  if (keyEncryptionAlgorithm.oid === OID.rsaEncryption && !absentOrNull(keyEncryptionAlgorithm.parameters)) throw cmsMalformed('rsaEncryption parameters must be absent or NULL');
  return { kind: 'ktri', rid, keyEncryptionAlgorithm, encryptedKey };
}

/**
 * KeyAgreeRecipientInfo ::= SEQUENCE { version 3, originator [0] EXPLICIT, ukm [1] EXPLICIT OPTIONAL,
 *   keyEncryptionAlgorithm, recipientEncryptedKeys SEQUENCE OF SEQUENCE { rid, encryptedKey } },
 * rid ::= CHOICE { issuerAndSerialNumber, rKeyId [0] IMPLICIT SEQUENCE { subjectKeyIdentifier, ... } }
 */
function readKeyAgreeRecipient(node: Node): KeyAgreeRecipient {
  const parts = childrenOf(node) ?? [];
  versionIn(parts[0], [3], 'KeyAgreeRecipientInfo');
  const originator = explicitOf(parts[1], 0);
  const ukmField = isContext(parts[2], 1) ? parts[2] : undefined;
  const ukm = ukmField === undefined ? null : octetStringOf(explicitOf(ukmField, 1) ?? undefined);
  const rest = parts.slice(ukmField === undefined ? 2 : 3);
  const keyEncryptionAlgorithm = algorithmOf(rest[0]);
  const encryptedKeys = isUniversal(rest[1], UNIVERSAL_SEQUENCE) ? childrenOf(rest[1]) : null;
  const shapeValid = originator !== null && (ukmField === undefined || ukm !== null) && rest.length === 2 && keyEncryptionAlgorithm !== null;
  if (!shapeValid || encryptedKeys === null || encryptedKeys.length === 0) throw cmsMalformed('a KeyAgreeRecipientInfo is malformed');
  const entries = encryptedKeys.map((entry) => {
    const fields = isUniversal(entry, UNIVERSAL_SEQUENCE) ? childrenOf(entry) : null;
    const rid = fields?.[0];
    const id = isContext(rid, 0) ? keyAgreeKeyId(childrenOf(rid)?.[0]) : identifierOf(rid);
    const encryptedKey = octetStringOf(fields?.[1]);
    if (fields === null || fields.length !== 2 || id === null || encryptedKey === null) throw cmsMalformed('a RecipientEncryptedKey is malformed');
    return { id, encryptedKey };
  });
  return {
    kind: 'kari',
    originator,
    ukm,
    keyEncryptionAlgorithm,
    rids: entries.map((e) => e.id),
    encryptedKeys: entries.map((e) => e.encryptedKey),
  };
}

/**
 * ori [4] OtherRecipientInfo { oriType id-ori-kem, oriValue KEMRecipientInfo }, RFC 9629 3:
 * KEMRecipientInfo ::= SEQUENCE { version 0, rid, kem, kemct OCTET STRING, kdf, kekLength INTEGER (1..65535),
 *   ukm [0] EXPLICIT OCTET STRING OPTIONAL, wrap, encryptedKey OCTET STRING }
 */
function readKemRecipient(node: Node): KemRecipient {
  const outer = childrenOf(node) ?? [];
  const parts = outer.length === 2 && isUniversal(outer[1], UNIVERSAL_SEQUENCE) ? (childrenOf(outer[1]) ?? []) : [];
  versionIn(parts[0], [0], 'KEMRecipientInfo');
  const rid = identifierOf(parts[1]);
  const kem = algorithmOf(parts[2]);
  const kemct = octetStringOf(parts[3]);
  const kdf = algorithmOf(parts[4]);
  const kekLength = smallIntegerOf(parts[5]);
  const ukmField = isContext(parts[6], 0) ? parts[6] : undefined;
  const ukm = ukmField === undefined ? null : octetStringOf(explicitOf(ukmField, 0) ?? undefined);
  const rest = parts.slice(ukmField === undefined ? 6 : 7);
  const wrapNode = rest[0];
  const wrap = algorithmOf(wrapNode);
  const encryptedKey = octetStringOf(rest[1]);
  const shapeValid = rid !== null && kem !== null && kemct !== null && kdf !== null && (ukmField === undefined || ukm !== null) && rest.length === 2;
  if (!shapeValid || wrapNode === undefined || wrap === null || encryptedKey === null || kekLength === null || kekLength < 1 || kekLength > 65535)
    throw cmsMalformed('a KEMRecipientInfo is malformed');
  return { kind: 'kemri', rid, kem, kemct, kdf, kekLength, ukm, wrap, wrapEncoding: encodingOf(wrapNode), encryptedKey };
}

function keyAgreeKeyId(node: Node | undefined): Identifier | null {
  const keyId = octetStringOf(node);
  return keyId === null ? null : { type: 'subjectKeyIdentifier', keyId };
}

/** The cipher spec of an envelope whose cipher is an AES or a legacy cipher; ERR_UNSUPPORTED_CIPHER otherwise. */
export function aesCipherOf(envelope: ReceivedEnvelope): { cipher: CipherSpec; parameters: ContentParameters } {
  if (envelope.cipher === null || envelope.parameters === null)
    throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `content cipher ${cipherNameOf(envelope.cipherOid)} is not supported by this backend`);
  return { cipher: envelope.cipher, parameters: envelope.parameters };
}
