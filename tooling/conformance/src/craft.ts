import { createHash, createPrivateKey, sign as nodeSign } from 'node:crypto';
import { OID, der, joinBytes, parseCertificate } from '@sealpost/core';

/**
 * Builds SignedData with full control over every field, signing with node:crypto, so the suite can
 * present each backend with signatures that are cryptographically sound but break one verdict rule.
 */

const DIGEST_OIDS = { md5: OID.md5, 'sha-1': OID.sha1, 'sha-256': OID.sha256, 'sha-512': OID.sha512 } as const;
const NODE_DIGEST = { md5: 'md5', 'sha-1': 'sha1', 'sha-256': 'sha256', 'sha-512': 'sha512' } as const;

const { explicit, implicitConstructed, integer: int, nullValue: nul, octetString: octets, oid, sequence: seq, time } = der;
// A SET in the order given, not sorted into DER order: the suite needs to send exactly what it signed.
const set = (...items: Uint8Array[]): Uint8Array => der.tlv(0x31, ...items);

export interface CraftSigner {
  readonly certificate: Uint8Array;
  /** PKCS#8 DER of an RSA key, or of an Ed25519 key (RFC 8419: id-Ed25519, SHA-512 by default, no parameters). */
  readonly privateKey: Uint8Array;
  readonly digest?: keyof typeof DIGEST_OIDS;
  /** contentType attribute values to put in signed attributes; default [eContentType]. [] = none. */
  readonly contentTypeAttrs?: readonly string[];
  /** Override the messageDigest attribute value (default: the real digest). */
  readonly messageDigest?: Uint8Array;
  /** How many messageDigest attributes to include (default 1). */
  readonly messageDigestCount?: number;
  /** Send the signed attributes in reverse DER order (signed over exactly as sent). */
  readonly unsortedAttributes?: boolean;
  /** Leave out signed attributes altogether (signature over the content). */
  readonly noSignedAttributes?: boolean;
  /** Flip a bit of the signature after signing. */
  readonly corruptSignature?: boolean;
}

export interface CraftOptions {
  readonly content: Uint8Array;
  /** Put the content in eContent. */
  readonly includeContent: boolean;
  readonly eContentType?: string;
  readonly signers: readonly CraftSigner[];
  readonly certificates?: readonly Uint8Array[];
}

function issuerAndSerial(cert: Uint8Array): Uint8Array {
  const info = parseCertificate(cert);
  return seq(info.issuerDer, int(BigInt(`0x${info.serial}`)));
}

const isEd25519 = (signer: CraftSigner): boolean => createPrivateKey({ key: Buffer.from(signer.privateKey), format: 'der', type: 'pkcs8' }).asymmetricKeyType === 'ed25519';
const digestOf = (signer: CraftSigner): keyof typeof DIGEST_OIDS => signer.digest ?? (isEd25519(signer) ? 'sha-512' : 'sha-256');
// RFC 8419 3.1: with Ed25519 the digest's parameters are absent; RSA signers send NULL, as most do.
const digestAlgorithm = (signer: CraftSigner): Uint8Array => seq(oid(DIGEST_OIDS[digestOf(signer)]), ...(isEd25519(signer) ? [] : [nul()]));

function signerInfo(signer: CraftSigner, content: Uint8Array, eContentType: string): Uint8Array {
  const digest = digestOf(signer);
  const digestAlg = digestAlgorithm(signer);
  const contentDigest = createHash(NODE_DIGEST[digest]).update(content).digest();
  let toSign: Uint8Array = content;
  let signedAttrs: Uint8Array | null = null;
  if (signer.noSignedAttributes !== true) {
    const digestAttr = seq(oid(OID.messageDigest), set(octets(signer.messageDigest ?? contentDigest)));
    const attrs = [
      ...(signer.contentTypeAttrs ?? [eContentType]).map((t) => seq(oid(OID.contentType), set(oid(t)))),
      seq(oid(OID.signingTime), set(time(new Date()))),
      ...Array.from({ length: signer.messageDigestCount ?? 1 }, () => digestAttr),
    ];
    const asSet = set(...(signer.unsortedAttributes === true ? attrs.reverse() : attrs));
    toSign = asSet;
    signedAttrs = joinBytes([Uint8Array.of(0xa0), asSet.subarray(1)]);
  }
  const key = createPrivateKey({ key: Buffer.from(signer.privateKey), format: 'der', type: 'pkcs8' });
  const ed25519 = key.asymmetricKeyType === 'ed25519';
  // Ed25519 signs the data itself (PureEdDSA): node:crypto takes no digest for it.
  const signature = new Uint8Array(nodeSign(ed25519 ? null : NODE_DIGEST[digest], toSign, key));
  if (signer.corruptSignature === true) signature[signature.length - 1]! ^= 0x01;
  return seq(
    int(1),
    issuerAndSerial(signer.certificate),
    digestAlg,
    ...(signedAttrs === null ? [] : [signedAttrs]),
    ed25519 ? seq(oid(OID.ed25519)) : seq(oid(OID.rsaEncryption), nul()),
    octets(signature),
  );
}

/** ContentInfo(SignedData) DER. */
export function craftSignedData(options: CraftOptions): Uint8Array {
  const eContentType = options.eContentType ?? OID.data;
  const digests = [...new Map(options.signers.map((s) => [digestOf(s), digestAlgorithm(s)])).values()];
  const certs = [...options.signers.map((s) => s.certificate), ...(options.certificates ?? [])];
  const signedData = seq(
    int(1),
    set(...digests),
    seq(oid(eContentType), ...(options.includeContent ? [explicit(0, octets(options.content))] : [])),
    ...(certs.length > 0 ? [implicitConstructed(0, ...certs)] : []),
    set(...options.signers.map((s) => signerInfo(s, options.content, eContentType))),
  );
  return seq(oid(OID.signedData), explicit(0, signedData));
}
