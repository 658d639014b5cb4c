import { backendKit as kit, SealpostError } from '@sealpost/core';
import { contentParametersOf } from './content-encryption.js';
import { cmsMalformed, readContentInfo } from './content-info.js';

/** A received EnvelopedData or AuthEnvelopedData, reduced to what decryption needs. */

export interface KeyTransRecipient {
  readonly rid: kit.Identifier | null;
  readonly keyEncryptionAlgorithm: kit.AlgorithmNode;
  readonly encryptedKey: Uint8Array;
}

export interface ReceivedEnvelope {
  readonly authenticated: boolean;
  /** KeyTransRecipientInfos only; the other RecipientInfo kinds are not for this backend. */
  readonly recipients: readonly KeyTransRecipient[];
  readonly cipher: kit.CipherSpec;
  readonly parameters: kit.ContentParameters;
  readonly ciphertext: Uint8Array;
  readonly mac: Uint8Array | null;
  /** authAttrs as received, re-tagged as SET OF: the GCM additional data. */
  readonly additionalData: Uint8Array | null;
}

/**
 * EnvelopedData ::= SEQUENCE { version, [0] originatorInfo OPTIONAL, recipientInfos SET,
 *   encryptedContentInfo, [1] unprotectedAttrs OPTIONAL }
 * AuthEnvelopedData ::= SEQUENCE { version, [0] originatorInfo OPTIONAL, recipientInfos SET,
 *   authEncryptedContentInfo, [1] authAttrs OPTIONAL, mac OCTET STRING, [2] unauthAttrs OPTIONAL }
 */
export function readEnvelope(cms: Uint8Array): ReceivedEnvelope {
  const { contentType, content } = readContentInfo(cms, [kit.OID.envelopedData, kit.OID.authEnvelopedData], 'EnvelopedData or AuthEnvelopedData');
  const authenticated = contentType === kit.OID.authEnvelopedData;
  const parts = kit.childrenOf(content) ?? [];
  const at = kit.isContext(parts[1], 0) ? 2 : 1;
  const recipientSet = parts[at];
  const encrypted = parts[at + 1];
  const tail = parts.slice(at + 2);
  if (kit.smallIntegerOf(parts[0]) === null || !kit.isUniversal(recipientSet, 17) || !kit.isUniversal(encrypted, 16))
    throw cmsMalformed('the enveloped structure is malformed');

  let mac: Uint8Array | null = null;
  let additionalData: Uint8Array | null = null;
  if (authenticated) {
    const authAttrs = kit.isContext(tail[0], 1) ? tail.shift() : undefined;
    mac = kit.isUniversal(tail[0], 4) ? kit.octetsOf(tail.shift()) : null;
    if (mac === null) throw cmsMalformed('AuthEnvelopedData has no mac');
    if (tail.length > 1 || (tail.length === 1 && !kit.isContext(tail[0], 2))) throw cmsMalformed('the enveloped structure is malformed');
    if (authAttrs !== undefined) {
      // RFC 5083 2.1: the MAC covers the attributes under a SET OF tag, not [1].
      additionalData = kit.encodingOf(authAttrs);
      additionalData[0] = 0x31;
    }
  } else if (tail.length > 1 || (tail.length === 1 && !kit.isContext(tail[0], 1))) {
    throw cmsMalformed('the enveloped structure is malformed');
  }

  const { cipher, parameters, ciphertext } = readEncryptedContentInfo(encrypted, authenticated);
  const recipients = (kit.childrenOf(recipientSet) ?? []).filter((n) => kit.isUniversal(n, 16)).map(readKeyTransRecipient);
  return { authenticated, recipients, cipher, parameters, ciphertext, mac, additionalData };
}

/** EncryptedContentInfo ::= SEQUENCE { contentType, contentEncryptionAlgorithm, [0] IMPLICIT encryptedContent OPTIONAL } */
function readEncryptedContentInfo(node: kit.Node, authenticated: boolean): { cipher: kit.CipherSpec; parameters: kit.ContentParameters; ciphertext: Uint8Array } {
  const parts = kit.childrenOf(node) ?? [];
  const algorithm = kit.algorithmOf(parts[1]);
  if (kit.oidOf(parts[0]) === null || algorithm === null || parts.length > 3) throw cmsMalformed('the EncryptedContentInfo is malformed');
  const cipher = kit.AES_CIPHERS.find((c) => c.oid === algorithm.oid);
  if (cipher === undefined) {
    const name = kit.contentCipherFromOid(algorithm.oid) ?? algorithm.oid;
    throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `content cipher ${name} is not supported by this backend`);
  }
  // GCM belongs in AuthEnvelopedData (RFC 5084) and CBC in EnvelopedData; the mixes are refused.
  if ((cipher.mode === 'gcm') !== authenticated)
    throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `${cipher.name} is not supported inside ${authenticated ? 'AuthEnvelopedData' : 'EnvelopedData'}`);
  const ciphertext = kit.isContext(parts[2], 0) ? kit.octetsOf(parts[2]) : null;
  if (ciphertext === null) throw cmsMalformed('the encrypted content is missing or malformed');
  return { cipher, parameters: contentParametersOf(cipher, algorithm.parameters), ciphertext };
}

/** KeyTransRecipientInfo ::= SEQUENCE { version, rid, keyEncryptionAlgorithm, encryptedKey OCTET STRING } */
function readKeyTransRecipient(node: kit.Node): KeyTransRecipient {
  const parts = kit.childrenOf(node) ?? [];
  const keyEncryptionAlgorithm = kit.algorithmOf(parts[2]);
  const encryptedKey = kit.isUniversal(parts[3], 4) ? kit.octetsOf(parts[3]) : null;
  if (parts.length !== 4 || kit.smallIntegerOf(parts[0]) === null || keyEncryptionAlgorithm === null || encryptedKey === null)
    throw cmsMalformed('a KeyTransRecipientInfo is malformed');
  return { rid: kit.identifierOf(parts[1]), keyEncryptionAlgorithm, encryptedKey };
}
