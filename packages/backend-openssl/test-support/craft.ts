// SignedData built field by field with node:crypto, for verification cases no signer tool writes:
// unknown algorithms, signed attributes out of DER order, subjectKeyIdentifier signers.
import { createHash, createPrivateKey, sign as nodeSign } from 'node:crypto';
import { OID, der, parseCertificate } from '@sealpost/core';

/** Algorithms no backend supports, for signers a verifier must refuse: SHA3-256 (RFC 8702) and DSA with SHA-256 (RFC 5758). */
export const UNSUPPORTED_OIDS = {
  sha3_256: '2.16.840.1.101.3.4.2.8',
  dsaWithSha256: '2.16.840.1.101.3.4.3.2',
} as const;

export interface CraftedSigner {
  readonly certificate: Uint8Array;
  /** PKCS#8 DER of an RSA key. */
  readonly privateKey: Uint8Array;
  /** Digest algorithm OID written in the SignerInfo; the signature itself always uses SHA-256. */
  readonly digestOid?: string;
  readonly signatureOid?: string;
  /** Write the signed attributes in this order, not in DER order, and sign them as written. */
  readonly unsortedAttributes?: boolean;
  readonly bySubjectKeyId?: boolean;
}

export function craftSigned(content: Uint8Array, signers: readonly CraftedSigner[], embedCertificates = true): Uint8Array {
  const infos = signers.map((s) => signerInfo(content, s));
  const digestAlgorithms = [...new Set(signers.map((s) => s.digestOid ?? OID.sha256))].map((oid) => der.algorithmIdentifier(oid));
  const signedData = der.sequence(
    der.integer(signers.some((s) => s.bySubjectKeyId === true) ? 3 : 1),
    der.setOf(digestAlgorithms),
    der.sequence(der.oid(OID.data), der.explicit(0, der.octetString(content))),
    ...(embedCertificates
      ? [
          der.setOf(
            signers.map((s) => s.certificate),
            0xa0,
          ),
        ]
      : []),
    der.setOf(infos),
  );
  return der.sequence(der.oid(OID.signedData), der.explicit(0, signedData));
}

function signerInfo(content: Uint8Array, s: CraftedSigner): Uint8Array {
  const cert = parseCertificate(s.certificate);
  const attributes = [
    der.sequence(der.oid(OID.messageDigest), der.setOf([der.octetString(createHash('sha256').update(content).digest())])),
    der.sequence(der.oid(OID.contentType), der.setOf([der.oid(OID.data)])),
  ];
  // setOf sorts (contentType first); the unsorted form keeps messageDigest first.
  const signedSet = s.unsortedAttributes === true ? der.tlv(0x31, ...attributes) : der.setOf(attributes);
  const signature = nodeSign('sha256', signedSet, createPrivateKey({ key: Buffer.from(s.privateKey), format: 'der', type: 'pkcs8' }));
  const sid =
    s.bySubjectKeyId === true
      ? der.implicitPrimitive(0, Buffer.from(cert.subjectKeyId!, 'hex'))
      : der.sequence(cert.issuerDer, der.unsignedInteger(Buffer.from(cert.serial.padStart(cert.serial.length + (cert.serial.length % 2), '0'), 'hex')));
  return der.sequence(
    der.integer(s.bySubjectKeyId === true ? 3 : 1),
    sid,
    der.algorithmIdentifier(s.digestOid ?? OID.sha256),
    Uint8Array.of(0xa0, ...signedSet.subarray(1)),
    der.algorithmIdentifier(s.signatureOid ?? OID.rsaEncryption, der.nullValue()),
    der.octetString(signature),
  );
}
