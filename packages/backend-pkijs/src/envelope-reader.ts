import { backendKit as kit, SealpostError } from '@sealpost/core';
import * as pkijs from 'pkijs';
import { algorithmOf, childrenOf, encodingOf, identifierOf, isContext, isUniversal, octetsOf, oidOf, smallIntegerOf, type Node } from './asn1.js';
import type { Bytes } from './bytes.js';
import { cmsMalformed, readContentInfo } from './content-info.js';

/** A received EnvelopedData or AuthEnvelopedData, reduced to what decryption needs. */

export interface KeyTransRecipient {
  readonly rid: kit.Identifier | null;
  readonly keyEncryptionAlgorithm: kit.AlgorithmNode;
  readonly encryptedKey: Bytes;
}

export interface ReceivedEnvelope {
  readonly authenticated: boolean;
  /** KeyTransRecipientInfos only; other RecipientInfo kinds are not for this backend. */
  readonly recipients: readonly KeyTransRecipient[];
  readonly cipher: kit.CipherSpec;
  readonly parameters: kit.ContentParameters;
  readonly ciphertext: Bytes;
  readonly mac: Bytes | null;
  /** AuthEnvelopedData authAttrs as received, re-tagged as SET OF: the GCM additional data. */
  readonly additionalData: Bytes | null;
}

export function readEnvelope(cms: Uint8Array): ReceivedEnvelope {
  const { contentType, content } = readContentInfo(cms, [kit.OID.envelopedData, kit.OID.authEnvelopedData], 'EnvelopedData or AuthEnvelopedData');
  const authenticated = contentType === kit.OID.authEnvelopedData;
  const parts = childrenOf(content);
  if (parts === null || !isUniversal(content, 16) || smallIntegerOf(parts[0]) === null) throw cmsMalformed('the enveloped structure is malformed');
  const at = isContext(parts[1], 0) ? 2 : 1;
  const recipientSet = parts[at];
  const encrypted = parts[at + 1];
  if (!isUniversal(recipientSet, 17) || !isUniversal(encrypted, 16)) throw cmsMalformed('the enveloped structure is malformed');
  const tail = parts.slice(at + 2);

  let mac: Bytes | null = null;
  let additionalData: Bytes | null = null;
  if (authenticated) {
    const authAttrs = tail[0] !== undefined && isContext(tail[0], 1) ? tail.shift() : undefined;
    mac = isUniversal(tail[0], 4) ? octetsOf(tail[0]) : null;
    if (mac === null) throw cmsMalformed('AuthEnvelopedData has no mac');
    if (authAttrs !== undefined) {
      // RFC 5083 2.1: the MAC covers the DER of the attributes under a SET OF tag, not [1].
      additionalData = encodingOf(authAttrs);
      additionalData[0] = 0x31;
    }
  }

  if (encrypted === undefined || recipientSet === undefined) throw cmsMalformed('the enveloped structure is malformed');
  const { cipher, parameters, ciphertext } = readEncryptedContentInfo(encrypted, authenticated);
  const recipientNodes = childrenOf(recipientSet) ?? [];
  validateWithPkijs(recipientNodes, encrypted, content, authenticated);
  return { authenticated, recipients: recipientNodes.filter((n) => isUniversal(n, 16)).map(readKeyTransRecipient), cipher, parameters, ciphertext, mac, additionalData };
}

function readEncryptedContentInfo(node: Node, authenticated: boolean): { cipher: kit.CipherSpec; parameters: kit.ContentParameters; ciphertext: Bytes } {
  const parts = childrenOf(node) ?? [];
  const algorithm = algorithmOf(parts[1]);
  if (oidOf(parts[0]) === null || algorithm === null) throw cmsMalformed('EncryptedContentInfo is malformed');
  const cipher = kit.AES_CIPHERS.find((c) => c.oid === algorithm.oid);
  if (cipher === undefined) {
    const name = kit.contentCipherFromOid(algorithm.oid) ?? algorithm.oid;
    throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `content cipher ${name} is not supported by this backend`);
  }
  // GCM belongs in AuthEnvelopedData (RFC 5084) and CBC in EnvelopedData; the mixes are refused.
  if ((cipher.mode === 'gcm') !== authenticated)
    throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `${cipher.name} is not supported inside ${authenticated ? 'AuthEnvelopedData' : 'EnvelopedData'}`);
  const encryptedContent = parts[2];
  const ciphertext = isContext(encryptedContent, 0) ? octetsOf(encryptedContent) : null;
  if (ciphertext === null) throw cmsMalformed('the encrypted content is missing or malformed');
  return { cipher, parameters: kit.contentParametersOf(cipher, algorithm.parameters), ciphertext };
}

function readKeyTransRecipient(node: Node): KeyTransRecipient {
  const parts = childrenOf(node) ?? [];
  const keyEncryptionAlgorithm = algorithmOf(parts[2]);
  const encryptedKey = isUniversal(parts[3], 4) ? octetsOf(parts[3]) : null;
  if (keyEncryptionAlgorithm === null || encryptedKey === null) throw cmsMalformed('a KeyTransRecipientInfo is malformed');
  return { rid: identifierOf(parts[1]), keyEncryptionAlgorithm, encryptedKey };
}

// PKI.js checks the structures against the RFC 5652 schemas. It rewrites some tags of the nodes it
// reads, so it runs after the exact bytes above have been taken.
function validateWithPkijs(recipients: readonly Node[], encrypted: Node, content: Node, authenticated: boolean): void {
  try {
    if (!authenticated) {
      new pkijs.EnvelopedData({ schema: content });
      return;
    }
    for (const recipient of recipients) new pkijs.RecipientInfo({ schema: recipient });
    new pkijs.EncryptedContentInfo({ schema: encrypted });
  } catch {
    throw cmsMalformed('the enveloped structure does not match the CMS schema');
  }
}
