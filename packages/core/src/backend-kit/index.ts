// @sealpost/core/backend-kit: what backend authors use, the algorithm-independent CMS plumbing every backend needs
// (the CMS engine, OIDs, algorithm identifiers, PKCS#1 v1.5 padding with the RFC 3218 unpadding, signed
// attributes, typed capability refusals, the ASN.1 accessors over core's BER reader). Crypto primitives stay
// in each backend.
export {
  absentOrNull,
  type AlgorithmNode,
  algorithmOf,
  bitStringBytes,
  bitStringOf,
  type BitStringValue,
  booleanOf,
  childrenOf,
  decodeElement,
  encodingOf,
  explicitFields,
  explicitOf,
  integerContents,
  isContext,
  isMinimalInteger,
  isNull,
  isUniversal,
  type Node,
  octetsOf,
  oidOf,
  smallIntegerOf,
  unsignedIntegerOf,
} from '../asn1/accessors.js';
export {
  CIPHER_BY_OID,
  cipherOid,
  CONTENT_CIPHER_OIDS,
  DIGEST_BY_OID,
  ECDSA_SIGNATURE_DIGEST_BY_OID,
  KEY_TRANSPORT_BY_OID,
  LEGACY_PBE_NAMES,
  NAMED_CURVE_BY_OID,
  OID,
  RSA_SIGNATURE_DIGEST_BY_OID,
  SIGNATURE_DIGEST_BY_OID,
  SIGNATURE_NAME_BY_OID,
  UNSUPPORTED_PBES2_CIPHERS,
} from '../asn1/oids.js';
export { AES_CIPHERS, type AesCipherSpec, aesCipherByName, type CipherSpec, contentCipherFromOid, digestFromOid, digestLength, digestOid, isAuthenticatedCipher } from './algorithms.js';
export { assertContentCipher, assertDigest, assertKeyTransport, assertSignatureScheme, keyAgreementUnsupported, needsKeyAgreement, pkcs8Of } from './capabilities.js';
export {
  type AgreementCurve,
  type CertificateFacts,
  certificateFactsOf,
  CURVE25519_KEY_LENGTH,
  curveSize,
  type NamedCurve,
  type PublicKeyFacts,
  publicKeyFactsOf,
  type SigningKeyFacts,
  rsaPublicJwk,
  type RsaPublicJwk,
  rsaPublicJwkOfSpki,
} from './certificate-facts.js';
export { type CertificateSignatureInput, certificateSignatureInput, type SignedObject } from './certificate-signature.js';
export {
  aesCipherOf,
  cipherNameOf,
  cmsMalformed,
  GCM_NONCE_LENGTH,
  type KeyAgreeRecipient,
  type KeyTransRecipient,
  type KemRecipient as KemRecipientInfo,
  octetStringOf,
  type OtherRecipient,
  readContentInfo,
  readEnvelope,
  readSignedData,
  type ReceivedEnvelope,
  type ReceivedRecipient,
  type ReceivedSignedData,
  type ReceivedSignerInfo,
} from './cms-reader.js';
export { cbcParameters, type ContentParameters, contentParametersOf, gcmParameters } from './content-parameters.js';
export { decryptAgreed, decryptEncapsulated, decryptEnvelope, type DecryptionPlan, decryptPlanned, planDecryption } from './decrypt-envelope.js';
export { checkEncryptRequest, type EcRecipient, encryptContent, type KemRecipient, type RsaRecipient } from './encrypt-content.js';
export { cmsOriForKemOtherInfo, kemKeyEncryptionKey, kemPrimitives, kemRecipientInfo, type KemRecipientParams, kemRecipientParams, kemUnwrapKey, kemWrapLength } from './kem-recipient.js';
export {
  isMlDsaScheme,
  ML_DSA_PARAMETER_SETS,
  ML_DSA_SEED_LENGTH,
  ML_KEM_PARAMETER_SETS,
  ML_KEM_SEED_LENGTH,
  ML_KEM_SHARED_SECRET_LENGTH,
  mlDsaOid,
  mlDsaParameterSetOf,
  type MlDsaPrivateKey,
  mlDsaPrivateKeyOf,
  mlDsaPublicKeyLength,
  mlDsaSignatureLength,
  mlKemCiphertextLength,
  mlKemOid,
  mlKemParameterSetOf,
  type MlKemPrivateKey,
  mlKemPrivateKeyOf,
  mlKemPublicKeyLength,
  postQuantumPkcs8,
  type PostQuantumPrivateKey,
  postQuantumSpki,
  postQuantumStrength,
} from './post-quantum.js';
export { kemDecapsulate, kemEncapsulate, mlDsaSign, mlDsaVerify } from './noble-post-quantum.js';
export { bigIntToBytes, byteLength, bytesToBigInt, modInverse, modPow } from './rsa-math.js';
export { type EncryptedContentParts, envelopeContentInfo, keyAgreeRecipientInfo, keyTransRecipientInfo } from './envelope-writer.js';
export { type IdentifiedCertificate, type Identifier, identifierOf, identifies, issuerAndSerialNumber, recipientFor } from './identifiers.js';
export {
  AGREEMENT_BY_CURVE,
  agreementCurveOf,
  agreementPrimitives,
  agreementPublicKey,
  checkSchemeForCurve,
  type Digest,
  eccCmsSharedInfo,
  hkdf,
  keyAgreementChoice,
  keyAgreementIdentifier,
  keyAgreementOf,
  type KeyAgreementParams,
  keyEncryptionKey,
  type KeyWrapLength,
  originatorKey,
  originatorPublicKey,
  x963Kdf,
} from './key-agreement.js';
export { keyTransportOf, type KeyTransportParams, oaepKeyTransportIdentifier, rsaPkcs1KeyTransportIdentifier } from './key-transport.js';
export { type CmsLimits, DEFAULT_CMS_LIMITS, resolveCmsLimits } from './limits.js';
export { pkcs1v15Pad, pkcs1v15UnpadKey } from './pkcs1v15.js';
export { malformedKey, type PrivateKeyInfoParts, privateKeyInfoOf } from './private-key-info.js';
export type {
  AesKeyWrap,
  ContentDecryption,
  ContentEncryption,
  DecryptPrimitives,
  EncryptPrimitives,
  EphemeralAgreement,
  KemDecapsulation,
  KemEncapsulation,
  KemPrimitives,
  KeyAgreementPrimitives,
  KeyUnwrap,
  KeyWrap,
  SharedSecretDerivation,
  SignatureCheck,
  SignatureCreation,
  SignPrimitives,
  VerifyPrimitives,
} from './primitives.js';
export { signContent } from './sign-content.js';
export {
  ED25519_DIGEST,
  hashIdentifierWithNull,
  ML_DSA_DIGEST,
  ML_DSA_DIGESTS,
  signatureAlgorithmIdentifier,
  type SignatureParams,
  signatureParamsOf,
  signingParams,
  takesNoParameters,
} from './signature-algorithms.js';
export { messageDigestOf, newSignedAttributes, type SignedAttributeInput } from './signed-attributes.js';
export { signedDataContentInfo, type SignedDataParts, signerInfo, type SignerInfoParts, uniqueEncodings } from './signed-data-writer.js';
export { checkCertificateSignature, verifySignedData } from './verify-signed-data.js';
export { ED25519_SIGNATURE_LENGTH, ed25519SignatureShapeFits, isUsableEd25519Key } from './ed25519-encoding.js';
export { capabilityOf, decryptLegacyContent, isLegacyCipher, LEGACY_CIPHERS, legacyCipherNotWritten, legacyCipherOf } from './legacy-content.js';
export { type BytesMemo, createBytesMemo } from '../bytes-cache.js';
export type { AbortSignalLike, AbortSignalShape } from '../runtime-types.js';
