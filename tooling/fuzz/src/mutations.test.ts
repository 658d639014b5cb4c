import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { cmsOf as cmsOfMessage, craftSignedData, envelopedMessage, nodeAt, opaqueSignedMessage, textEntity } from '@sealpost/conformance';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BerNode, createSealpost, decodeBody, der, parseBer, parseMime, readPrivateKey } from '@sealpost/core';
import { type TestPki, ensureTestPki, opensslEncryptDer, pemBlocksToDer, vectorsDir } from '@sealpost/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeTree, toTree } from './ber-tree.js';
import { materialize } from './materialize.js';
import { mutateBase64 } from './mutate-base64.js';
import { mutateBer } from './mutate-ber.js';
import { mutateMime } from './mutate-mime.js';
import type { BerMutation, BerOp, FieldOp } from './mutation.js';
import { opensslLegacyEnvelope } from './openssl-seeds.js';
import { failuresOf } from './outcome.js';

let cms: Uint8Array;
let pki: TestPki;
/** EnvelopedData by openssl cms: ECDH to carol (AES-128-CBC), and RC2-40 and 3DES to bob. */
let kari: Uint8Array;
let rc2: Uint8Array;
let des3: Uint8Array;

beforeAll(async () => {
  pki = await ensureTestPki();
  const { alice, bob, carol } = pki.identities;
  cms = craftSignedData({ content: textEntity('Hi.\r\n'), includeContent: true, signers: [{ certificate: alice.cert, privateKey: alice.keyDer }] });
  const content = textEntity('Sealed.\r\n');
  [kari, rc2, des3] = await Promise.all([
    opensslEncryptDer({ content, recipientCertPaths: [carol.certPath], cipher: 'aes-128-cbc' }),
    opensslLegacyEnvelope('rc2-40', content, [bob.certPath]),
    opensslLegacyEnvelope('des3', content, [bob.certPath]),
  ]);
});

const ber = (op: BerOp, target = 0, scope: 'cms' | 'all' = 'cms'): BerMutation => ({ level: 'ber', target, scope, ...op }) as BerMutation;

function nodes(root: BerNode): BerNode[] {
  return [root, ...root.children.flatMap(nodes)];
}

/** The SignedData's eContent OCTET STRING (ContentInfo > [0] > SignedData > encapContentInfo > [0] > OCTET STRING). */
function eContent(bytes: Uint8Array): BerNode {
  return parseBer(bytes).children[1]!.children[0]!.children[2]!.children[1]!.children[0]!;
}

describe('BER tree', () => {
  it('writes back exactly the bytes it read, definite or indefinite', () => {
    expect(Buffer.from(encodeTree(toTree(cms))).equals(Buffer.from(cms))).toBe(true);
    const indefinite = Buffer.concat([Buffer.from([0x30, 0x80]), Buffer.from(parseBer(cms).contents), Buffer.from([0, 0])]);
    expect(Buffer.from(encodeTree(toTree(indefinite))).equals(indefinite)).toBe(true);
  });
});

describe('BER mutations', () => {
  it('truncate-octets shortens one OCTET STRING and fixes every enclosing length', () => {
    const before = nodes(parseBer(cms)).filter((n) => n.cls === 0 && n.tagNumber === 4);
    const out = mutateBer(cms, ber({ op: 'truncate-octets', keep: 2 }));
    const after = nodes(parseBer(out)).filter((n) => n.cls === 0 && n.tagNumber === 4);
    expect(after[0]!.contents.length).toBe(2);
    expect(before[0]!.contents.length).toBeGreaterThan(2);
    expect(out.length).toBe(cms.length - (before[0]!.contents.length - 2));
  });

  it('constructed-string re-sends an OCTET STRING in two segments holding the same octets', () => {
    const out = mutateBer(cms, ber({ op: 'constructed-string', split: 3, indefinite: true }));
    const e = eContent(out);
    expect(e.constructed).toBe(true);
    expect(e.children).toHaveLength(2);
    expect(Buffer.concat(e.children.map((c) => c.contents)).equals(Buffer.from(eContent(cms).contents))).toBe(true);
  });

  it('length indefinite turns the root into 0x80 ... 00 00 and still parses', () => {
    const out = mutateBer(cms, ber({ op: 'length', form: 'indefinite', delta: 0 }));
    expect([...out.subarray(0, 2)]).toEqual([0x30, 0x80]);
    expect([...out.subarray(-2)]).toEqual([0, 0]);
    expect(() => parseBer(out)).not.toThrow();
  });

  it('too-long lies about a length, so the result no longer parses', () => {
    const out = mutateBer(cms, ber({ op: 'length', form: 'too-long', delta: 0 }, 1));
    expect(() => parseBer(out)).toThrow();
  });

  it('reorder-set rotates a SET, and the certificates are left alone in scope cms', () => {
    const out = mutateBer(cms, ber({ op: 'reorder-set', rotate: 0 }));
    expect(out.length).toBe(cms.length);
    expect(Buffer.from(out).equals(Buffer.from(cms))).toBe(false);
    const certificate = parseBer(cms).children[1]!.children[0]!.children[3]!.children[0]!;
    expect(Buffer.from(out).includes(Buffer.from(certificate.raw))).toBe(true);
  });

  it('null-parameters toggles NULL in an AlgorithmIdentifier', () => {
    const out = mutateBer(cms, ber({ op: 'null-parameters', form: 'toggle' }));
    expect(out.length).toBe(cms.length - 2);
  });

  it('leaves bytes that do not parse unchanged rather than throwing', () => {
    const broken = Uint8Array.of(0x30, 0x05, 0x01);
    expect(mutateBer(broken, ber({ op: 'drop' }))).toBe(broken);
  });
});

const field = (op: FieldOp): BerMutation => ber(op as unknown as BerOp);

// ContentInfo > EnvelopedData > recipientInfos > the kari; > encryptedContentInfo.
const KARI = [1, 0, 1, 0];
const CONTENT_INFO = [1, 0, 2];

describe('field mutations: key agreement and the content ciphers', () => {
  it('ec-point makes the originator key compressed, or moves it off the curve in one octet', () => {
    const point = (bytes: Uint8Array) => nodeAt(bytes, [...KARI, 1, 0, 1]).contents;
    const original = point(kari);
    expect(original.length).toBe(2 + 64);
    const compressed = point(mutateBer(kari, field({ op: 'ec-point', form: 'compressed', offset: 0 })));
    expect([...compressed.subarray(0, 1)]).toEqual([0]);
    expect([2, 3]).toContain(compressed[1]);
    expect(Buffer.from(compressed.subarray(2)).equals(Buffer.from(original.subarray(2, 34)))).toBe(true);
    const off = point(mutateBer(kari, field({ op: 'ec-point', form: 'off-curve', offset: 5 })));
    expect(off.length).toBe(original.length);
    expect([...off].filter((b, i) => b !== original[i])).toHaveLength(1);
  });

  it('ukm is added after the originator, and dropping it again gives the original bytes', () => {
    const added = mutateBer(kari, field({ op: 'ukm', form: 'add', value: 7 }));
    const ukm = nodeAt(added, [...KARI, 2]);
    expect([ukm.cls, ukm.tagNumber]).toEqual([2, 1]);
    expect(ukm.children[0]!.contents).toHaveLength(8 + 7);
    expect(Buffer.from(mutateBer(added, field({ op: 'ukm', form: 'drop', value: 0 }))).equals(Buffer.from(kari))).toBe(true);
  });

  it('key-wrap swaps the key-wrap algorithm or the scheme; wrapped-key-length changes the encrypted key', () => {
    const wrap = mutateBer(kari, field({ op: 'key-wrap', form: 'wrap', pick: 3 }));
    expect(Buffer.from(nodeAt(wrap, [...KARI, 2, 1, 0]).raw).equals(Buffer.from(der.oid('1.2.840.113549.1.9.16.3.6')))).toBe(true);
    const scheme = mutateBer(kari, field({ op: 'key-wrap', form: 'scheme', pick: 1 }));
    expect(Buffer.from(nodeAt(scheme, [...KARI, 2, 0]).raw).equals(Buffer.from(der.oid('1.3.132.1.11.0')))).toBe(true);
    const encryptedKey = (bytes: Uint8Array) => nodeAt(bytes, [...KARI, 3, 0, 1]).contents.length;
    expect(encryptedKey(mutateBer(kari, field({ op: 'wrapped-key-length', delta: -8 })))).toBe(encryptedKey(kari) - 8);
    expect(encryptedKey(mutateBer(kari, field({ op: 'wrapped-key-length', delta: 3 })))).toBe(encryptedKey(kari) + 3);
  });

  it('rc2-parameters and iv-length change the RC2 version, its IV, and the 3DES IV', () => {
    const params = (bytes: Uint8Array) => nodeAt(bytes, [...CONTENT_INFO, 1, 1]);
    expect([...params(rc2).children[0]!.contents]).toEqual([0, 160]);
    expect([...params(mutateBer(rc2, field({ op: 'rc2-parameters', form: 'version', version: 3 }))).children[0]!.contents]).toEqual([52]);
    const bare = params(mutateBer(rc2, field({ op: 'rc2-parameters', form: 'bare-iv', version: 0 })));
    expect([bare.tagNumber, bare.contents.length]).toEqual([4, 8]);
    expect(params(mutateBer(rc2, field({ op: 'iv-length', delta: 1 }))).children[1]!.contents).toHaveLength(9);
    expect(params(mutateBer(des3, field({ op: 'iv-length', delta: -3 }))).contents).toHaveLength(5);
    // Every version, the negative one too (the DER writer refuses negative values; the mutator must not throw).
    const versions = Array.from({ length: 12 }, (_, version) => [...params(mutateBer(rc2, field({ op: 'rc2-parameters', form: 'version', version }))).children[0]!.contents]);
    expect(versions).toContainEqual([0xff]);
  });

  it('cbc-padding changes the one ciphertext octet over the pad length, or cuts blocks', () => {
    const ciphertext = (bytes: Uint8Array) => nodeAt(bytes, [...CONTENT_INFO, 2]).contents;
    const before = ciphertext(des3);
    const padLength = ciphertext(mutateBer(des3, field({ op: 'cbc-padding', form: 'pad-length', offset: 0, mask: 0x0f })));
    expect([...padLength].map((b, i) => (b === before[i] ? -1 : i)).filter((i) => i >= 0)).toEqual([before.length - 9]);
    expect(ciphertext(mutateBer(des3, field({ op: 'cbc-padding', form: 'drop-block', offset: 0, mask: 0 })))).toHaveLength(before.length - 8);
    expect(ciphertext(mutateBer(des3, field({ op: 'cbc-padding', form: 'partial-block', offset: 2, mask: 0 }))).length % 8).not.toBe(0);
  });

  it('a field mutation leaves a message without the field unchanged', () => {
    for (const op of [
      { op: 'ec-point', form: 'compressed', offset: 0 },
      { op: 'rc2-parameters', form: 'swap', version: 0 },
      { op: 'cbc-padding', form: 'empty', offset: 0, mask: 0 },
    ] as const)
      expect(mutateBer(cms, field(op))).toBe(cms);
    expect(mutateBer(des3, field({ op: 'rc2-parameters', form: 'swap', version: 0 }))).toBe(des3);
  });

  it('they reach the reader: each gives the refusal its field calls for', async () => {
    const sp = createSealpost({ backend: await createPkijsBackend() });
    const { bob, carol } = pki.identities;
    const decrypt = async (bytes: Uint8Array, who: typeof bob, legacy = false) => {
      const report = await sp.decrypt(envelopedMessage({ from: 'alice@example.com', to: who.email }, bytes), {
        identity: { certificate: who.cert, privateKey: { type: 'pkcs8', der: who.keyDer } },
        ...(legacy ? { policy: { legacy: true } } : {}),
      });
      return report.errors.map((e) => e.code);
    };
    expect(await decrypt(mutateBer(kari, field({ op: 'ec-point', form: 'compressed', offset: 0 })), carol)).toEqual(['ERR_UNSUPPORTED_KEY_AGREEMENT']);
    expect(await decrypt(mutateBer(kari, field({ op: 'key-wrap', form: 'wrap', pick: 3 })), carol)).toEqual(['ERR_UNSUPPORTED_KEY_AGREEMENT']);
    expect(await decrypt(mutateBer(kari, field({ op: 'ukm', form: 'add', value: 1 })), carol)).toEqual(['ERR_DECRYPTION_FAILED']);
    expect(await decrypt(mutateBer(rc2, field({ op: 'rc2-parameters', form: 'version', version: 3 })), bob, true)).toEqual(['ERR_UNSUPPORTED_CIPHER']);
    expect(await decrypt(mutateBer(des3, field({ op: 'iv-length', delta: 1 })), bob, true)).toEqual(['ERR_CMS_MALFORMED']);
    expect(await decrypt(mutateBer(des3, field({ op: 'cbc-padding', form: 'partial-block', offset: 0, mask: 0 })), bob, true)).toEqual(['ERR_DECRYPTION_FAILED']);
  });
});

describe('field mutations: X25519, ML-KEM, Ed25519 and ML-DSA', () => {
  const vector = (folder: string, name: string, label: string) => pemBlocksToDer(readFileSync(join(vectorsDir(), folder, name), 'utf8'), label)[0]!;
  const oidIs = (node: BerNode, dotted: string) => Buffer.from(node.raw).equals(Buffer.from(der.oid(dotted)));
  // RFC 9936's AuthEnvelopedData: ContentInfo > AuthEnvelopedData > recipientInfos > ori [4] > KEMRecipientInfo.
  const KEMRI = [1, 0, 1, 0, 1];
  const kemMessage = () => vector('rfc9936', 'ML-KEM-512.cms', 'CMS');
  const carlos = () => ({ certificate: vector('rfc9216', 'carlos@smime.example.sig.pem', 'CERTIFICATE'), privateKey: vector('rfc9216', 'lamps-carlos.p8.pem', 'PRIVATE KEY') });
  const dana = () => ({ certificate: vector('rfc9216', 'dana@smime.example.enc.pem', 'CERTIFICATE'), der: vector('rfc9216', 'lamps-dana.decrypt.p8.pem', 'PRIVATE KEY') });
  const signerInfo = (bytes: Uint8Array) => [1, 0, parseBer(bytes).children[1]!.children[0]!.children.length - 1, 0];

  it('kari-originator puts another key type or parameters on the X25519 sender key', async () => {
    const sp = createSealpost({ backend: await createPkijsBackend() });
    const sealed = cmsOfMessage(await sp.encrypt(textEntity('To dana.\r\n'), { recipients: [dana().certificate], cipher: 'aes-128-gcm' }));
    const algorithm = (bytes: Uint8Array) => nodeAt(bytes, [...KARI, 1, 0, 0]);
    expect(oidIs(algorithm(sealed).children[0]!, '1.3.101.110')).toBe(true);
    expect(oidIs(algorithm(mutateBer(sealed, field({ op: 'kari-originator', form: 'curve-oid', pick: 1 }))).children[0]!, '1.3.101.111')).toBe(true);
    expect(algorithm(mutateBer(sealed, field({ op: 'kari-originator', form: 'parameters', pick: 0 }))).children[1]!.tagNumber).toBe(5);
  });

  it('kem-recipient changes the KEM, kemct, kekLength, wrap and ukm of a KEMRecipientInfo; dropping an added ukm gives the original bytes', () => {
    const cms = kemMessage();
    const at = (bytes: Uint8Array, i: number) => nodeAt(bytes, [...KEMRI, i]);
    expect(oidIs(at(mutateBer(cms, field({ op: 'kem-recipient', field: 'kem', pick: 1 })), 2).children[0]!, '2.16.840.1.101.3.4.4.2')).toBe(true);
    expect(at(mutateBer(cms, field({ op: 'kem-recipient', field: 'kemct-length', pick: 0 })), 3).contents).toHaveLength(at(cms, 3).contents.length - 1);
    expect([...at(mutateBer(cms, field({ op: 'kem-recipient', field: 'kek-length', pick: 1 })), 5).contents]).toEqual([24]);
    expect(oidIs(at(mutateBer(cms, field({ op: 'kem-recipient', field: 'wrap', pick: 3 })), 6).children[0]!, '1.2.840.113549.1.9.16.3.6')).toBe(true);
    const withUkm = mutateBer(cms, field({ op: 'kem-recipient', field: 'ukm', pick: 0 }));
    expect([at(withUkm, 6).cls, at(withUkm, 6).tagNumber, at(withUkm, 6).children[0]!.contents.length]).toEqual([2, 0, 8]);
    expect(Buffer.from(mutateBer(withUkm, field({ op: 'kem-recipient', field: 'ukm', pick: 4 }))).equals(Buffer.from(cms))).toBe(true);
  });

  it('signer-algorithm changes the digest (SHA-224 and MD5 too, under every signer), the signature algorithm and the signature length', () => {
    const ed = craftSignedData({ content: textEntity('Hi.\r\n'), includeContent: true, signers: [carlos()] });
    const digestOf = (bytes: Uint8Array) => nodeAt(bytes, [...signerInfo(bytes), 2]).children[0]!;
    expect(oidIs(digestOf(ed), '2.16.840.1.101.3.4.2.3')).toBe(true);
    expect(oidIs(digestOf(mutateBer(ed, field({ op: 'signer-algorithm', form: 'digest', pick: 6 }))), '2.16.840.1.101.3.4.2.4')).toBe(true);
    // An RSA signer gets them too: core checks them itself on every backend.
    const rsaDigests = Array.from({ length: 16 }, (_, pick) => digestOf(mutateBer(cms, field({ op: 'signer-algorithm', form: 'digest', pick }))));
    expect(rsaDigests.some((d) => oidIs(d, '2.16.840.1.101.3.4.2.4'))).toBe(true);
    expect(rsaDigests.some((d) => oidIs(d, '1.2.840.113549.2.5'))).toBe(true);
    const mlDsa = vector('rfc9882', 'mldsa44-signed-attrs.pem', 'CMS');
    const signature = (bytes: Uint8Array) => nodeAt(bytes, [...signerInfo(bytes), 5]);
    expect(signature(mutateBer(mlDsa, field({ op: 'signer-algorithm', form: 'signature-length', pick: 0 }))).contents).toHaveLength(signature(mlDsa).contents.length - 1);
    expect(oidIs(nodeAt(mutateBer(mlDsa, field({ op: 'signer-algorithm', form: 'signature-oid', pick: 3 })), [...signerInfo(mlDsa), 4, 0]), '2.16.840.1.101.3.4.3.18')).toBe(true);
  });

  it('they reach the reader: each gives the refusal its field calls for', async () => {
    const sp = createSealpost({ backend: await createPkijsBackend() });
    const bob = { certificate: vector('rfc9936', 'ML-KEM-512.pem', 'CERTIFICATE'), privateKey: await readPrivateKey(readFileSync(join(vectorsDir(), 'rfc9936', 'ML-KEM-512-seed.priv'))) };
    const decrypt = async (bytes: Uint8Array) =>
      (await sp.decrypt(envelopedMessage({ from: 'alice@example.com', to: 'bob@example.com' }, bytes, 'authEnveloped-data'), { identity: bob })).errors.map((e) => e.code);
    expect(await decrypt(kemMessage())).toEqual([]);
    expect(await decrypt(mutateBer(kemMessage(), field({ op: 'kem-recipient', field: 'kem', pick: 1 })))).toEqual(['ERR_CMS_MALFORMED']);
    expect(await decrypt(mutateBer(kemMessage(), field({ op: 'kem-recipient', field: 'kdf', pick: 3 })))).toEqual(['ERR_UNSUPPORTED_KEM']);
    expect(await decrypt(mutateBer(kemMessage(), field({ op: 'kem-recipient', field: 'kek-length', pick: 1 })))).toEqual(['ERR_CMS_MALFORMED']);
    expect(await decrypt(mutateBer(kemMessage(), field({ op: 'kem-recipient', field: 'kemct-length', pick: 0 })))).toEqual(['ERR_DECRYPTION_FAILED']);
    const ed = craftSignedData({ content: textEntity('Hi.\r\n'), includeContent: true, signers: [carlos()] });
    const anchors = [vector('rfc9216', 'Sample_LAMPS_Ed25519_Certification_Authority.selfsigned.pem', 'CERTIFICATE')];
    const verify = async (bytes: Uint8Array) => (await sp.verify(opaqueSignedMessage({ from: 'carlos@smime.example' }, bytes), { trustAnchors: anchors })).status;
    expect(await verify(ed)).toBe('valid');
    expect(await verify(mutateBer(ed, field({ op: 'signer-algorithm', form: 'signature-parameters', pick: 0 })))).toBe('invalid');
  });
});

describe('re-wrapping and the outer layers', () => {
  it('a BER mutation reaches the CMS inside the message, base64 lines intact', () => {
    const message = opaqueSignedMessage({ from: 'alice@example.com' }, cms);
    const out = materialize(message, [ber({ op: 'truncate-octets', keep: 1 })]);
    const inside = new Uint8Array(decodeBody(parseMime(out)));
    expect(Buffer.from(inside).equals(Buffer.from(mutateBer(cms, ber({ op: 'truncate-octets', keep: 1 }))))).toBe(true);
    expect(Buffer.from(out).toString('latin1')).toMatch(/^[A-Za-z0-9+/]{76}\r$/m);
  });

  it('a message stored with LF keeps LF lines in the re-wrapped base64; an octet-stream part named smime.p7m is found', () => {
    const lf = Buffer.from(
      Buffer.from(opaqueSignedMessage({ from: 'alice@example.com' }, cms))
        .toString('latin1')
        .replace(/\r\n/g, '\n'),
      'latin1',
    );
    const out = Buffer.from(materialize(lf, [ber({ op: 'truncate-octets', keep: 1 })])).toString('latin1');
    expect(out).not.toContain('\r');
    expect(out).not.toBe(lf.toString('latin1'));
    const octet = Buffer.from(opaqueSignedMessage({}, cms))
      .toString('latin1')
      .replace(/application\/pkcs7-mime;[^\r]*/, 'application/octet-stream; name="smime.p7m"');
    const mutated = materialize(Buffer.from(octet, 'latin1'), [ber({ op: 'truncate-octets', keep: 1 })]);
    expect(Buffer.from(mutated).toString('latin1')).not.toBe(octet);
  });

  it('base64 and MIME mutations do what they say', () => {
    expect(mutateBase64('QUJD\r\nREVG', { level: 'base64', op: 'rewrap', width: 0, lf: false })).toBe('QUJDREVG');
    expect(mutateBase64('QUI=', { level: 'base64', op: 'padding', kind: 'strip', pos: 0 })).toBe('QUI');
    expect(mutateMime('A: 1\r\nB: 2\r\n\r\nx\r\n', { level: 'mime', op: 'line-endings', kind: 'lf' })).toBe('A: 1\nB: 2\n\nx\n');
    expect(mutateMime('A: 1\r\nB: 2\r\n\r\nx\r\n', { level: 'mime', op: 'drop-header', target: 1 })).toBe('A: 1\r\n\r\nx\r\n');
  });
});

describe('what counts as a failure', () => {
  it('a disagreement is named by which backend said what; untyped throws and timeouts count too', () => {
    const report = (status: string, codes: string[]) => ({ kind: 'report', status, codes }) as const;
    const failures = failuresOf(
      {
        operation: 'verify',
        results: [
          { backend: 'pkijs', outcome: report('valid', []), untypedInside: [], ms: 1 },
          { backend: 'forge', outcome: report('valid', []), untypedInside: [{ method: 'verify', name: 'TypeError', message: 'x' }], ms: 1 },
          { backend: 'openssl', outcome: { kind: 'timeout' }, untypedInside: [], ms: 1 },
        ],
      },
      10,
    );
    expect(failures.map((f) => f.signature)).toEqual(['verify: pkijs+forge=valid[] | openssl=timeout', 'verify: forge backend.verify threw TypeError', 'verify: openssl over 10 ms']);
  });

  it('codes every backend reported are left out of the signature, so one cause makes one class', () => {
    const report = (codes: string[]) => ({ kind: 'report', status: 'invalid', codes }) as const;
    const failures = failuresOf(
      {
        operation: 'open',
        results: [
          { backend: 'pkijs', outcome: report(['ERR_CMS_MALFORMED', 'ERR_WEAK_KEY']), untypedInside: [], ms: 1 },
          { backend: 'forge', outcome: report(['ERR_WEAK_KEY']), untypedInside: [], ms: 1 },
          { backend: 'openssl', outcome: report(['ERR_WEAK_KEY']), untypedInside: [], ms: 1 },
        ],
      },
      10,
    );
    expect(failures.map((f) => f.signature)).toEqual(['open: pkijs=invalid[ERR_CMS_MALFORMED] | forge+openssl=invalid[]']);
  });
});
