// @sealpost/core/testing: a throwaway PKI for tests and demos (WebCrypto only, no openssl), never for
// real mail.
export { generateTestCa, generateTestIdentity, type TestCaOptions, type TestIdentityOptions } from './pki/testpki.js';
export { generateTestCrl, type TestCrlEntry, type TestCrlOptions } from './pki/testcrl.js';
export type { TestCa, TestIdentity, TestKeyType } from './pki/types.js';
