import { der } from '@sealpost/core';
import { type Located, type TreeNode, isUniversal, primitive } from './ber-tree.js';
import type { FieldOp } from './mutation.js';

/**
 * Mutations aimed at named fields of key agreement (RFC 5753, RFC 8418), KEM recipients (RFC 9629,
 * RFC 9936), signers (RFC 8419, RFC 9882) and the content ciphers (RFC 3370, RFC 5084): the generic BER
 * mutations pick any element, so they reach these fields only by chance and never with the values that
 * matter (a compressed point, a 3DES key wrap, an RC2 version of 32 bits, a pad length of 0, another
 * ML-KEM parameter set, a kekLength of 24, Ed25519 under SHA-256). Each finds its field by the shape around it, so it works on any producer's
 * encoding; where a message has no such field the mutation does nothing.
 */

const oidBytes = (dotted: string): Uint8Array => der.oid(dotted).subarray(2);

const O = {
  rc2Cbc: '1.2.840.113549.3.2',
  desEde3Cbc: '1.2.840.113549.3.7',
  aes128Wrap: '2.16.840.1.101.3.4.1.5',
  aes192Wrap: '2.16.840.1.101.3.4.1.25',
  aes256Wrap: '2.16.840.1.101.3.4.1.45',
  aes128WrapPad: '2.16.840.1.101.3.4.1.8',
  cms3DESwrap: '1.2.840.113549.1.9.16.3.6',
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
} as const;

/** Key-agreement schemes: the dhSinglePass ones read, the ones refused. */
const SCHEMES = [
  '1.3.133.16.840.63.0.2', // stdDH, SHA-1 KDF
  '1.3.132.1.11.0', // stdDH, SHA-224 KDF (not read)
  '1.3.132.1.11.1', // stdDH, SHA-256
  '1.3.132.1.11.2', // stdDH, SHA-384
  '1.3.132.1.11.3', // stdDH, SHA-512
  '1.3.133.16.840.63.0.3', // cofactorDH, SHA-1
  '1.3.132.1.14.0', // cofactorDH, SHA-224
  '1.3.132.1.14.1', // cofactorDH, SHA-256
  '1.3.132.1.14.3', // cofactorDH, SHA-512
  '1.3.133.16.840.63.0.16', // mqvSinglePass, SHA-1 KDF
  '1.2.840.113549.1.9.16.3.19', // RFC 8418 HKDF-SHA-256 (X25519)
  '1.2.840.113549.1.9.16.3.20', // RFC 8418 HKDF-SHA-384
  '1.2.840.113549.1.9.16.3.21', // RFC 8418 HKDF-SHA-512
];
const SCHEME_OIDS = SCHEMES.map(oidBytes);
/** What the scheme is replaced with: a scheme, or id-ecPublicKey, which is none. */
const SCHEME_REPLACEMENTS = [...SCHEMES, '1.2.840.10045.2.1'];

/** The kari originator key's algorithm: X25519 and the NIST curves' id-ecPublicKey read, the rest refused. */
const ORIGINATOR_KEY_TYPES = [
  '1.3.101.110', // id-X25519
  '1.3.101.111', // id-X448
  '1.3.101.112', // id-Ed25519: a signature key
  '1.2.840.10045.2.1', // id-ecPublicKey
  '1.2.840.113549.1.1.1', // rsaEncryption
  '1.3.101.99', // no algorithm
];
const P256 = '1.2.840.10045.3.1.7';

/** KEMRecipientInfo (RFC 9629, RFC 9936) values: KEMs, KDFs, kekLengths, version numbers. */
const KEMS = [
  '2.16.840.1.101.3.4.4.1', // ML-KEM-512
  '2.16.840.1.101.3.4.4.2', // ML-KEM-768
  '2.16.840.1.101.3.4.4.3', // ML-KEM-1024
  '2.16.840.1.101.3.4.4.99', // under NIST's KEM arc, no parameter set
  '1.2.840.113549.1.9.16.3.14', // RSA-KEM (RFC 9690)
  '1.3.101.110', // X25519: not a KEM
];
const KDFS = [
  '1.2.840.113549.1.9.16.3.28', // HKDF-SHA256
  '1.2.840.113549.1.9.16.3.29', // HKDF-SHA384
  '1.2.840.113549.1.9.16.3.30', // HKDF-SHA512
  '1.3.133.16.840.9.44.1.1', // KDF3 (RFC 9690): not read
  '2.16.840.1.101.3.4.2.1', // SHA-256: a hash, not a KDF
];
const KEK_LENGTHS = [16, 24, 32, 0, 1, 15, 33, 64, 256, -16, 2 ** 31, 2 ** 40];
const VERSIONS = [0, 1, 2, 3, -1, 256];

/** SignerInfo values: digests (SHA-512 is what Ed25519 and ML-DSA ask for) and signature algorithms. */
const DIGESTS = [
  '2.16.840.1.101.3.4.2.3', // SHA-512
  '2.16.840.1.101.3.4.2.1', // SHA-256
  '2.16.840.1.101.3.4.2.2', // SHA-384
  '1.3.14.3.2.26', // SHA-1
  '2.16.840.1.101.3.4.2.12', // SHAKE256
  '2.16.840.1.101.3.4.2.10', // SHA3-512
  // SHA-224 and MD5, which core computes and checks itself on every backend (WebCrypto has neither).
  '2.16.840.1.101.3.4.2.4', // SHA-224
  '1.2.840.113549.2.5', // MD5
];
const SIGNATURE_ALGORITHMS = [
  '1.3.101.112', // Ed25519
  '1.3.101.113', // Ed448
  '2.16.840.1.101.3.4.3.17', // ML-DSA-44
  '2.16.840.1.101.3.4.3.18', // ML-DSA-65
  '2.16.840.1.101.3.4.3.19', // ML-DSA-87
  '2.16.840.1.101.3.4.3.32', // HashML-DSA-44 with SHA-512 (not read)
  '2.16.840.1.101.3.4.3.20', // SLH-DSA-SHA2-128s
  '1.2.840.113549.1.1.1', // rsaEncryption
  '1.2.840.10045.4.3.4', // ecdsa-with-SHA512
];
/** Signature length changes: one octet, an ML-DSA parameter set's difference, none left, much longer. */
const SIGNATURE_DELTAS = [-1, 1, -2, 2, -32, 32, -64, 64, -1111, 1111, -1_000_000, 4096];

const WRAPS = [O.aes128Wrap, O.aes192Wrap, O.aes256Wrap, O.cms3DESwrap, O.aes128WrapPad, O.aes128Cbc];

/** The rc2ParameterVersion values that matter: 40, 64 and 128 bits (RFC 2268 6), the 32-bit default's 58's neighbours, bits given directly (>= 256), out of range. */
const RC2_VERSIONS = [160, 120, 58, 52, 0, 1, 255, 256, 1024, -1, 65_536, 2 ** 40];

const CBC_CONTENT_OIDS = [O.desEde3Cbc, O.rc2Cbc, '2.16.840.1.101.3.4.1.2', '2.16.840.1.101.3.4.1.22', '2.16.840.1.101.3.4.1.42'].map(oidBytes);
const GCM_CONTENT_OIDS = ['2.16.840.1.101.3.4.1.6', '2.16.840.1.101.3.4.1.26', '2.16.840.1.101.3.4.1.46'].map(oidBytes);
const LEGACY_CONTENT_OIDS = [O.desEde3Cbc, O.rc2Cbc].map(oidBytes);

function isOid(node: TreeNode | undefined, candidates: readonly Uint8Array[]): boolean {
  return node !== undefined && isUniversal(node, 6) && candidates.some((c) => Buffer.from(c).equals(Buffer.from(node.contents)));
}

const isContext = (node: TreeNode | undefined, tag: number): node is TreeNode => node !== undefined && node.cls === 2 && node.tagNumber === tag;
const isAlgorithm = (node: TreeNode | undefined): node is TreeNode => node !== undefined && isUniversal(node, 16) && isUniversal(node.children[0] ?? node, 6);

/** OtherRecipientInfo [4] { id-ori-kem, KEMRecipientInfo }: the KEMRecipientInfo. */
function kemRecipientOf(node: TreeNode): TreeNode | undefined {
  const [type, value] = node.children;
  return isContext(node, 4) && node.constructed && isOid(type, [oidBytes('1.2.840.113549.1.9.16.13.3')]) && value !== undefined && isUniversal(value, 16) ? value : undefined;
}

/** KEMRecipientInfo ::= SEQUENCE { version, rid, kem, kemct, kdf, kekLength, ukm [0] OPTIONAL, wrap, encryptedKey }: where the fields after kekLength are. */
function kemFields(kemri: TreeNode): { ukmIndex: number | null; wrapIndex: number } {
  const ukmIndex = isContext(kemri.children[6], 0) ? 6 : null;
  return { ukmIndex, wrapIndex: ukmIndex === null ? 6 : 7 };
}

/** SignerInfo ::= SEQUENCE { version INTEGER, sid, digestAlgorithm, [0] signedAttrs OPTIONAL, signatureAlgorithm, signature OCTET STRING, ... }. */
function isSignerInfo(node: TreeNode): boolean {
  const [version, , digest] = node.children;
  const at = signatureIndex(node);
  return isUniversal(node, 16) && version !== undefined && isUniversal(version, 2) && isAlgorithm(digest) && isAlgorithm(node.children[at]) && isUniversal(node.children[at + 1] ?? node, 4);
}

/** Where a SignerInfo's signatureAlgorithm is: after the signed attributes, if any. */
function signatureIndex(signerInfo: TreeNode): number {
  return isContext(signerInfo.children[3], 0) ? 4 : 3;
}

/** KeyAgreeRecipientInfo ::= [1] { version 3, [0] originator, [1] ukm OPTIONAL, keyEncryptionAlgorithm, recipientEncryptedKeys }. */
function isKari(node: TreeNode): boolean {
  const [version, originator] = node.children;
  return isContext(node, 1) && node.constructed && version !== undefined && isUniversal(version, 2) && isContext(originator, 0) && originator.constructed;
}

/** The kari's fields, where they are. */
function kariFields(kari: TreeNode): { ukmIndex: number | null; algorithm: TreeNode | undefined; keys: TreeNode | undefined } {
  const ukmIndex = isContext(kari.children[2], 1) ? 2 : null;
  const after = ukmIndex === null ? 2 : 3;
  return { ukmIndex, algorithm: kari.children[after], keys: kari.children[after + 1] };
}

/** EncryptedContentInfo ::= SEQUENCE { contentType OID, contentEncryptionAlgorithm, [0] encryptedContent OPTIONAL }. */
function isEncryptedContentInfo(node: TreeNode): boolean {
  const [type, algorithm, content] = node.children;
  return (
    isUniversal(node, 16) &&
    type !== undefined &&
    isUniversal(type, 6) &&
    algorithm !== undefined &&
    isOid(algorithm.children[0], [...CBC_CONTENT_OIDS, ...GCM_CONTENT_OIDS]) &&
    (content === undefined || isContext(content, 0))
  );
}

/** The elements a field mutation acts on, among every element of the CMS (certificates left out). */
export function fieldCandidates(all: readonly Located[], m: FieldOp): Located[] {
  const located = new Map(all.map((l) => [l.node, l]));
  const pick = (nodes: (TreeNode | undefined)[]): Located[] => nodes.flatMap((n) => (n === undefined ? [] : [located.get(n)!]));
  const karis = all.filter((l) => !l.inCertificate && isKari(l.node)).map((l) => l.node);
  const contentInfos = all.filter((l) => !l.inCertificate && isEncryptedContentInfo(l.node)).map((l) => l.node);
  const notInCertificate = all.filter((l) => !l.inCertificate).map((l) => l.node);
  switch (m.op) {
    case 'kari-originator':
      // [0] originator > [1] originatorKey > { algorithm, BIT STRING publicKey }
      return pick(karis.map((k) => k.children[1]?.children[0]).map((key) => (isContext(key, 1) && isAlgorithm(key.children[0]) ? key.children[0] : undefined)));
    case 'kem-recipient':
      return pick(notInCertificate.map(kemRecipientOf).filter((k) => k !== undefined && k.children.length >= 8));
    case 'signer-algorithm':
      return pick(notInCertificate.filter(isSignerInfo));
    case 'ec-point':
      // [0] originator > [1] originatorKey > { algorithm, BIT STRING publicKey }
      return pick(
        karis.map((k) => {
          const key = k.children[1]?.children[0];
          const point = isContext(key, 1) ? key.children[1] : undefined;
          return point !== undefined && isUniversal(point, 3) && !point.constructed && point.contents.length > 2 ? point : undefined;
        }),
      );
    case 'ukm':
      return pick(karis);
    case 'key-wrap':
      return all.filter((l) => !l.inCertificate && isUniversal(l.node, 16) && isOid(l.node.children[0], SCHEME_OIDS));
    case 'wrapped-key-length':
      return pick(karis.flatMap((k) => kariFields(k).keys?.children.map((rek) => rek.children[1]) ?? []).filter((n) => n !== undefined && isUniversal(n, 4) && !n.constructed));
    case 'rc2-parameters':
      return pick(contentInfos.map((c) => c.children[1]).filter((a) => isOid(a?.children[0], [oidBytes(O.rc2Cbc)])));
    case 'iv-length':
      return pick(contentInfos.map((c) => ivOf(c.children[1]!)));
    case 'cbc-padding':
      return pick(contentInfos.map((c) => c.children[2]).filter((n) => n !== undefined && !n.constructed && n.contents.length > 0));
  }
}

/** The IV of a content-encryption AlgorithmIdentifier: CBC's OCTET STRING, RC2's second field, GCM's nonce. */
function ivOf(algorithm: TreeNode): TreeNode | undefined {
  const params = algorithm.children[1];
  if (params === undefined) return undefined;
  if (isUniversal(params, 4) && !params.constructed) return params;
  const inner = params.children.find((c) => isUniversal(c, 4) && !c.constructed);
  return isUniversal(params, 16) ? inner : undefined;
}

/** Applies a field mutation to its element, in place. */
export function applyField(l: Located, m: FieldOp): void {
  const n = l.node;
  switch (m.op) {
    case 'ec-point':
      n.contents = pointVariant(n.contents, m.form, m.offset);
      return;
    case 'ukm':
      return ukmVariant(n, m.form, m.value);
    case 'key-wrap':
      return keyWrapVariant(n, m.form, m.pick);
    case 'wrapped-key-length':
      n.contents = resized(n.contents, m.delta === 0 ? -8 : m.delta);
      return;
    case 'rc2-parameters':
      return rc2Variant(n, m.form, m.version);
    case 'iv-length':
      n.contents = resized(n.contents, m.delta === 0 ? -1 : m.delta);
      return;
    case 'cbc-padding': {
      // The parent is the EncryptedContentInfo: its algorithm says the block length.
      const block = isOid(l.parent?.children[1]?.children[0], LEGACY_CONTENT_OIDS) ? 8 : 16;
      n.contents = paddingVariant(n.contents, block, m.form, m.offset, m.mask);
      return;
    }
    case 'kari-originator':
      return originatorVariant(n, m.form, m.pick);
    case 'kem-recipient':
      return kemRecipientVariant(n, m.field, m.pick);
    case 'signer-algorithm':
      return signerVariant(n, m.form, m.pick);
  }
}

const oidNode = (dotted: string): TreeNode => primitive(0x06, oidBytes(dotted));
const nullNode = (): TreeNode => primitive(0x05, new Uint8Array(0));

/** Parameters an AlgorithmIdentifier should not have: NULL, an OCTET STRING, a curve OID; or, where it has some, none. */
function parametersVariant(algorithm: TreeNode, pick: number): void {
  if (algorithm.children.length > 1 && pick % 4 === 0) {
    algorithm.children.splice(1);
    return;
  }
  const parameters = [nullNode(), primitive(0x04, new Uint8Array(8).fill(pick & 0xff)), oidNode(P256)][pick % 3]!;
  algorithm.children.splice(1, algorithm.children.length - 1, parameters);
}

/** The originator key's AlgorithmIdentifier: another key type, or parameters added, changed or dropped. */
function originatorVariant(algorithm: TreeNode, form: Extract<FieldOp, { op: 'kari-originator' }>['form'], pick: number): void {
  if (form === 'curve-oid') algorithm.children[0] = oidNode(ORIGINATOR_KEY_TYPES[pick % ORIGINATOR_KEY_TYPES.length]!);
  else parametersVariant(algorithm, pick);
}

/** An INTEGER node, two's complement (the DER writer takes no negative values). */
function integerNode(value: number): TreeNode {
  return primitive(0x02, integerContents(value));
}

/** One field of a KEMRecipientInfo changed. */
function kemRecipientVariant(kemri: TreeNode, field: Extract<FieldOp, { op: 'kem-recipient' }>['field'], pick: number): void {
  const { ukmIndex, wrapIndex } = kemFields(kemri);
  const c = kemri.children;
  const delta = (pick % 2 === 0 ? -1 : 1) * (1 + ((pick >> 1) % 32));
  switch (field) {
    case 'kem':
      if (pick % 8 === 7) parametersVariant(c[2]!, pick);
      else c[2]!.children[0] = oidNode(KEMS[pick % KEMS.length]!);
      return;
    case 'kemct-length':
      c[3]!.contents = resized(c[3]!.contents, pick % 16 === 15 ? -c[3]!.contents.length : delta);
      return;
    case 'kdf':
      if (pick % 8 === 7) parametersVariant(c[4]!, pick);
      else c[4]!.children[0] = oidNode(KDFS[pick % KDFS.length]!);
      return;
    case 'kek-length':
      c[5] = integerNode(KEK_LENGTHS[pick % KEK_LENGTHS.length]!);
      return;
    case 'wrap':
      if (pick % 8 === 7) parametersVariant(c[wrapIndex]!, pick);
      else c[wrapIndex]!.children[0] = oidNode(WRAPS[pick % WRAPS.length]!);
      return;
    case 'ukm': {
      // ukm [0] EXPLICIT UserKeyingMaterial: added (or replaced), emptied, made long, not octets, or dropped.
      const form = pick % 5;
      if (form === 4) {
        if (ukmIndex !== null) c.splice(ukmIndex, 1);
        return;
      }
      const inner =
        form === 0
          ? primitive(0x04, new Uint8Array(8 + (pick % 24)).fill(pick))
          : form === 1
            ? primitive(0x04, new Uint8Array(0))
            : form === 2
              ? primitive(0x04, new Uint8Array(300))
              : integerNode(pick);
      const ukm: TreeNode = { ...primitive(0xa0, new Uint8Array(0)), children: [inner] };
      if (ukmIndex === null) c.splice(6, 0, ukm);
      else c[ukmIndex] = ukm;
      return;
    }
    case 'encrypted-key-length': {
      const key = c[wrapIndex + 1];
      if (key !== undefined && !key.constructed) key.contents = resized(key.contents, delta);
      return;
    }
    case 'version':
      c[0] = integerNode(VERSIONS[pick % VERSIONS.length]!);
      return;
  }
}

/** A SignerInfo's digest or signature algorithm, their parameters, or the signature's length. */
function signerVariant(signerInfo: TreeNode, form: Extract<FieldOp, { op: 'signer-algorithm' }>['form'], pick: number): void {
  const digest = signerInfo.children[2]!;
  const at = signatureIndex(signerInfo);
  const algorithm = signerInfo.children[at]!;
  const signature = signerInfo.children[at + 1]!;
  switch (form) {
    case 'digest': {
      digest.children[0] = oidNode(DIGESTS[pick % DIGESTS.length]!);
      return;
    }
    case 'digest-parameters':
      return parametersVariant(digest, pick);
    case 'signature-oid':
      algorithm.children[0] = oidNode(SIGNATURE_ALGORITHMS[pick % SIGNATURE_ALGORITHMS.length]!);
      return;
    case 'signature-parameters':
      return parametersVariant(algorithm, pick);
    case 'signature-length':
      if (!signature.constructed) signature.contents = resized(signature.contents, SIGNATURE_DELTAS[pick % SIGNATURE_DELTAS.length]!);
      return;
  }
}

/** The contents `delta` octets longer (zeros appended) or shorter. */
function resized(bytes: Uint8Array, delta: number): Uint8Array {
  if (delta < 0) return bytes.slice(0, Math.max(0, bytes.length + delta));
  return Uint8Array.of(...bytes, ...new Uint8Array(delta));
}

/** BIT STRING contents: [unused bits, 04 || X || Y]. */
function pointVariant(contents: Uint8Array, form: Extract<FieldOp, { op: 'ec-point' }>['form'], offset: number): Uint8Array {
  const point = contents.subarray(1);
  const size = Math.max(1, Math.floor((point.length - 1) / 2));
  const x = point.subarray(1, 1 + size);
  const yOdd = (point[point.length - 1] ?? 0) & 1;
  switch (form) {
    case 'compressed':
      return Uint8Array.of(0, 2 + yOdd, ...x);
    case 'hybrid':
      return Uint8Array.of(0, 6 + yOdd, ...point.subarray(1));
    case 'off-curve': {
      const out = contents.slice();
      const at = 2 + size + (offset % size);
      if (at < out.length) out[at] = out[at]! ^ 0x01;
      return out;
    }
    case 'infinity':
      return Uint8Array.of(0, 0);
    case 'zero-x':
      return Uint8Array.of(0, 4, ...new Uint8Array(size), ...point.subarray(1 + size));
    case 'short':
      return contents.slice(0, contents.length - 1 - (offset % 4));
    case 'long':
      return Uint8Array.of(...contents, ...new Uint8Array(1 + (offset % 4)));
    case 'unused-bits':
      return Uint8Array.of(1 + (offset % 7), ...point);
  }
}

/** ukm [1] EXPLICIT UserKeyingMaterial (an OCTET STRING): added, dropped, emptied, made long, or not octets. */
function ukmVariant(kari: TreeNode, form: Extract<FieldOp, { op: 'ukm' }>['form'], value: number): void {
  const { ukmIndex } = kariFields(kari);
  if (form === 'drop') {
    if (ukmIndex !== null) kari.children.splice(ukmIndex, 1);
    return;
  }
  const inner =
    form === 'empty'
      ? primitive(0x04, new Uint8Array(0))
      : form === 'long'
        ? primitive(0x04, new Uint8Array(200).fill(value & 0xff))
        : form === 'not-octets'
          ? primitive(0x02, Uint8Array.of(value & 0x7f))
          : primitive(0x04, new Uint8Array(8 + (value % 57)).fill(value & 0xff));
  const ukm: TreeNode = { ...primitive(0xa1, new Uint8Array(0)), children: [inner] };
  if (ukmIndex === null) kari.children.splice(2, 0, ukm);
  else kari.children[ukmIndex] = ukm;
}

/** keyEncryptionAlgorithm ::= SEQUENCE { scheme OID, KeyWrapAlgorithm SEQUENCE { OID, parameters? } }. */
function keyWrapVariant(algorithm: TreeNode, form: Extract<FieldOp, { op: 'key-wrap' }>['form'], pick: number): void {
  const wrap = algorithm.children[1];
  switch (form) {
    case 'scheme':
      algorithm.children[0] = primitive(0x06, oidBytes(SCHEME_REPLACEMENTS[pick % SCHEME_REPLACEMENTS.length]!));
      return;
    case 'no-wrap':
      if (pick % 2 === 0) algorithm.children.splice(1);
      else algorithm.children[1] = primitive(0x05, new Uint8Array(0));
      return;
  }
  if (wrap === undefined || !isUniversal(wrap, 16)) return;
  if (form === 'wrap') wrap.children[0] = primitive(0x06, oidBytes(WRAPS[pick % WRAPS.length]!));
  else if (form === 'wrap-null') {
    if (wrap.children.length > 1) wrap.children.splice(1);
    else wrap.children.push(primitive(0x05, new Uint8Array(0)));
  } else wrap.children.splice(1, wrap.children.length - 1, pick % 2 === 0 ? primitive(0x04, new Uint8Array(8)) : primitive(0x02, Uint8Array.of(0x40)));
}

/** RC2CBCParameter ::= SEQUENCE { rc2ParameterVersion INTEGER, iv OCTET STRING }: the version, a bare IV, the IV alone in the SEQUENCE, the fields swapped. */
function rc2Variant(algorithm: TreeNode, form: Extract<FieldOp, { op: 'rc2-parameters' }>['form'], version: number): void {
  const params = algorithm.children[1];
  if (params === undefined || !isUniversal(params, 16) || params.children.length < 2) return;
  const [versionNode, iv] = params.children as [TreeNode, TreeNode];
  switch (form) {
    case 'version':
      params.children[0] = primitive(0x02, integerContents(RC2_VERSIONS[version % RC2_VERSIONS.length]!));
      return;
    case 'bare-iv':
      algorithm.children[1] = iv;
      return;
    case 'iv-only-sequence':
      params.children = [iv];
      return;
    case 'swap':
      params.children = [iv, versionNode];
      return;
  }
}

/** INTEGER contents, two's complement: the DER writer takes no negative values, a reader must meet them. */
function integerContents(value: number): Uint8Array {
  return value < 0 ? Uint8Array.of(0x100 + Math.max(value, -128)) : der.integer(value).subarray(2);
}

/**
 * The CBC ciphertext changed where its padding is: XOR on the next-to-last block flips the same bits of
 * the last plaintext block, so `pad-length` changes the pad length octet and `pad-byte` another padding
 * octet; `drop-block` removes the last block, `partial-block` leaves a ciphertext that is not whole
 * blocks, `empty` leaves none.
 */
function paddingVariant(ciphertext: Uint8Array, block: number, form: Extract<FieldOp, { op: 'cbc-padding' }>['form'], offset: number, mask: number): Uint8Array {
  const out = ciphertext.slice();
  const last = out.length - block - 1;
  const flip = 1 + (mask % 255);
  switch (form) {
    case 'pad-length':
      if (last >= 0) out[last] = out[last]! ^ flip;
      return out;
    case 'pad-byte': {
      const at = last - 1 - (offset % (block - 1));
      if (at >= 0) out[at] = out[at]! ^ flip;
      return out;
    }
    case 'drop-block':
      return out.slice(0, Math.max(0, out.length - block));
    case 'partial-block':
      return out.slice(0, Math.max(0, out.length - 1 - (offset % (block - 1))));
    case 'empty':
      return new Uint8Array(0);
  }
}
