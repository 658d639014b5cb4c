import type { DigestAlgorithm, SignatureScheme, SignerInput, SignRequest } from '@sealpost/core';
import { SealpostError, throwIfAborted } from '@sealpost/core';
import { decodeElement, isUniversal } from './asn1.js';
import { digestOid } from './algorithms.js';
import type { Bytes } from './bytes.js';
import { assertSignatureScheme, assertSigningDigest, pkcs8Of } from './capabilities.js';
import { parseCertificateOrThrow, type CertificateFacts } from './certificates.js';
import type { Context } from './context.js';
import { algorithmIdentifier, explicit, integer, objectIdentifier, octetString, sequence, setOf, tlv } from './der-writer.js';
import { computeDigest } from './digest.js';
import { privateKeyFacts, type PrivateKeyFacts } from './keys.js';
import { OID } from './oids.js';
import { newSignedAttributes } from './signed-attributes.js';
import { signatureAlgorithmIdentifier, signingParams } from './signature-algorithms.js';
import { createSignature } from './signature-create.js';
import { verifySignature } from './signature-verify.js';

interface PreparedSigner {
  readonly input: SignerInput;
  readonly certificate: CertificateFacts;
  readonly key: PrivateKeyFacts;
  readonly scheme: SignatureScheme;
}

/** ContentInfo(SignedData) DER: id-data, SignerInfo v1 by issuerAndSerialNumber, signed attributes always. */
export async function signCms(ctx: Context, request: SignRequest): Promise<Uint8Array> {
  throwIfAborted(request.signal);
  if (!(request.content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  if (!Array.isArray(request.signers) || request.signers.length === 0) throw new TypeError('at least one signer is required');
  const signers = request.signers.map(prepareSigner);
  const extraCertificates = (request.certificates ?? []).map(checkedCertificate);

  const digests = new Map<DigestAlgorithm, Bytes>();
  for (const digest of new Set(signers.map((s) => s.input.digest))) {
    digests.set(digest, await computeDigest(ctx, digest, request.content));
    throwIfAborted(request.signal);
  }

  const signerInfos: Bytes[] = [];
  for (const signer of signers) {
    signerInfos.push(await signerInfo(ctx, signer, digests.get(signer.input.digest) as Bytes));
    throwIfAborted(request.signal);
  }

  const certificates = uniqueBytes([...signers.map((s) => s.certificate.der), ...extraCertificates]);
  const encapsulated = request.detached
    ? sequence(objectIdentifier(OID.data))
    : sequence(objectIdentifier(OID.data), explicit(0, octetString(request.content)));
  const signedData = sequence(
    integer(1),
    setOf(uniqueBytes(signers.map((s) => algorithmIdentifier(digestOid(s.input.digest))))),
    encapsulated,
    setOf(certificates, 0xa0),
    setOf(signerInfos),
  );
  return sequence(objectIdentifier(OID.signedData), explicit(0, signedData));
}

/** Every capability and key check, before any signing work starts. */
function prepareSigner(input: SignerInput): PreparedSigner {
  assertSigningDigest(input.digest);
  if (input.scheme !== undefined) assertSignatureScheme(input.scheme);
  const pkcs8 = pkcs8Of(input.privateKey);
  const certificate = parseCertificateOrThrow(input.certificate, 'signer');
  const key = privateKeyFacts(pkcs8);
  if (key.kind === 'ec' && key.curve === 'P-521') throw new SealpostError('ERR_UNSUPPORTED_KEY', 'P-521 keys are not supported for signing by this backend');
  const publicKey = certificate.publicKey;
  if (publicKey?.kind !== key.kind) throw keyMismatch();
  const pssOnly = publicKey.kind === 'rsa' && publicKey.pssOnly;
  const scheme = input.scheme ?? (key.kind === 'ec' ? 'ecdsa' : pssOnly ? 'rsa-pss' : 'rsa-pkcs1');
  if ((scheme === 'ecdsa') !== (key.kind === 'ec'))
    throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', `signature scheme ${scheme} cannot be used with ${key.kind === 'rsa' ? 'an RSA' : 'an EC'} key`);
  if (pssOnly && scheme !== 'rsa-pss') throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', 'an RSASSA-PSS key signs with rsa-pss only');
  return { input, certificate, key, scheme };
}

function keyMismatch(): SealpostError {
  return new SealpostError('ERR_KEY_MISMATCH', 'the private key does not belong to the signer certificate');
}

async function signerInfo(ctx: Context, signer: PreparedSigner, messageDigest: Bytes): Promise<Bytes> {
  const { input, certificate, key, scheme } = signer;
  const attributes = newSignedAttributes({ messageDigest, signingTime: input.signingTime, smimeCapabilities: input.smimeCapabilities });
  const signature = await createSignature(ctx, key, scheme, input.digest, setOf(attributes));
  // Checking the fresh signature against the certificate catches a key that belongs to another
  // certificate, and a faulty RSA-CRT computation, before anything is sent.
  if (!(await verifySignature(ctx, certificate.publicKey, signingParams(scheme, input.digest), setOf(attributes), signature))) throw keyMismatch();
  return sequence(
    integer(1),
    sequence(certificate.issuer, tlv(0x02, certificate.serial)),
    algorithmIdentifier(digestOid(input.digest)),
    setOf(attributes, 0xa0),
    signatureAlgorithmIdentifier(scheme, input.digest),
    octetString(signature),
  );
}

function checkedCertificate(der: Uint8Array): Uint8Array {
  const node = der instanceof Uint8Array ? decodeElement(der) : null;
  if (node === null || !isUniversal(node, 16)) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', 'an extra certificate is not DER');
  return der;
}

function uniqueBytes(items: readonly Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  for (const item of items) {
    const key = Array.from(item, (b) => b.toString(16).padStart(2, '0')).join('');
    if (!seen.has(key)) out.push(item);
    seen.add(key);
  }
  return out;
}
