import { DECRYPTION_FAILED_MESSAGE, type ErrorCode, isSealpostError } from '../errors.js';
import { type EnvelopedDataSummary, type RecipientSummary, inspectCms } from '../cms/inspect.js';
import { isAuthenticatedCipher } from '../backend-kit/algorithms.js';
import { mlKemParameterSetOf } from '../backend-kit/post-quantum.js';
import { decodeBody, parseMime } from '../mime/index.js';
import type { MimeEntity } from '../mime/types.js';
import { parseCertificate } from '../pki/index.js';
import { findDescendant, smimeKind } from './detect.js';
import { cmsLimitsOf } from './cms-limits.js';
import { namesCertificate } from './identifier.js';
import { replaceContent } from './layers.js';
import { readHeaderProtection } from './header-protection.js';
import { errorOf } from './report.js';
import { cipherFindings } from './policy.js';
import type { DecryptOptions, DecryptReport, ReportError } from './types.js';
import { type VerifyContext, throwIfLimit } from './verify.js';

export async function decryptMessage(ctx: VerifyContext, message: Uint8Array, options: DecryptOptions): Promise<DecryptReport> {
  const root = parseMime(message, ctx.limits);
  const { entity, ...report } = await decryptParsed(ctx, message, root, options);
  const protection = entity === undefined ? undefined : readHeaderProtection(root.headers, entity, { signed: false, encrypted: true }, ctx.limits);
  return protection === undefined ? report : { ...report, headerProtection: protection };
}

/** A decryption's report, with the decrypted entity itself (before it replaced the message's content). */
export type DecryptOutcome = DecryptReport & { readonly entity?: Uint8Array };

export function isEncryptedEntity(entity: MimeEntity): boolean {
  const kind = smimeKind(entity);
  if (kind === 'enveloped-data') return true;
  if (kind !== 'pkcs7-mime') return false;
  try {
    const type = inspectCms(decodeBody(entity)).type;
    return type === 'enveloped-data' || type === 'auth-enveloped-data';
  } catch {
    return false;
  }
}

/**
 * The report for an encrypted part below an unencrypted root, or null when there is none. Such a part
 * is never decrypted: merging a decrypted part into unencrypted surroundings is how EFAIL exfiltrates.
 */
export function partiallyEncrypted(root: MimeEntity): DecryptReport | null {
  const nested = findDescendant(root, isEncryptedEntity);
  if (nested === undefined) return null;
  return {
    status: 'partially-encrypted',
    encryptedPath: nested.path,
    errors: [{ code: 'ERR_PARTIALLY_ENCRYPTED', message: `only part ${nested.path} is encrypted; it is not decrypted into its surroundings` }],
  };
}

export async function decryptParsed(ctx: VerifyContext, message: Uint8Array, root: MimeEntity, options: DecryptOptions): Promise<DecryptOutcome> {
  if (!isEncryptedEntity(root)) return partiallyEncrypted(root) ?? { status: 'not-encrypted', errors: [] };
  const cms = decodeBody(root);
  let env: EnvelopedDataSummary;
  try {
    const summary = inspectCms(cms, cmsLimitsOf(ctx.limits));
    if (summary.type !== 'enveloped-data' && summary.type !== 'auth-enveloped-data')
      return { status: 'failed', errors: [{ code: 'ERR_CMS_MALFORMED', message: 'the encrypted part is not CMS EnvelopedData' }] };
    env = summary;
  } catch (error) {
    throwIfLimit(error);
    return { status: 'failed', errors: [errorOf(error)] };
  }
  const cipher = env.cipher ?? env.cipherOid;
  const authenticated = env.type === 'auth-enveloped-data' && isAuthenticatedCipher(cipher);
  const recipient = matchingRecipient(env.recipients, options.identity.certificate);
  const agreement = recipient?.kind === 'kari' ? keyAgreementOf(options.identity.certificate) : undefined;
  const kem = recipient?.kind === 'kemri' && recipient.keyEncryptionOid !== null ? (mlKemParameterSetOf(recipient.keyEncryptionOid) ?? recipient.keyEncryptionOid) : undefined;
  const facts = {
    cipher,
    authenticated,
    ...(recipient?.keyTransport == null ? {} : { keyTransport: recipient.keyTransport }),
    ...(agreement === undefined ? {} : { keyAgreement: agreement }),
    ...(kem === undefined ? {} : { kem }),
  };
  if (options.requireAuthenticated === true && !authenticated)
    return {
      status: 'failed',
      ...facts,
      errors: [{ code: 'ERR_NOT_AUTHENTICATED', message: `${cipher} is not authenticated encryption and authenticated encryption is required` }],
    };
  const refused = cipherFindings(cipher, ctx.policy, options.policy);
  if (refused.length > 0) return { status: 'failed', ...facts, errors: refused };
  let content: Uint8Array;
  try {
    ({ content } = await ctx.backend.decrypt({
      cms,
      limits: cmsLimitsOf(ctx.limits),
      certificate: options.identity.certificate,
      privateKey: options.identity.privateKey,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    }));
  } catch (error) {
    throwIfLimit(error);
    return { status: 'failed', ...facts, errors: [decryptFailure(error)] };
  }
  // Outside the try: decrypted content over a limit (or not MIME at all) is reported with its own
  // code, thrown as for the outer message, and is not a decryption failure.
  return { status: 'decrypted', ...facts, errors: [], content: replaceContent(message, content, ctx.limits), entity: content };
}

// Decided before any key is used (the message's shape, the caller's own certificate and key, the
// backend's capabilities, the operation's plumbing), so saying which tells an attacker nothing.
const BEFORE_ANY_KEY_USE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['ERR_NO_RECIPIENT', 'ERR_CMS_MALFORMED', 'ERR_CERTIFICATE_MALFORMED', 'ERR_KEY_MALFORMED', 'ERR_ABORTED', 'ERR_TIMEOUT']);

function decryptFailure(error: unknown): ReportError {
  if (isSealpostError(error) && (BEFORE_ANY_KEY_USE.has(error.code) || error.code.startsWith('ERR_UNSUPPORTED_'))) return { code: error.code, message: error.message };
  // Whatever went wrong, one code and one message: no padding or tag oracle.
  return { code: 'ERR_DECRYPTION_FAILED', message: DECRYPTION_FAILED_MESSAGE };
}

/** The key agreement a KeyAgreeRecipientInfo for this certificate's key uses: `ecdh-p256`, `x25519`, ... */
function keyAgreementOf(certificate: Uint8Array): string | undefined {
  try {
    const key = parseCertificate(certificate).publicKey;
    if (key.type === 'ec') return `ecdh-${key.curve.toLowerCase().replace('-', '')}`;
    return key.type === 'x25519' || key.type === 'x448' ? key.type : undefined;
  } catch {
    return undefined;
  }
}

function matchingRecipient(recipients: readonly RecipientSummary[], certificate: Uint8Array): RecipientSummary | undefined {
  let cert;
  try {
    cert = parseCertificate(certificate);
  } catch {
    return recipients[0];
  }
  return recipients.find((r) => r.rid !== null && namesCertificate(r.rid, cert)) ?? recipients[0];
}
