// Many recipients' certificates, made quickly: one RSA-2048 key (bob's, from the test PKI) under N
// certificates issued by the test root, each naming its own address. Generating 2 000 key pairs would
// take minutes; the sealing work per recipient is the same whichever key the certificate holds.
import { createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { der, parseBer, parseCertificate, pemEncode } from '../../../packages/core/dist/index.js';

const OID = {
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  emailProtection: '1.3.6.1.5.5.7.3.4',
};
const HOUR = 60 * 60 * 1000;

/** The address of recipient `index` (0-based): rcpt-00001@bench.example, ... */
export function recipientAddress(index) {
  return `rcpt-${String(index + 1).padStart(5, '0')}@bench.example`;
}

/**
 * `count` certificates `{ address, certificate (DER) }` for `keyOf`'s public key, issued by the test
 * root (`pki.ca`, whose key is read from its file), valid from an hour ago for a year.
 */
export function issueRecipientCertificates(pki, { count, keyOf = pki.identities.bob }) {
  const caInfo = parseCertificate(pki.ca.cert);
  const caKey = createPrivateKey(readFileSync(pki.ca.keyPath));
  const spki = parseCertificate(keyOf.cert).spki;
  const algorithm = der.sequence(der.oid(OID.sha256WithRSAEncryption), der.nullValue());
  const now = Date.now();
  const validity = der.sequence(der.time(new Date(now - HOUR)), der.time(new Date(now + 365 * 24 * HOUR)));
  const shared = [
    extension(OID.basicConstraints, true, der.sequence()),
    extension(OID.keyUsage, true, der.namedBits([0, 2])), // digitalSignature, keyEncipherment
    extension(OID.extKeyUsage, false, der.sequence(der.oid(OID.emailProtection))),
    extension(OID.subjectKeyIdentifier, false, der.octetString(keyIdentifier(spki))),
    extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicitPrimitive(0, keyIdentifier(caInfo.spki)))),
  ];
  const out = [];
  for (let i = 0; i < count; i++) {
    const address = recipientAddress(i);
    const tbs = der.sequence(
      der.explicit(0, der.integer(2)),
      der.unsignedInteger(Uint8Array.of(0x01, ...randomBytes(15))),
      algorithm,
      caInfo.subjectDer,
      validity,
      der.sequence(der.setOf([der.sequence(der.oid(OID.commonName), der.utf8String(address))])),
      spki,
      der.explicit(3, der.sequence(...shared, extension(OID.subjectAltName, false, der.sequence(der.implicitPrimitive(1, new TextEncoder().encode(address)))))),
    );
    const signature = new Uint8Array(sign('sha256', tbs, caKey));
    out.push({ address, certificate: der.sequence(tbs, algorithm, der.bitString(signature)) });
  }
  return out;
}

/** `ADDRESS.crt` (PEM) content, as a folder key store holds it. */
export function certificatePem(certificate) {
  return pemEncode(certificate, 'CERTIFICATE');
}

function extension(id, critical, value) {
  return der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's contents. */
function keyIdentifier(spki) {
  const bits = parseBer(spki).children[1].contents.subarray(1);
  return new Uint8Array(createHash('sha1').update(bits).digest());
}
