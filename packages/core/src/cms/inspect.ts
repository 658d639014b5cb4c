import type { ContentCipher, DigestAlgorithm, KeyTransport } from '../backend.js';
import { toHex } from '../bytes.js';
import { isContext, isUniversal, oidOf } from '../asn1/accessors.js';
import { type BerNode, TAG } from '../asn1/ber-reader.js';
import { timeOf } from '../asn1/time.js';
import { type ReceivedRecipient, type ReceivedSignerInfo, readContentInfo, readEnvelope, readSignedData } from '../backend-kit/cms-reader.js';
import type { Identifier } from '../backend-kit/identifiers.js';
import type { CmsLimits } from '../backend-kit/limits.js';
import { CIPHER_BY_OID, DIGEST_BY_OID, KEY_TRANSPORT_BY_OID, OID, SIGNATURE_DIGEST_BY_OID, SIGNATURE_NAME_BY_OID } from '../asn1/oids.js';
import { smimeCapabilityCiphers } from './smime-capabilities.js';

/**
 * Core's summary of a CMS structure, for the verdict rules and for reports: what the CMS engine read,
 * in the terms reports use (hex serials and key identifiers, algorithm names).
 */

export interface CmsAttribute {
  readonly type: string;
  /** Exact bytes of each AttributeValue. */
  readonly values: readonly BerNode[];
}

export type SignerIdentifier = { readonly type: 'issuerAndSerialNumber'; readonly issuer: Uint8Array; readonly serial: string } | { readonly type: 'subjectKeyIdentifier'; readonly keyId: string };

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
  /** kemri: an ori [4] whose oriType is id-ori-kem (RFC 9629), keyEncryptionOid then naming its KEM. */
  readonly kind: 'ktri' | 'kari' | 'kekri' | 'pwri' | 'ori' | 'kemri';
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

/**
 * The hash RSASSA-PSS parameters name (RFC 4055): the [0] hashAlgorithm, SHA-1 when absent. The policy
 * must see it: a PSS signature over SHA-1 is weak whatever the SignerInfo's digestAlgorithm says.
 */
function pssDigest(parameters: BerNode | undefined): DigestAlgorithm | null {
  if (parameters === undefined || !isUniversal(parameters, TAG.SEQUENCE)) return 'sha-1';
  const hash = parameters.children.find((c) => isContext(c, 0));
  if (hash === undefined) return 'sha-1';
  const oid = oidOf(hash.children[0]?.children[0]);
  return oid === null ? null : (DIGEST_BY_OID[oid] ?? null);
}

function summaryIdentifier(id: Identifier): SignerIdentifier {
  if (id.type === 'subjectKeyIdentifier') return { type: 'subjectKeyIdentifier', keyId: toHex(id.keyId) };
  const hex = toHex(id.serial).replace(/^0+/, '');
  return { type: 'issuerAndSerialNumber', issuer: id.issuer, serial: hex === '' ? '0' : hex };
}

function readAttributes(node: BerNode): CmsAttribute[] {
  // The engine's reader has checked the shape: SEQUENCE { OID, SET SIZE (1..MAX) } each.
  return node.children.map((attr) => ({ type: oidOf(attr.children[0]) ?? '', values: attr.children[1]?.children ?? [] }));
}

function readSmimeCapabilities(attrs: readonly CmsAttribute[]): ContentCipher[] {
  return smimeCapabilityCiphers(attrs.find((a) => a.type === OID.smimeCapabilities)?.values[0]);
}

function signingTimeOf(attrs: readonly CmsAttribute[] | null): Date | null {
  const value = attrs?.find((a) => a.type === OID.signingTime)?.values[0];
  return timeOf(value, 'signingTime');
}

function summarizeSigner(signer: ReceivedSignerInfo): SignerInfoSummary {
  const signedAttributes = signer.signedAttrs === null ? null : readAttributes(signer.signedAttrs);
  const digestAlgorithmOid = signer.digestAlgorithm.oid;
  const signatureAlgorithmOid = signer.signatureAlgorithm.oid;
  return {
    index: signer.index,
    sid: summaryIdentifier(signer.sid),
    digestAlgorithmOid,
    digest: DIGEST_BY_OID[digestAlgorithmOid] ?? null,
    signatureAlgorithmOid,
    signatureDigest: signatureAlgorithmOid === OID.rsassaPss ? pssDigest(signer.signatureAlgorithm.parameters) : (SIGNATURE_DIGEST_BY_OID[signatureAlgorithmOid] ?? null),
    signatureScheme: SIGNATURE_NAME_BY_OID[signatureAlgorithmOid] ?? signatureAlgorithmOid,
    signedAttributes,
    signingTime: signingTimeOf(signedAttributes),
    smimeCapabilities: signedAttributes === null ? [] : readSmimeCapabilities(signedAttributes),
  };
}

function summarizeRecipient(recipient: ReceivedRecipient): RecipientSummary {
  if (recipient.kind === 'kari') {
    // A KeyAgreeRecipientInfo may name several recipients; the summary names one only when it names one.
    const only = recipient.rids.length === 1 ? recipient.rids[0] : undefined;
    return { kind: 'kari', keyTransport: null, keyEncryptionOid: recipient.keyEncryptionAlgorithm.oid, rid: only === undefined ? null : summaryIdentifier(only) };
  }
  if (recipient.kind === 'kemri') return { kind: 'kemri', keyTransport: null, keyEncryptionOid: recipient.kem.oid, rid: summaryIdentifier(recipient.rid) };
  if (recipient.kind !== 'ktri') return { kind: recipient.kind, keyTransport: null, keyEncryptionOid: null, rid: null };
  const keyEncryptionOid = recipient.keyEncryptionAlgorithm.oid;
  return { kind: 'ktri', keyEncryptionOid, keyTransport: KEY_TRANSPORT_BY_OID[keyEncryptionOid] ?? null, rid: summaryIdentifier(recipient.rid) };
}

/**
 * Reads a ContentInfo (DER or BER) with the CMS engine's one strict reader, so that what core reports
 * and what every backend computes come from the same reading. Throws ERR_CMS_MALFORMED on anything
 * unreadable and ERR_LIMIT_* past a limit; other content types are reported, not refused.
 */
export function inspectCms(bytes: Uint8Array, limits?: CmsLimits): CmsSummary {
  const contentType = readContentInfo(bytes, null, 'ContentInfo').contentType;
  switch (contentType) {
    case OID.signedData: {
      const sd = readSignedData(bytes, limits);
      return { type: 'signed-data', eContentType: sd.eContentType, eContent: sd.eContent, certificates: sd.certificates, signers: sd.signers.map(summarizeSigner) };
    }
    case OID.envelopedData:
    case OID.authEnvelopedData: {
      const envelope = readEnvelope(bytes, limits, { cipherChecks: false });
      return {
        type: contentType === OID.envelopedData ? 'enveloped-data' : 'auth-enveloped-data',
        cipherOid: envelope.cipherOid,
        // The reader's name first: RC2's key size is in its parameters, not its OID.
        cipher: envelope.cipher?.name ?? CIPHER_BY_OID[envelope.cipherOid] ?? null,
        recipients: envelope.recipients.map(summarizeRecipient),
      };
    }
    default:
      return { type: 'other', contentType };
  }
}
