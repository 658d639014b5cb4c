import type { BerNode, EnvelopedDataSummary, KeyTransport, SignerIdentifier } from '@sealpost/core';
import { parseBer, toHex } from '@sealpost/core';
import { type Certificate, identifies, serialOf } from './certificates.js';

/** The RecipientInfo addressed to a certificate: key transport (RSA) or key agreement (ECDH). */
export type RecipientMatch = { readonly kind: 'ktri'; readonly keyTransport: KeyTransport | null } | { readonly kind: 'kari' };

/**
 * Finds the recipient before any key is used. Core's reading gives KeyTransRecipientInfo
 * identifiers; those of KeyAgreeRecipientInfo sit one level deeper (RecipientEncryptedKeys), read here.
 */
export function findRecipient(cms: Uint8Array, summary: EnvelopedDataSummary, certificate: Certificate): RecipientMatch | null {
  for (const recipient of summary.recipients)
    if (recipient.kind === 'ktri' && recipient.rid !== null && identifies(recipient.rid, certificate)) return { kind: 'ktri', keyTransport: recipient.keyTransport };
  if (!summary.recipients.some((r) => r.kind === 'kari')) return null;
  for (const node of recipientInfoNodes(cms)) {
    if (node.cls !== 2 || node.tagNumber !== 1) continue;
    if (keyAgreeIdentifiers(node).some((rid) => identifies(rid, certificate))) return { kind: 'kari' };
  }
  return null;
}

function recipientInfoNodes(cms: Uint8Array): readonly BerNode[] {
  const envelope = parseBer(cms).children[1]?.children[0];
  // version, then [0] originatorInfo if present, then the SET OF RecipientInfo.
  return envelope?.children.find((child, i) => i > 0 && child.cls === 0 && child.tagNumber === 17)?.children ?? [];
}

/** KeyAgreeRecipientInfo: version, originator [0], ukm [1] OPTIONAL, keyEncryptionAlgorithm, recipientEncryptedKeys. */
function keyAgreeIdentifiers(kari: BerNode): SignerIdentifier[] {
  const encryptedKeys = kari.children[kari.children.length - 1]?.children ?? [];
  const out: SignerIdentifier[] = [];
  for (const encryptedKey of encryptedKeys) {
    const rid = encryptedKey.children[0];
    if (rid === undefined) continue;
    if (rid.cls === 0 && rid.tagNumber === 16) {
      const [issuer, serial] = rid.children;
      if (issuer !== undefined && serial !== undefined && serial.tagNumber === 2)
        out.push({ type: 'issuerAndSerialNumber', issuer: issuer.raw, serial: serialOf(serial.contents) });
    } else if (rid.cls === 2 && rid.tagNumber === 0) {
      // [0] RecipientKeyIdentifier ::= SEQUENCE { subjectKeyIdentifier, date OPTIONAL, other OPTIONAL }
      const keyId = rid.children[0];
      if (keyId !== undefined && keyId.tagNumber === 4 && !keyId.constructed) out.push({ type: 'subjectKeyIdentifier', keyId: toHex(keyId.contents) });
    }
  }
  return out;
}
