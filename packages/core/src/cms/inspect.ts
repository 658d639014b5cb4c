import type { ContentCipher, DigestAlgorithm, KeyTransport } from '../backend.js';
import { toHex } from '../bytes.js';
import { SealpostError, isSealpostError } from '../errors.js';
import {
  type BerNode,
  CONTEXT,
  TAG,
  childAt,
  expectUniversal,
  isContext,
  isUniversal,
  parseBer,
  readIntegerHex,
  readOctets,
  readOid,
  readTime,
} from '../asn1/ber-reader.js';
import { CIPHER_BY_OID, DIGEST_BY_OID, KEY_TRANSPORT_BY_OID, OID, SIGNATURE_DIGEST_BY_OID, SIGNATURE_NAME_BY_OID } from './oids.js';

/**
 * Core's own reading of CMS structures, independent of any backend: the verdict rules are checked
 * against this, so a backend whose library is lax (or wrong) cannot change a verdict.
 */

export interface CmsAttribute {
  readonly type: string;
  /** Exact bytes of each AttributeValue. */
  readonly values: readonly BerNode[];
}

export type SignerIdentifier =
  | { readonly type: 'issuerAndSerialNumber'; readonly issuer: Uint8Array; readonly serial: string }
  | { readonly type: 'subjectKeyIdentifier'; readonly keyId: string };

export interface SignerInfoSummary {
  readonly index: number;
  readonly sid: SignerIdentifier;
  readonly digestAlgorithmOid: string;
  readonly digest: DigestAlgorithm | null;
  readonly signatureAlgorithmOid: string;
  /** Digest implied by the signature algorithm OID (sha1WithRSAEncryption...), if any. */
  readonly signatureDigest: DigestAlgorithm | null;
  readonly signatureScheme: string;
  readonly signedAttributes: readonly CmsAttribute[] | null;
  readonly signingTime: Date | null;
  /** SMIMECapabilities content ciphers, in the order sent (unknown OIDs left out). */
  readonly smimeCapabilities: readonly ContentCipher[];
}

export interface SignedDataSummary {
  readonly type: 'signed-data';
  readonly eContentType: string;
  /** eContent bytes (segments joined), or null when absent (detached). */
  readonly eContent: Uint8Array | null;
  readonly certificates: readonly Uint8Array[];
  readonly signers: readonly SignerInfoSummary[];
}

export interface RecipientSummary {
  readonly kind: 'ktri' | 'kari' | 'kekri' | 'pwri' | 'ori';
  readonly keyTransport: KeyTransport | null;
  readonly keyEncryptionOid: string | null;
  readonly rid: SignerIdentifier | null;
}

export interface EnvelopedDataSummary {
  readonly type: 'enveloped-data' | 'auth-enveloped-data';
  readonly cipherOid: string;
  readonly cipher: ContentCipher | null;
  readonly recipients: readonly RecipientSummary[];
}

export type CmsSummary = SignedDataSummary | EnvelopedDataSummary | { readonly type: 'other'; readonly contentType: string };

function cmsMalformed(why: string, cause?: unknown): SealpostError {
  return new SealpostError('ERR_CMS_MALFORMED', `malformed CMS: ${why}`, cause === undefined ? {} : { cause });
}

/**
 * The hash RSASSA-PSS parameters name (RFC 4055): the [0] hashAlgorithm, SHA-1 when absent. The policy
 * must see it: a PSS signature over SHA-1 is weak whatever the SignerInfo's digestAlgorithm says.
 */
function pssDigest(algorithm: BerNode | undefined): DigestAlgorithm | null {
  const params = algorithm?.children[1];
  if (params === undefined || !isUniversal(params, TAG.SEQUENCE)) return 'sha-1';
  const hash = params.children.find((c) => isContext(c, 0));
  if (hash === undefined) return 'sha-1';
  return DIGEST_BY_OID[readAlgorithmOid(hash.children[0])] ?? null;
}

function readAlgorithmOid(node: BerNode | undefined): string {
  const seq = expectUniversal(node, TAG.SEQUENCE, 'AlgorithmIdentifier');
  return readOid(seq.children[0]);
}

function readSignerIdentifier(node: BerNode): SignerIdentifier {
  if (isUniversal(node, TAG.SEQUENCE)) {
    return { type: 'issuerAndSerialNumber', issuer: childAt(node, 0, 'issuer').raw, serial: readIntegerHex(node.children[1]) };
  }
  if (isContext(node, 0)) return { type: 'subjectKeyIdentifier', keyId: toHex(readOctets(node)) };
  throw cmsMalformed('bad signer identifier');
}

function readAttributes(node: BerNode): CmsAttribute[] {
  return node.children.map((attr) => {
    const seq = expectUniversal(attr, TAG.SEQUENCE, 'Attribute');
    const values = expectUniversal(seq.children[1], TAG.SET, 'AttributeValues');
    return { type: readOid(seq.children[0]), values: values.children };
  });
}

function readSmimeCapabilities(attrs: readonly CmsAttribute[]): ContentCipher[] {
  const attr = attrs.find((a) => a.type === OID.smimeCapabilitiesAttr);
  const value = attr?.values[0];
  if (value === undefined || !isUniversal(value, TAG.SEQUENCE)) return [];
  const out: ContentCipher[] = [];
  for (const cap of value.children) {
    if (!isUniversal(cap, TAG.SEQUENCE)) continue;
    const cipher = CIPHER_BY_OID[readOid(cap.children[0])];
    if (cipher !== undefined) out.push(cipher);
  }
  return out;
}

function readSignerInfo(node: BerNode, index: number): SignerInfoSummary {
  const seq = expectUniversal(node, TAG.SEQUENCE, 'SignerInfo');
  let i = 1; // skip version
  const sid = readSignerIdentifier(childAt(seq, i++, 'sid'));
  const digestAlgorithmOid = readAlgorithmOid(seq.children[i++]);
  let signedAttributes: CmsAttribute[] | null = null;
  const maybeAttrs = childAt(seq, i, 'signatureAlgorithm');
  if (isContext(maybeAttrs, 0)) {
    signedAttributes = readAttributes(maybeAttrs);
    i++;
  }
  const signatureAlgorithm = seq.children[i++];
  const signatureAlgorithmOid = readAlgorithmOid(signatureAlgorithm);
  expectUniversal(seq.children[i], TAG.OCTET_STRING, 'signature');
  const signingTimeAttr = signedAttributes?.find((a) => a.type === OID.signingTimeAttr);
  let signingTime: Date | null = null;
  if (signingTimeAttr?.values[0] !== undefined) {
    try {
      signingTime = readTime(signingTimeAttr.values[0]);
    } catch {
      signingTime = null;
    }
  }
  return {
    index,
    sid,
    digestAlgorithmOid,
    digest: DIGEST_BY_OID[digestAlgorithmOid] ?? null,
    signatureAlgorithmOid,
    signatureDigest:
      signatureAlgorithmOid === OID.rsassaPss ? pssDigest(signatureAlgorithm) : (SIGNATURE_DIGEST_BY_OID[signatureAlgorithmOid] ?? null),
    signatureScheme: SIGNATURE_NAME_BY_OID[signatureAlgorithmOid] ?? signatureAlgorithmOid,
    signedAttributes,
    signingTime,
    smimeCapabilities: signedAttributes === null ? [] : readSmimeCapabilities(signedAttributes),
  };
}

function readSignedData(node: BerNode): SignedDataSummary {
  const seq = expectUniversal(node, TAG.SEQUENCE, 'SignedData');
  const encap = expectUniversal(seq.children[2], TAG.SEQUENCE, 'EncapsulatedContentInfo');
  const eContentType = readOid(encap.children[0]);
  const wrapped = encap.children[1];
  let eContent: Uint8Array | null = null;
  if (wrapped !== undefined) {
    if (!isContext(wrapped, 0)) throw cmsMalformed('bad eContent');
    eContent = readOctets(childAt(wrapped, 0, 'eContent'));
  }
  let i = 3;
  const certificates: Uint8Array[] = [];
  const maybeCerts = seq.children[i];
  if (maybeCerts !== undefined && isContext(maybeCerts, 0)) {
    for (const c of maybeCerts.children) if (isUniversal(c, TAG.SEQUENCE)) certificates.push(c.raw);
    i++;
  }
  const maybeCrls = seq.children[i];
  if (maybeCrls !== undefined && isContext(maybeCrls, 1)) i++;
  const signerInfos = expectUniversal(seq.children[i], TAG.SET, 'SignerInfos');
  return {
    type: 'signed-data',
    eContentType,
    eContent,
    certificates,
    signers: signerInfos.children.map((s, index) => readSignerInfo(s, index)),
  };
}

function readRecipient(node: BerNode): RecipientSummary {
  if (isUniversal(node, TAG.SEQUENCE)) {
    const keyEncryptionOid = readAlgorithmOid(node.children[2]);
    return {
      kind: 'ktri',
      keyEncryptionOid,
      keyTransport: KEY_TRANSPORT_BY_OID[keyEncryptionOid] ?? null,
      rid: readSignerIdentifier(childAt(node, 1, 'rid')),
    };
  }
  const kinds = ['ktri', 'kari', 'kekri', 'pwri', 'ori'] as const;
  const kind = node.cls === CONTEXT ? kinds[node.tagNumber] : undefined;
  return { kind: kind ?? 'ori', keyTransport: null, keyEncryptionOid: null, rid: null };
}

function readEnvelopedData(node: BerNode, type: EnvelopedDataSummary['type']): EnvelopedDataSummary {
  const seq = expectUniversal(node, TAG.SEQUENCE, 'EnvelopedData');
  let i = 1;
  if (seq.children[i] !== undefined && isContext(seq.children[i]!, 0)) i++; // originatorInfo
  const recipientInfos = expectUniversal(seq.children[i++], TAG.SET, 'RecipientInfos');
  const eci = expectUniversal(seq.children[i], TAG.SEQUENCE, 'EncryptedContentInfo');
  const cipherOid = readAlgorithmOid(eci.children[1]);
  return {
    type,
    cipherOid,
    cipher: CIPHER_BY_OID[cipherOid] ?? null,
    recipients: recipientInfos.children.map(readRecipient),
  };
}

/** Reads a ContentInfo (DER or BER). Throws ERR_CMS_MALFORMED on anything unreadable. */
export function inspectCms(bytes: Uint8Array): CmsSummary {
  try {
    const root = expectUniversal(parseBer(bytes), TAG.SEQUENCE, 'ContentInfo');
    const contentType = readOid(root.children[0]);
    const explicit = childAt(root, 1, 'content');
    if (!isContext(explicit, 0)) throw cmsMalformed('content is not [0] EXPLICIT');
    const content = childAt(explicit, 0, 'content');
    switch (contentType) {
      case OID.signedData:
        return readSignedData(content);
      case OID.envelopedData:
        return readEnvelopedData(content, 'enveloped-data');
      case OID.authEnvelopedData:
        return readEnvelopedData(content, 'auth-enveloped-data');
      default:
        return { type: 'other', contentType };
    }
  } catch (error) {
    if (isSealpostError(error, 'ERR_CMS_MALFORMED')) throw error;
    const why = isSealpostError(error) ? error.message : 'unreadable structure';
    throw cmsMalformed(why.replace(/^malformed ASN\.1: /, ''), error);
  }
}
