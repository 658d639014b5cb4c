/**
 * Mutations as plain data: JSON-printable, so a failure prints the exact list that made it, and
 * made of small integers, so fast-check shrinks them towards the first element, the first byte,
 * the shortest list. Positions are taken modulo whatever they index, so any value fits any message.
 */

/** Which elements of the CMS a BER mutation may pick: the CMS structure only, or X.509 certificates too. */
export type BerScope = 'cms' | 'all';

export type BerOp =
  /** Raw byte damage inside the element (lengths are not fixed up). */
  | { readonly op: 'flip-byte'; readonly offset: number; readonly mask: number }
  | { readonly op: 'insert-byte'; readonly offset: number; readonly value: number }
  | { readonly op: 'delete-byte'; readonly offset: number }
  /** The first identifier octet replaced (class, constructed bit and tag number at once). */
  | { readonly op: 'change-tag'; readonly value: number }
  /** indefinite/definite/long-form re-encode the length correctly; too-long/too-short lie about it. */
  | { readonly op: 'length'; readonly form: 'indefinite' | 'definite' | 'long-form' | 'too-long' | 'too-short'; readonly delta: number }
  | { readonly op: 'duplicate' }
  | { readonly op: 'drop' }
  | { readonly op: 'replace-with-null' }
  | { readonly op: 'append-trailing'; readonly value: 'null' | 'octets' | 'context-0' | 'integer' }
  /** Keep only the first `keep` (modulo its length) bytes of an OCTET STRING: GCM mac, signature, key, digest. */
  | { readonly op: 'truncate-octets'; readonly keep: number }
  | { readonly op: 'integer'; readonly form: 'leading-zero' | 'leading-ff' | 'empty' | 'negate' | 'huge' }
  /** AlgorithmIdentifier: add NULL parameters where absent, drop them where present, or make them non-empty. */
  | { readonly op: 'null-parameters'; readonly form: 'toggle' | 'non-empty' | 'octets' }
  /** Rotate the elements of a SET (or a [n] IMPLICIT SET such as signed attributes). */
  | { readonly op: 'reorder-set'; readonly rotate: number }
  /** A primitive OCTET STRING re-sent as a constructed one in two segments. */
  | { readonly op: 'constructed-string'; readonly split: number; readonly indefinite: boolean };

/** Mutations aimed at named fields of key agreement, KEM recipients, signers and the content ciphers (`src/mutate-fields.ts`). */
export type FieldOp =
  /** The kari originator's EC point: compressed, hybrid, off the curve, the point at infinity, X zero, octets short or long, unused bits. */
  | { readonly op: 'ec-point'; readonly form: 'compressed' | 'hybrid' | 'off-curve' | 'infinity' | 'zero-x' | 'short' | 'long' | 'unused-bits'; readonly offset: number }
  /** The kari's ukm [1]: added (or replaced), dropped, emptied, 200 octets long, or an INTEGER. */
  | { readonly op: 'ukm'; readonly form: 'add' | 'drop' | 'empty' | 'long' | 'not-octets'; readonly value: number }
  /** The key-agreement algorithm: another scheme, another key wrap, the wrap's parameters NULL or not, no wrap at all. */
  | { readonly op: 'key-wrap'; readonly form: 'scheme' | 'wrap' | 'wrap-null' | 'wrap-params' | 'no-wrap'; readonly pick: number }
  /** A RecipientEncryptedKey's AES-wrapped key `delta` octets longer or shorter (0 counts as -8). */
  | { readonly op: 'wrapped-key-length'; readonly delta: number }
  /** RC2CBCParameter: another rc2ParameterVersion, a bare IV, the IV alone in the SEQUENCE, the fields swapped. */
  | { readonly op: 'rc2-parameters'; readonly form: 'version' | 'bare-iv' | 'iv-only-sequence' | 'swap'; readonly version: number }
  /** The content cipher's IV (3DES, RC2, AES-CBC) or GCM nonce `delta` octets longer or shorter (0 counts as -1). */
  | { readonly op: 'iv-length'; readonly delta: number }
  /** CBC padding at the end of the ciphertext: pad length or a pad octet changed, last block dropped, a partial block, none. */
  | { readonly op: 'cbc-padding'; readonly form: 'pad-length' | 'pad-byte' | 'drop-block' | 'partial-block' | 'empty'; readonly offset: number; readonly mask: number }
  /** The kari originator key's algorithm: another curve or key type (X448, Ed25519, id-ecPublicKey, ...), or parameters where X25519 has none. */
  | { readonly op: 'kari-originator'; readonly form: 'curve-oid' | 'parameters'; readonly pick: number }
  /**
   * A KEMRecipientInfo field (RFC 9629): the KEM (another parameter set, not ML-KEM, parameters added), the
   * kemct's length, the KDF (another HKDF, not HKDF, parameters added), kekLength, the wrap, the ukm, the
   * encryptedKey's length, the version.
   */
  | {
      readonly op: 'kem-recipient';
      readonly field: 'kem' | 'kemct-length' | 'kdf' | 'kek-length' | 'wrap' | 'ukm' | 'encrypted-key-length' | 'version';
      readonly pick: number;
    }
  /**
   * A SignerInfo's algorithms (RFC 8419, RFC 9882): the digest (not SHA-512, SHAKE256, SHA3) and its
   * parameters, the signature algorithm (another ML-DSA parameter set, Ed448, HashML-DSA, RSA, ECDSA) and
   * its parameters (which Ed25519 and ML-DSA must not have), the signature's length.
   */
  | { readonly op: 'signer-algorithm'; readonly form: 'digest' | 'digest-parameters' | 'signature-oid' | 'signature-parameters' | 'signature-length'; readonly pick: number };

export const FIELD_OPS: ReadonlySet<string> = new Set([
  'ec-point',
  'ukm',
  'key-wrap',
  'wrapped-key-length',
  'rc2-parameters',
  'iv-length',
  'cbc-padding',
  'kari-originator',
  'kem-recipient',
  'signer-algorithm',
]);

export type BerMutation = { readonly level: 'ber'; readonly target: number; readonly scope: BerScope } & (BerOp | FieldOp);

export type Base64Mutation = { readonly level: 'base64' } & (
  | { readonly op: 'replace-char'; readonly pos: number; readonly char: string }
  | { readonly op: 'insert-char'; readonly pos: number; readonly char: string }
  | { readonly op: 'delete-char'; readonly pos: number }
  | { readonly op: 'padding'; readonly kind: 'strip' | 'extra' | 'inside'; readonly pos: number }
  /** Re-flow the base64 text: 0 = one line; `lf` uses bare LF. */
  | { readonly op: 'rewrap'; readonly width: number; readonly lf: boolean }
  | { readonly op: 'truncate'; readonly keep: number }
  | { readonly op: 'whitespace'; readonly pos: number; readonly text: string }
);

export type MimeMutation = { readonly level: 'mime' } &
  /** Header lines anywhere in the message (top level and parts), picked by index. */
  (
    | { readonly op: 'drop-header'; readonly target: number }
    | { readonly op: 'duplicate-header'; readonly target: number }
    | { readonly op: 'header-case'; readonly target: number; readonly upper: boolean }
    | { readonly op: 'fold-header'; readonly target: number }
    | { readonly op: 'boundary'; readonly kind: 'mismatch' | 'drop-close' | 'drop-first' | 'padding' | 'preamble' | 'extra-part' | 'unquote' }
    | { readonly op: 'line-endings'; readonly kind: 'lf' | 'cr' | 'mixed' | 'double-cr' }
    /** Cut the message after `at` per mille of its length. */
    | { readonly op: 'truncate'; readonly at: number }
    | { readonly op: 'insert-bytes'; readonly offset: number; readonly bytes: readonly number[] }
    | { readonly op: 'transfer-encoding'; readonly value: string }
    | { readonly op: 'smime-type'; readonly value: string }
    | { readonly op: 'content-type'; readonly from: string; readonly to: string }
  );

export type Mutation = BerMutation | Base64Mutation | MimeMutation;

/** One generated case: which seed message, made by which producer, and what is done to it. */
export interface FuzzCase {
  readonly structure: string;
  /** Index (modulo) into the structure's producers. */
  readonly producer: number;
  readonly mutations: readonly Mutation[];
}

/** One line per mutation, for reports; `target` names the BER element it hit, when known. */
export function describeMutation(m: Mutation, target?: string | null): string {
  const { level, op, ...rest } = m as Mutation & Record<string, unknown>;
  const args = Object.entries(rest)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
  return `${level}:${op}${args === '' ? '' : ` ${args}`}${target == null ? '' : ` -> ${target}`}`;
}
