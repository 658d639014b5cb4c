import type { ContentCipher, DigestAlgorithm, KeyTransport } from '../backend.js';

/**
 * The one table of object identifiers core, the backends and the tests use. Entries carry their
 * ASN.1 names from the RFCs that define them, the way PKI.js's ObjectIdentifiers.ts does: the `id-`,
 * `id-ce-`, `id-at-`, `id-kp-`, `id-ct-`, `id-alg-` and `pkcs-9-at-` prefixes dropped, a hyphenated
 * name joined in lower camel case (`id-RSASSA-PSS` is `rsassaPss`, `ecdsa-with-SHA256` is
 * `ecdsaWithSha256`, `id-aes128-CBC` is `aes128Cbc`), a one-word name kept as written
 * (`sha256WithRSAEncryption`, `id-hmacWithSHA256` is `hmacWithSHA256`).
 */
export const OID = {
  // CMS content types (RFC 5652, RFC 5083)
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
  // CMS and S/MIME attributes (RFC 5652 11, RFC 8551 2.5.2)
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  smimeCapabilities: '1.2.840.113549.1.9.15',
  // digests (RFC 3370, RFC 5754)
  md5: '1.2.840.113549.2.5',
  sha1: '1.3.14.3.2.26',
  sha224: '2.16.840.1.101.3.4.2.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  // RSA (RFC 8017, RFC 4055)
  rsaEncryption: '1.2.840.113549.1.1.1',
  md5WithRSAEncryption: '1.2.840.113549.1.1.4',
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  sha224WithRSAEncryption: '1.2.840.113549.1.1.14',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  rsaesOaep: '1.2.840.113549.1.1.7',
  mgf1: '1.2.840.113549.1.1.8',
  pSpecified: '1.2.840.113549.1.1.9',
  rsassaPss: '1.2.840.113549.1.1.10',
  // DSA (RFC 3279)
  dsa: '1.2.840.10040.4.1',
  dsaWithSha1: '1.2.840.10040.4.3',
  // elliptic curves (RFC 5480, RFC 5758, RFC 8410, RFC 5639)
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha1: '1.2.840.10045.4.1',
  ecdsaWithSha224: '1.2.840.10045.4.3.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  secp256r1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  secp256k1: '1.3.132.0.10',
  brainpoolP256r1: '1.3.36.3.3.2.8.1.1.7',
  brainpoolP384r1: '1.3.36.3.3.2.8.1.1.11',
  brainpoolP512r1: '1.3.36.3.3.2.8.1.1.13',
  x25519: '1.3.101.110',
  x448: '1.3.101.111',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  // content ciphers (RFC 3565, RFC 5084, RFC 3370, RFC 8103)
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  aes128Gcm: '2.16.840.1.101.3.4.1.6',
  aes192Gcm: '2.16.840.1.101.3.4.1.26',
  aes256Gcm: '2.16.840.1.101.3.4.1.46',
  desEde3Cbc: '1.2.840.113549.3.7',
  rc2Cbc: '1.2.840.113549.3.2',
  aeadChaCha20Poly1305: '1.2.840.113549.1.9.16.3.18',
  // key wrap (RFC 3394, RFC 3565, RFC 3217) and ECDH key agreement (RFC 5753; SEC 1 and X9.63 names)
  aes128Wrap: '2.16.840.1.101.3.4.1.5',
  aes192Wrap: '2.16.840.1.101.3.4.1.25',
  aes256Wrap: '2.16.840.1.101.3.4.1.45',
  cms3DESwrap: '1.2.840.113549.1.9.16.3.6',
  dhSinglePassStdDHSha1kdfScheme: '1.3.133.16.840.63.0.2',
  dhSinglePassStdDHSha224kdfScheme: '1.3.132.1.11.0',
  dhSinglePassStdDHSha256kdfScheme: '1.3.132.1.11.1',
  dhSinglePassStdDHSha384kdfScheme: '1.3.132.1.11.2',
  dhSinglePassStdDHSha512kdfScheme: '1.3.132.1.11.3',
  dhSinglePassCofactorDHSha1kdfScheme: '1.3.133.16.840.63.0.3',
  dhSinglePassCofactorDHSha224kdfScheme: '1.3.132.1.14.0',
  dhSinglePassCofactorDHSha256kdfScheme: '1.3.132.1.14.1',
  dhSinglePassCofactorDHSha384kdfScheme: '1.3.132.1.14.2',
  dhSinglePassCofactorDHSha512kdfScheme: '1.3.132.1.14.3',
  // RFC 8418 2.2: ECDH with HKDF (X25519, X448)
  dhSinglePassStdDHHkdfSha256Scheme: '1.2.840.113549.1.9.16.3.19',
  dhSinglePassStdDHHkdfSha384Scheme: '1.2.840.113549.1.9.16.3.20',
  dhSinglePassStdDHHkdfSha512Scheme: '1.2.840.113549.1.9.16.3.21',
  // KEM recipients (RFC 9629: id-ori-kem) with ML-KEM (FIPS 203, RFC 9935, RFC 9936) and HKDF (RFC 8619)
  oriKem: '1.2.840.113549.1.9.16.13.3',
  mlKem512: '2.16.840.1.101.3.4.4.1',
  mlKem768: '2.16.840.1.101.3.4.4.2',
  mlKem1024: '2.16.840.1.101.3.4.4.3',
  hkdfWithSha256: '1.2.840.113549.1.9.16.3.28',
  hkdfWithSha384: '1.2.840.113549.1.9.16.3.29',
  hkdfWithSha512: '1.2.840.113549.1.9.16.3.30',
  // ML-DSA (FIPS 204, RFC 9881, RFC 9882)
  mlDsa44: '2.16.840.1.101.3.4.3.17',
  mlDsa65: '2.16.840.1.101.3.4.3.18',
  mlDsa87: '2.16.840.1.101.3.4.3.19',
  // PKCS#5 (RFC 8018, RFC 9579) and scrypt (RFC 7914)
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbmac1: '1.2.840.113549.1.5.14',
  scrypt: '1.3.6.1.4.1.11591.4.11',
  hmacWithSHA1: '1.2.840.113549.2.7',
  hmacWithSHA224: '1.2.840.113549.2.8',
  hmacWithSHA256: '1.2.840.113549.2.9',
  hmacWithSHA384: '1.2.840.113549.2.10',
  hmacWithSHA512: '1.2.840.113549.2.11',
  // PKCS#12 (RFC 7292) and its PKCS#9 attributes
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  // name attributes (RFC 5280 appendix A, RFC 4519)
  emailAddress: '1.2.840.113549.1.9.1',
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  countryName: '2.5.4.6',
  localityName: '2.5.4.7',
  stateOrProvinceName: '2.5.4.8',
  streetAddress: '2.5.4.9',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  title: '2.5.4.12',
  givenName: '2.5.4.42',
  uid: '0.9.2342.19200300.100.1.1',
  domainComponent: '0.9.2342.19200300.100.1.25',
  // certificate extensions (RFC 5280 4.2)
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  inhibitAnyPolicy: '2.5.29.54',
  cRLDistributionPoints: '2.5.29.31',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  // CRL and CRL entry extensions (RFC 5280 5.2, 5.3)
  cRLNumber: '2.5.29.20',
  cRLReasons: '2.5.29.21',
  invalidityDate: '2.5.29.24',
  deltaCRLIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  certificateIssuer: '2.5.29.29',
  // OCSP (RFC 6960): the access method, the basic response, its extensions
  ocsp: '1.3.6.1.5.5.7.48.1',
  pkixOcspBasic: '1.3.6.1.5.5.7.48.1.1',
  pkixOcspNocheck: '1.3.6.1.5.5.7.48.1.5',
  // extended key usages (RFC 5280 4.2.1.12)
  serverAuth: '1.3.6.1.5.5.7.3.1',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

/*
 * Lookups by OID, each derived from the table above. They are frozen null-prototype records, so an
 * OID string can never reach an inherited property ("__proto__", "toString").
 */

function byOid<T>(entries: readonly (readonly [string, T])[]): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, Object.fromEntries(entries)));
}

export const DIGEST_BY_OID: Readonly<Record<string, DigestAlgorithm>> = byOid([
  [OID.md5, 'md5'],
  [OID.sha1, 'sha-1'],
  [OID.sha224, 'sha-224'],
  [OID.sha256, 'sha-256'],
  [OID.sha384, 'sha-384'],
  [OID.sha512, 'sha-512'],
]);

/** The PKCS#1 v1.5 signature algorithms (RFC 8017 A.2.4), each with the hash it fixes. */
export const RSA_SIGNATURE_DIGEST_BY_OID: Readonly<Record<string, DigestAlgorithm>> = byOid([
  [OID.md5WithRSAEncryption, 'md5'],
  [OID.sha1WithRSAEncryption, 'sha-1'],
  [OID.sha224WithRSAEncryption, 'sha-224'],
  [OID.sha256WithRSAEncryption, 'sha-256'],
  [OID.sha384WithRSAEncryption, 'sha-384'],
  [OID.sha512WithRSAEncryption, 'sha-512'],
]);

/** The ECDSA signature algorithms (RFC 3279, RFC 5758), each with the hash it fixes. */
export const ECDSA_SIGNATURE_DIGEST_BY_OID: Readonly<Record<string, DigestAlgorithm>> = byOid([
  [OID.ecdsaWithSha1, 'sha-1'],
  [OID.ecdsaWithSha224, 'sha-224'],
  [OID.ecdsaWithSha256, 'sha-256'],
  [OID.ecdsaWithSha384, 'sha-384'],
  [OID.ecdsaWithSha512, 'sha-512'],
]);

/**
 * Signature algorithm OIDs that fix their own digest, for reports and the digest policy (the weak
 * ones matter there). ecdsa-with-SHA224 is left out, as reports have always left it.
 */
export const SIGNATURE_DIGEST_BY_OID: Readonly<Record<string, DigestAlgorithm>> = byOid([
  ...Object.entries(RSA_SIGNATURE_DIGEST_BY_OID),
  ...Object.entries(ECDSA_SIGNATURE_DIGEST_BY_OID).filter(([oid]) => oid !== OID.ecdsaWithSha224),
  [OID.dsaWithSha1, 'sha-1'],
]);

/** The signature scheme a SignerInfo's signatureAlgorithm names, as reports name it. */
export const SIGNATURE_NAME_BY_OID: Readonly<Record<string, string>> = byOid([
  [OID.rsaEncryption, 'rsa-pkcs1'],
  ...Object.keys(RSA_SIGNATURE_DIGEST_BY_OID).map((oid) => [oid, 'rsa-pkcs1'] as const),
  [OID.rsassaPss, 'rsa-pss'],
  [OID.ecPublicKey, 'ecdsa'],
  ...Object.keys(ECDSA_SIGNATURE_DIGEST_BY_OID)
    .filter((oid) => oid !== OID.ecdsaWithSha224)
    .map((oid) => [oid, 'ecdsa'] as const),
  [OID.dsa, 'dsa'],
  [OID.dsaWithSha1, 'dsa'],
  [OID.ed25519, 'ed25519'],
  [OID.ed448, 'ed448'],
  [OID.mlDsa44, 'ml-dsa-44'],
  [OID.mlDsa65, 'ml-dsa-65'],
  [OID.mlDsa87, 'ml-dsa-87'],
]);

/** Every content cipher's OID, by name: for SMIMECapabilities and for naming refused ciphers. */
export const CONTENT_CIPHER_OIDS: Readonly<Record<ContentCipher, string>> = {
  'aes-128-cbc': OID.aes128Cbc,
  'aes-192-cbc': OID.aes192Cbc,
  'aes-256-cbc': OID.aes256Cbc,
  'aes-128-gcm': OID.aes128Gcm,
  'aes-192-gcm': OID.aes192Gcm,
  'aes-256-gcm': OID.aes256Gcm,
  'des-ede3-cbc': OID.desEde3Cbc,
  'rc2-cbc': OID.rc2Cbc,
  'rc2-40-cbc': OID.rc2Cbc,
  'rc2-64-cbc': OID.rc2Cbc,
  'rc2-128-cbc': OID.rc2Cbc,
  'chacha20-poly1305': OID.aeadChaCha20Poly1305,
};

/** Each cipher by its OID. RC2's one OID maps to `rc2-cbc`: its key size is in the parameters. */
export const CIPHER_BY_OID: Readonly<Record<string, ContentCipher>> = byOid(
  Object.entries(CONTENT_CIPHER_OIDS)
    .filter(([name]) => !/^rc2-\d+-cbc$/.test(name))
    .map(([name, oid]) => [oid, name as ContentCipher] as const),
);

/** The content cipher's OID; RangeError for a name that is not a ContentCipher. */
export function cipherOid(cipher: ContentCipher): string {
  if (!Object.hasOwn(CONTENT_CIPHER_OIDS, cipher)) throw new RangeError(`unknown cipher ${cipher}`);
  return CONTENT_CIPHER_OIDS[cipher];
}

export const KEY_TRANSPORT_BY_OID: Readonly<Record<string, KeyTransport>> = byOid([
  [OID.rsaEncryption, 'rsa-pkcs1'],
  [OID.rsaesOaep, 'rsa-oaep'],
]);

/** The NIST curves the backends compute on, by their RFC 5480 OIDs (WebCrypto's names). */
export const NAMED_CURVE_BY_OID: Readonly<Record<string, 'P-256' | 'P-384' | 'P-521'>> = byOid([
  [OID.secp256r1, 'P-256'],
  [OID.secp384r1, 'P-384'],
  [OID.secp521r1, 'P-521'],
]);

/** Password-based encryption schemes of PKCS#5 v1.5 and PKCS#12 that WebCrypto has no cipher for, by OID. */
export const LEGACY_PBE_NAMES: Readonly<Record<string, string>> = byOid([
  ['1.2.840.113549.1.12.1.1', 'pbeWithSHAAnd128BitRC4'],
  ['1.2.840.113549.1.12.1.2', 'pbeWithSHAAnd40BitRC4'],
  ['1.2.840.113549.1.12.1.3', 'pbeWithSHAAnd3-KeyTripleDES-CBC'],
  ['1.2.840.113549.1.12.1.4', 'pbeWithSHAAnd2-KeyTripleDES-CBC'],
  ['1.2.840.113549.1.12.1.5', 'pbeWithSHAAnd128BitRC2-CBC'],
  ['1.2.840.113549.1.12.1.6', 'pbeWithSHAAnd40BitRC2-CBC'],
  ['1.2.840.113549.1.5.1', 'pbeWithMD2AndDES-CBC'],
  ['1.2.840.113549.1.5.3', 'pbeWithMD5AndDES-CBC'],
  ['1.2.840.113549.1.5.4', 'pbeWithMD2AndRC2-CBC'],
  ['1.2.840.113549.1.5.6', 'pbeWithMD5AndRC2-CBC'],
  ['1.2.840.113549.1.5.10', 'pbeWithSHA1AndDES-CBC'],
  ['1.2.840.113549.1.5.11', 'pbeWithSHA1AndRC2-CBC'],
]);

/** Ciphers PBES2 may name that WebCrypto lacks, by OID. */
export const UNSUPPORTED_PBES2_CIPHERS: Readonly<Record<string, string>> = byOid([
  [OID.desEde3Cbc, 'des-ede3-cbc'],
  ['1.3.14.3.2.7', 'des-cbc'],
  [OID.rc2Cbc, 'rc2-cbc'],
  ['1.2.410.200004.1.4', 'seed-cbc'],
  ['1.2.392.200011.61.1.1.1.2', 'camellia128-cbc'],
  ['1.2.392.200011.61.1.1.1.4', 'camellia256-cbc'],
]);
