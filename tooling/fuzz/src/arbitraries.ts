import fc from 'fast-check';
import type { Base64Mutation, BerMutation, FieldOp, FuzzCase, MimeMutation, Mutation } from './mutation.js';

/** Positions are plain naturals taken modulo what they index: they shrink towards the start. */
const pos = fc.nat({ max: 1 << 20 });
const byte = fc.nat({ max: 255 });

const berOp = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('flip-byte' as const), offset: pos, mask: byte }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('insert-byte' as const), offset: pos, value: byte }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete-byte' as const), offset: pos }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('change-tag' as const),
      // Mostly tags a reader may plausibly meet in the wrong place, sometimes any byte.
      value: fc.oneof(fc.constantFrom(0x04, 0x05, 0x24, 0x30, 0x31, 0x02, 0x06, 0x80, 0xa0, 0xa1, 0x81, 0x1f), byte),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('length' as const),
      form: fc.constantFrom('indefinite', 'definite', 'long-form', 'too-long', 'too-short'),
      delta: fc.nat({ max: 64 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('duplicate' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('drop' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('replace-with-null' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('append-trailing' as const), value: fc.constantFrom('null', 'octets', 'context-0', 'integer') }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('truncate-octets' as const), keep: pos }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('integer' as const), form: fc.constantFrom('leading-zero', 'leading-ff', 'empty', 'negate', 'huge') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('null-parameters' as const), form: fc.constantFrom('toggle', 'non-empty', 'octets') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('reorder-set' as const), rotate: fc.nat({ max: 16 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('constructed-string' as const), split: pos, indefinite: fc.boolean() }) },
);

/** Key agreement, KEM recipient, signer and content-cipher fields; a no-op on a message without the field. */
const fieldOp: fc.Arbitrary<FieldOp> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('ec-point' as const),
      form: fc.constantFrom('compressed', 'hybrid', 'off-curve', 'infinity', 'zero-x', 'short', 'long', 'unused-bits'),
      offset: pos,
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('ukm' as const), form: fc.constantFrom('add', 'drop', 'empty', 'long', 'not-octets'), value: byte }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('key-wrap' as const), form: fc.constantFrom('scheme', 'wrap', 'wrap-null', 'wrap-params', 'no-wrap'), pick: fc.nat({ max: 64 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('wrapped-key-length' as const), delta: fc.integer({ min: -24, max: 24 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('rc2-parameters' as const), form: fc.constantFrom('version', 'bare-iv', 'iv-only-sequence', 'swap'), version: fc.nat({ max: 64 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('iv-length' as const), delta: fc.integer({ min: -8, max: 8 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('cbc-padding' as const), form: fc.constantFrom('pad-length', 'pad-byte', 'drop-block', 'partial-block', 'empty'), offset: pos, mask: byte }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('kari-originator' as const), form: fc.constantFrom('curve-oid', 'parameters'), pick: fc.nat({ max: 64 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('kem-recipient' as const),
      field: fc.constantFrom('kem', 'kemct-length', 'kdf', 'kek-length', 'wrap', 'ukm', 'encrypted-key-length', 'version'),
      pick: fc.nat({ max: 64 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('signer-algorithm' as const),
      form: fc.constantFrom('digest', 'digest-parameters', 'signature-oid', 'signature-parameters', 'signature-length'),
      pick: fc.nat({ max: 64 }),
    }),
  },
);

export const berMutation: fc.Arbitrary<BerMutation> = fc
  .tuple(
    fc.nat({ max: 4096 }),
    fc.oneof({ weight: 4, arbitrary: fc.constant('cms' as const) }, { weight: 1, arbitrary: fc.constant('all' as const) }),
    fc.oneof({ weight: 4, arbitrary: berOp }, { weight: 1, arbitrary: fieldOp }),
  )
  .map(([target, scope, op]) => ({ level: 'ber', target, scope, ...op }) as BerMutation);

const base64Char = fc.constantFrom('A', '/', '+', '=', '-', '_', '*', '.', ' ', '\t', '\u00e9', '\u0000');

export const base64Mutation: fc.Arbitrary<Base64Mutation> = fc
  .oneof(
    fc.record({ op: fc.constant('replace-char' as const), pos, char: base64Char }),
    fc.record({ op: fc.constant('insert-char' as const), pos, char: base64Char }),
    fc.record({ op: fc.constant('delete-char' as const), pos }),
    fc.record({ op: fc.constant('padding' as const), kind: fc.constantFrom('strip', 'extra', 'inside'), pos }),
    fc.record({ op: fc.constant('rewrap' as const), width: fc.oneof(fc.constantFrom(0, 64, 76, 4), fc.integer({ min: 1, max: 200 })), lf: fc.boolean() }),
    fc.record({ op: fc.constant('truncate' as const), keep: fc.nat({ max: 999 }) }),
    fc.record({ op: fc.constant('whitespace' as const), pos, text: fc.constantFrom(' ', '\t', '\r\n', '\n', '\r\n\r\n') }),
  )
  .map((m) => ({ level: 'base64', ...m }) as Base64Mutation);

const headerTarget = fc.nat({ max: 64 });

export const mimeMutation: fc.Arbitrary<MimeMutation> = fc
  .oneof(
    fc.record({ op: fc.constant('drop-header' as const), target: headerTarget }),
    fc.record({ op: fc.constant('duplicate-header' as const), target: headerTarget }),
    fc.record({ op: fc.constant('header-case' as const), target: headerTarget, upper: fc.boolean() }),
    fc.record({ op: fc.constant('fold-header' as const), target: headerTarget }),
    fc.record({ op: fc.constant('boundary' as const), kind: fc.constantFrom('mismatch', 'drop-close', 'drop-first', 'padding', 'preamble', 'extra-part', 'unquote') }),
    fc.record({ op: fc.constant('line-endings' as const), kind: fc.constantFrom('lf', 'cr', 'mixed', 'double-cr') }),
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat({ max: 999 }) }),
    fc.record({ op: fc.constant('insert-bytes' as const), offset: pos, bytes: fc.array(byte, { minLength: 1, maxLength: 4 }) }),
    fc.record({ op: fc.constant('transfer-encoding' as const), value: fc.constantFrom('7bit', 'binary', 'quoted-printable', 'BASE64', 'x-uuencode', '') }),
    fc.record({ op: fc.constant('smime-type' as const), value: fc.constantFrom('signed-data', 'enveloped-data', 'authEnveloped-data', 'certs-only', 'compressed-data', '') }),
    fc
      .constantFrom(
        { from: 'application/pkcs7-mime', to: 'application/x-pkcs7-mime' },
        { from: 'application/pkcs7-signature', to: 'application/x-pkcs7-signature' },
        { from: 'application/pkcs7-mime', to: 'text/plain' },
        { from: 'multipart/signed', to: 'multipart/mixed' },
        { from: 'multipart/signed', to: 'MULTIPART/SIGNED' },
        { from: 'application/pkcs7-signature', to: 'application/pkcs7-mime' },
        { from: 'application/octet-stream', to: 'application/pkcs7-mime' },
        { from: 'application/octet-stream; name="smime.p7m"', to: 'application/octet-stream; name="smime.p7s"' },
        { from: 'application/octet-stream; name="SMIME.P7S"', to: 'application/octet-stream; name="contract.bin"' },
      )
      .map((x) => ({ op: 'content-type' as const, ...x })),
  )
  .map((m) => ({ level: 'mime', ...m }) as MimeMutation);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof({ weight: 6, arbitrary: berMutation }, { weight: 2, arbitrary: base64Mutation }, { weight: 2, arbitrary: mimeMutation });

export function fuzzCase(structures: readonly string[]): fc.Arbitrary<FuzzCase> {
  return fc.record({
    structure: fc.constantFrom(...structures),
    producer: fc.nat({ max: 3 }),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
  });
}
