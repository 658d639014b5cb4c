import { craftSignedData, opaqueSignedMessage, textEntity } from '@sealpost/conformance';
import { type BerNode, decodeBody, parseBer, parseMime } from '@sealpost/core';
import { ensureTestPki } from '@sealpost/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeTree, toTree } from './ber-tree.js';
import { materialize } from './materialize.js';
import { mutateBase64 } from './mutate-base64.js';
import { mutateBer } from './mutate-ber.js';
import { mutateMime } from './mutate-mime.js';
import type { BerMutation, BerOp } from './mutation.js';
import { failuresOf } from './outcome.js';

let cms: Uint8Array;

beforeAll(async () => {
  const { alice } = (await ensureTestPki()).identities;
  cms = craftSignedData({ content: textEntity('Hi.\r\n'), includeContent: true, signers: [{ certificate: alice.cert, privateKey: alice.keyDer }] });
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

describe('re-wrapping and the outer layers', () => {
  it('a BER mutation reaches the CMS inside the message, base64 lines intact', () => {
    const message = opaqueSignedMessage({ from: 'alice@example.com' }, cms);
    const out = materialize(message, [ber({ op: 'truncate-octets', keep: 1 })]);
    const inside = new Uint8Array(decodeBody(parseMime(out)));
    expect(Buffer.from(inside).equals(Buffer.from(mutateBer(cms, ber({ op: 'truncate-octets', keep: 1 }))))).toBe(true);
    expect(Buffer.from(out).toString('latin1')).toMatch(/^[A-Za-z0-9+/]{76}\r$/m);
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
    expect(failures.map((f) => f.signature)).toEqual([
      'verify: pkijs+forge=valid[] | openssl=timeout',
      'verify: forge backend.verify threw TypeError',
      'verify: openssl over 10 ms',
    ]);
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
