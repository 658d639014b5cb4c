import { type CmsSummary, OID, decodeBody, inspectCms, parseMime } from '@sealpost/core';
import type { Need } from './abilities.js';
import { type Operation, familyOf } from './operations.js';
import type { Plan } from './plan.js';

/** What a produced message really is, read by core's own CMS reader (outermost layer only). */
export interface Facts {
  readonly kind: 'multipart-signed' | 'signed-data' | 'enveloped-data' | 'auth-enveloped-data' | 'other';
  /** For signatures: whether SignedData carries eContent. */
  readonly eContent?: boolean;
  readonly cipher?: string;
  readonly keyTransport?: string;
  /** For a KeyAgreeRecipientInfo: ECDH and its KDF hash ("ECDH, SHA-256 KDF"), or the scheme's OID. */
  readonly keyAgreement?: string;
}

const KDF_BY_SCHEME: Readonly<Record<string, string>> = {
  [OID.dhSinglePassStdDHSha1kdfScheme]: 'SHA-1',
  [OID.dhSinglePassStdDHSha224kdfScheme]: 'SHA-224',
  [OID.dhSinglePassStdDHSha256kdfScheme]: 'SHA-256',
  [OID.dhSinglePassStdDHSha384kdfScheme]: 'SHA-384',
  [OID.dhSinglePassStdDHSha512kdfScheme]: 'SHA-512',
};

export function factsOf(message: Uint8Array): Facts {
  const root = parseMime(message);
  const { type, subtype } = root.contentType;
  if (type === 'multipart' && subtype === 'signed') {
    const signature = root.children[1];
    if (signature === undefined) return { kind: 'other' };
    return { ...factsOfCms(inspectCms(decodeBody(signature))), kind: 'multipart-signed' };
  }
  if (type === 'application' && (subtype === 'pkcs7-mime' || subtype === 'x-pkcs7-mime')) return factsOfCms(inspectCms(decodeBody(root)));
  return { kind: 'other' };
}

function factsOfCms(summary: CmsSummary): Facts {
  if (summary.type === 'signed-data') return { kind: 'signed-data', eContent: summary.eContent !== null };
  if (summary.type === 'other') return { kind: 'other' };
  const first = summary.recipients[0];
  if (first?.kind === 'kari') {
    const scheme = first.keyEncryptionOid ?? 'unknown';
    const kdf = KDF_BY_SCHEME[scheme];
    return { kind: summary.type, cipher: summary.cipher ?? summary.cipherOid, keyAgreement: kdf === undefined ? scheme : `ECDH, ${kdf} KDF` };
  }
  const keyTransport = summary.recipients[0]?.keyTransport ?? summary.recipients[0]?.keyEncryptionOid ?? 'unknown';
  return { kind: summary.type, cipher: summary.cipher ?? summary.cipherOid, keyTransport };
}

export function describeFacts(facts: Facts): string {
  if (facts.eContent !== undefined) return `${facts.kind} ${facts.eContent ? 'with' : 'without'} eContent`;
  return [facts.kind, facts.cipher, facts.keyTransport ?? facts.keyAgreement].filter((x) => x !== undefined).join(', ');
}

/** Null when FACTS are what OPERATION asked for under PLAN; otherwise what was made instead. */
export function deliveryGap(operation: Operation, plan: Plan, facts: Facts): string | null {
  return matchesOperation(operation, plan, facts) ? null : `made ${describeFacts(facts)}`;
}

function matchesOperation(operation: Operation, plan: Plan, facts: Facts): boolean {
  switch (operation.id) {
    case 'sign-detached':
      return facts.kind === 'multipart-signed' && facts.eContent === false;
    case 'sign-opaque':
      return facts.kind === 'signed-data' && facts.eContent === true;
    default: {
      if (facts.cipher === undefined || plan.cipher === undefined) return false;
      const family = familyOf(facts.cipher);
      const kind = family === 'aes-gcm' ? 'auth-enveloped-data' : 'enveloped-data';
      const recipient = plan.keyAgreement === undefined ? facts.keyTransport === plan.keyTransport : facts.keyAgreement?.startsWith('ECDH') === true;
      return family !== null && family === familyOf(plan.cipher) && facts.kind === kind && recipient;
    }
  }
}

/** What a consumer needs to read a message with these facts. */
export function needOfFacts(operation: Operation, facts: Facts): Need {
  return {
    signature: operation.verifies,
    ...(facts.cipher === undefined ? {} : { cipher: facts.cipher }),
    ...(facts.keyTransport === undefined ? {} : { keyTransport: facts.keyTransport }),
    // The curve is the recipient's (the operation's); the facts say only that it was key agreement.
    ...(facts.keyAgreement === undefined ? {} : { keyAgreement: operation.keyAgreement ?? 'ecdh-p256' }),
  };
}
