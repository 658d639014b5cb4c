import { type BerNode, OID, SealpostError, der, parseBer } from '@sealpost/core';
import { oidIs } from './bytes.js';

/**
 * SignedData taken apart into the exact bytes of its fields, and put together again with core's
 * DER writer. Received parts (SignerInfos above all) are copied as they are, never re-encoded.
 */
export interface SignedDataParts {
  readonly version: BerNode;
  readonly digestAlgorithms: readonly BerNode[];
  readonly encapsulated: BerNode;
  readonly eContentType: BerNode;
  /** Certificate entries (the SEQUENCE choice only). */
  readonly certificates: readonly BerNode[];
  readonly signerInfos: readonly BerNode[];
}

function malformed(why: string): SealpostError {
  return new SealpostError('ERR_CMS_MALFORMED', `malformed CMS: ${why}`);
}

export function signedDataParts(cms: Uint8Array): SignedDataParts {
  let root: BerNode;
  try {
    root = parseBer(cms);
  } catch (error) {
    throw new SealpostError('ERR_CMS_MALFORMED', 'malformed CMS: unreadable structure', { cause: error });
  }
  const [type, wrapper] = root.children;
  const signedData = wrapper?.children[0];
  if (type === undefined || !oidIs(type, OID.signedData) || wrapper?.cls !== 2 || signedData === undefined) throw malformed('not SignedData');
  const fields = signedData.children;
  const [version, digestAlgorithms, encapsulated] = fields;
  const signerInfos = fields[fields.length - 1];
  const eContentType = encapsulated?.children[0];
  if (version === undefined || digestAlgorithms === undefined || encapsulated === undefined || eContentType === undefined || signerInfos === undefined || fields.length < 4)
    throw malformed('SignedData is incomplete');
  if (!isSet(digestAlgorithms) || !isSet(signerInfos)) throw malformed('SignedData is malformed');
  const certificateSet = fields.slice(3, -1).find((f) => f.cls === 2 && f.tagNumber === 0);
  return {
    version,
    digestAlgorithms: digestAlgorithms.children,
    encapsulated,
    eContentType,
    certificates: (certificateSet?.children ?? []).filter((c) => c.cls === 0 && c.tagNumber === 16),
    signerInfos: signerInfos.children,
  };
}

function isSet(node: BerNode): boolean {
  return node.cls === 0 && node.tagNumber === 17 && node.constructed;
}

/**
 * ContentInfo(SignedData) holding one SignerInfo exactly as received, the content as eContent,
 * and the one certificate that the signer identifier names: what `openssl cms -verify` needs to
 * judge this signer alone, since it stops at the first bad one.
 */
export function oneSignerSignedData(parts: SignedDataParts, index: number, content: Uint8Array, certificate: Uint8Array): Uint8Array {
  const signerInfo = parts.signerInfos[index];
  const digestAlgorithm = signerInfo?.children[2];
  if (signerInfo === undefined || digestAlgorithm === undefined) throw malformed('SignerInfo is incomplete');
  const signedData = der.sequence(
    parts.version.raw,
    der.setOf([digestAlgorithm.raw]),
    der.sequence(parts.eContentType.raw, der.explicit(0, der.octetString(content))),
    der.implicitConstructed(0, certificate),
    der.setOf([signerInfo.raw]),
  );
  return der.sequence(der.oid(OID.signedData), der.explicit(0, signedData));
}
