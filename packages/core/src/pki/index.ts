export type { CertificateInfo, ChainError, ChainPolicy, ChainPurpose, ChainResult, Identity, PublicKeyInfo, TestCa, TestIdentity, TestKeyType } from './types.js';
export { pemDecode, pemEncode, readCertificates } from './pem.js';
export { certificateAddresses, normalizeAddress, parseCertificate, sameCertificate } from './certificate.js';
export { keyMatchesCertificate, privateKeyInfo, readPrivateKey, type Pkcs8PrivateKey } from './keys.js';
export { DEFAULT_PKCS12_ITERATIONS, readPkcs12, writePkcs12, type Pkcs12Identity, type WritePkcs12Options } from './pkcs12.js';
export { buildChain, type BuildChainOptions } from './chain.js';
export { generateTestCa, generateTestIdentity, type TestCaOptions, type TestIdentityOptions } from './testpki.js';
