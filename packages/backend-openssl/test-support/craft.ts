// SignedData built field by field with node:crypto, for verification cases no signer tool writes:
// unknown algorithms, signed attributes out of DER order, subjectKeyIdentifier signers.
import { createHash, createPrivateKey, sign as nodeSign } from 'node:crypto';
import { der, parseCertificate } from '@sealpost/core';

export const OIDS = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256: '2.16.840.1.101.3.4.2.1',
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
  const digestAlgorithms = [...new Set(signers.map((s) => s.digestOid ?? OIDS.sha256))].map((oid) => der.algorithmIdentifier(oid));
  const signedData = der.sequence(
    der.integer(signers.some((s) => s.bySubjectKeyId === true) ? 3 : 1),
    der.setOf(digestAlgorithms),
    der.sequence(der.oid(OIDS.data), der.explicit(0, der.octetString(content))),
    ...(embedCertificates ? [der.setOf(signers.map((s) => s.certificate), 0xa0)] : []),
    der.setOf(infos),
  );
  return der.sequence(der.oid(OIDS.signedData), der.explicit(0, signedData));
}

function signerInfo(content: Uint8Array, s: CraftedSigner): Uint8Array {
  const cert = parseCertificate(s.certificate);
  const attributes = [
    der.sequence(der.oid(OIDS.messageDigest), der.setOf([der.octetString(createHash('sha256').update(content).digest())])),
    der.sequence(der.oid(OIDS.contentType), der.setOf([der.oid(OIDS.data)])),
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
    der.algorithmIdentifier(s.digestOid ?? OIDS.sha256),
    Uint8Array.of(0xa0, ...signedSet.subarray(1)),
    der.algorithmIdentifier(s.signatureOid ?? OIDS.rsaEncryption, der.nullValue()),
    der.octetString(signature),
  );
}
