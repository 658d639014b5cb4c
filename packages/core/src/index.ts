// @sealpost/core: the SDK. Every name is exported explicitly, so what is public is what is listed here.
// Backend authors import `@sealpost/core/backend-kit`; tests that need a throwaway PKI import
// `@sealpost/core/testing`.

// Errors
export { DECRYPTION_FAILED_MESSAGE, decryptionFailed, type ErrorCode, isSealpostError, SealpostError, type SealpostErrorOptions, throwIfAborted } from './errors.js';

// S/MIME: the entry point, reports and policy
export { createSealpost } from './smime/create.js';
export { assertValid } from './smime/assert.js';
export { DEFAULT_LIMITS } from './smime/limits.js';
export { isSignedEntity } from './smime/verify.js';
export { isEncryptedEntity } from './smime/decrypt.js';
export { type SmimeKind, smimeKind } from './smime/detect.js';
export { textWithoutLegacyDisplay } from './smime/header-protection.js';
export type {
  CertificateSummary,
  DecryptOptions,
  DecryptReport,
  DecryptStatus,
  EncryptOptions,
  EncryptRecipient,
  HeaderConfidentiality,
  HeaderProtectionMode,
  HeaderProtectionOptions,
  HeaderProtectionReport,
  Limits,
  OpenLayer,
  OpenOptions,
  OpenReport,
  ProtectedHeaderDifference,
  ReportError,
  Sealpost,
  SealpostOptions,
  SendOptions,
  SendRecipientReport,
  SendError,
  SendReport,
  SignAndEncryptOptions,
  SignerReport,
  SignOptions,
  VerifyOptions,
  VerifyPolicy,
  VerifyReport,
  VerifyStatus,
} from './smime/types.js';

// The interfaces a backend, a transport and a key store implement
export type {
  BackendCapabilities,
  CertificateSignatureRequest,
  ContentCipher,
  CryptoBackend,
  DecryptRequest,
  DecryptResult,
  DigestAlgorithm,
  DigestRequest,
  EncryptRequest,
  KeyAgreement,
  KeyTransport,
  MlDsaParameterSet,
  MlKemParameterSet,
  PrivateKeyRef,
  RecipientInput,
  Runtime,
  SignatureScheme,
  SignerCheck,
  SignerInput,
  SignRequest,
  VerifyRequest,
} from './backend.js';
export type { Envelope, RecipientResult, RecipientStatus, SendRequest, SendResult, Transport } from './transport/types.js';
export type { KeyStore, KeyStoreEntrySummary, PutCertificate, PutOutcome, StoredCertificate } from './keystore/types.js';
export { MAX_ADDRESS_OCTETS, MAX_LOCAL_PART_OCTETS, normalizeStoreAddress, type StoreAddressProblem } from './keystore/address.js';
export { type CapabilitiesSource, CIPHER_PREFERENCE, type CipherChoiceOptions, chooseCipher, type RecipientCapabilities, recipientCapabilities } from './keystore/cipher-choice.js';
export { certificateToCollect, validSigner } from './keystore/collect.js';

// MIME
export { parseMime } from './mime/parse.js';
export { DEFAULT_MIME_LIMITS } from './mime/limits.js';
export { getHeader, getHeaders } from './mime/headers.js';
export { parseContentType } from './mime/content-type.js';
export { type ParameterizedValue, parseParameterizedValue } from './mime/parameters.js';
export { decodeHeaderWords, encodeHeaderWords } from './mime/encoded-words.js';
export { decodeBody, quotedPrintableDecode, transferEncodingOf } from './mime/transfer-encoding.js';
export { isSevenBitSafe, toCrlf } from './mime/lines.js';
export { canonicalizeForSigning } from './mime/canonical.js';
export { buildEntity, buildMultipart, foldHeaderField, formatParameter, generateBoundary, type HeaderField } from './mime/build.js';
export { joinMessage, splitMessage } from './mime/split.js';
export { addressesEqual, fromAddress, parseMailboxList } from './mime/address.js';
export type { ContentType, FromAddress, Mailbox, MimeEntity, MimeHeader, MimeLimits, SplitMessage } from './mime/types.js';

// Certificates, keys, PKCS#12 and chains
export { pemDecode, pemEncode, readCertificates } from './pki/pem.js';
export { certificateAddresses, normalizeAddress, parseCertificate, sameCertificate } from './pki/certificate.js';
export { keyMatchesCertificate, type Pkcs8PrivateKey, privateKeyInfo, readPrivateKey } from './pki/keys.js';
export { DEFAULT_PKCS12_ITERATIONS, type Pkcs12Identity, readPkcs12, writePkcs12, type WritePkcs12Options } from './pki/pkcs12.js';
export { buildChain, type BuildChainOptions } from './pki/chain.js';
export {
  DEFAULT_MAX_REVOCATION_RESPONSE_BYTES,
  DEFAULT_REVOCATION_TIMEOUT_MS,
  type RevocationCheck,
  type RevocationMode,
  type RevocationOptions,
  type RevocationReason,
  type RevocationStatus,
} from './pki/revocation.js';
export { createRevocationCache, type RevocationCache, type RevocationCacheOptions } from './pki/revocation-cache.js';
export type { RevocationFetch } from './pki/revocation-fetch.js';
export type { AbortSignalLike, AbortSignalShape, FetchHeadersShape, FetchInit, FetchInitShape, FetchRequest, FetchRequestShape, FetchResponse, FetchResponseShape } from './runtime-types.js';
export { type CrlEntry, type CrlInfo, parseCrl } from './pki/crl.js';
export type { CertificateInfo, ChainError, ChainPolicy, ChainPurpose, ChainResult, Identity, PublicKeyInfo } from './pki/types.js';

// CMS as core reads it, and the OID table
export {
  type CmsAttribute,
  type CmsSummary,
  type EnvelopedDataSummary,
  inspectCms,
  type RecipientSummary,
  type SignedDataSummary,
  type SignerIdentifier,
  type SignerInfoSummary,
} from './cms/inspect.js';
export { CIPHER_BY_OID, cipherOid, CONTENT_CIPHER_OIDS, DIGEST_BY_OID, KEY_TRANSPORT_BY_OID, OID, SIGNATURE_DIGEST_BY_OID, SIGNATURE_NAME_BY_OID } from './asn1/oids.js';
export { isAuthenticatedCipher } from './backend-kit/algorithms.js';
export { type Rc2Cipher, rc2CipherOfKeyBits, rc2CipherOfParameterVersion, rc2KeyBits, smimeCapabilitiesDer, smimeCapabilityCiphers } from './cms/smime-capabilities.js';

// Bytes, the BER reader and the DER writer
export {
  arrayBufferBacked,
  base64Decode,
  base64Encode,
  bytesEqual,
  concatBytes,
  constantTimeEqual,
  joinBytes,
  latin1Decode,
  latin1Encode,
  leftPad,
  stripLeadingZeros,
  toHex,
  utf8Decode,
  utf8Encode,
} from './bytes.js';
export { type BerNode, parseBer } from './asn1/ber-reader.js';
export * as der from './asn1/der-writer.js';
