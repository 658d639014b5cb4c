import type { ContentCipher, KeyTransport } from '@sealpost/core';
import { bytesEqual, DECRYPTION_FAILED_MESSAGE, der } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { constants, createPrivateKey, generateKeyPairSync, privateDecrypt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, openssl, opensslOk, readTemp, writeTemp, type Identity, type TestPki } from '../test-support/openssl-pki.js';
import { createPkijsBackend } from './backend.js';
import { createContext } from './context.js';
import { wrapKey } from './key-transport.js';
import { publicKeyFacts } from './keys.js';

const backend = createPkijsBackend();
const content = new TextEncoder().encode('Content-Type: text/plain; charset=utf-8\r\n\r\nA sealed message for the pkijs backend.\r\n');
let pki: TestPki;

beforeAll(() => {
  pki = makeTestPki();
});
afterAll(() => pki?.cleanup());

function identity(id: Identity) {
  return { certificate: id.cert, privateKey: { type: 'pkcs8' as const, der: id.key } };
}

let counter = 0;
function opensslDecrypts(cms: Uint8Array, id: Identity): Uint8Array | null {
  const n = counter++;
  const inPath = writeTemp(pki, `d${n}.der`, cms);
  const result = openssl(pki.dir, 'cms', '-decrypt', '-binary', '-inform', 'DER', '-in', inPath, '-recip', id.certPath, '-inkey', id.keyPath, '-out', `d${n}.out`);
  return result.status === 0 ? readTemp(pki, `d${n}.out`) : null;
}

function opensslEncrypt(args: readonly string[], recipients: readonly Identity[] = [pki.alice], input: Uint8Array = content): Uint8Array {
  const n = counter++;
  const inPath = writeTemp(pki, `e${n}.in`, input);
  const recipientArgs = recipients.flatMap((r) => ['-recip', r.certPath]);
  opensslOk(pki.dir, 'cms', '-encrypt', '-binary', '-in', inPath, '-outform', 'DER', '-out', `e${n}.der`, ...args, ...recipientArgs);
  return readTemp(pki, `e${n}.der`);
}

/** The node at `path` (child indexes) below the root of a DER/BER element. */
function nodeAt(root: kit.Node, path: readonly number[]): kit.Node {
  let node: kit.Node | undefined = root;
  for (const i of path) node = kit.childrenOf(node)?.[i];
  if (node === undefined) throw new Error(`no node at ${path.join('.')}`);
  return node;
}

/** Flips one bit at the last content octet of the node at `path`. */
function flipIn(cms: Uint8Array, path: readonly number[], fromEnd = 1): Uint8Array {
  const root = kit.decodeElement(cms);
  if (root === null) throw new Error('unreadable');
  const node = nodeAt(root, path);
  const offset = node.raw.byteOffset - root.raw.byteOffset + node.raw.length - fromEnd;
  const out = cms.slice();
  out[offset] = (out[offset] ?? 0) ^ 0x10;
  return out;
}

async function expectGenericFailure(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ name: 'SealpostError', code: 'ERR_DECRYPTION_FAILED', message: DECRYPTION_FAILED_MESSAGE });
  expect((error as Error).cause).toBeUndefined();
}

/**
 * For PKCS#1 v1.5 with CBC a bad key block becomes a random key (RFC 3218), and a random key
 * decrypts to a valid CBC padding about once in 256 tries: then the result is garbage, never the
 * plaintext. Any other outcome fails.
 */
async function expectGenericFailureOrGarbage(promise: Promise<{ content: Uint8Array }>): Promise<void> {
  const outcome = await promise.then(
    (r) => r,
    (e: unknown) => e,
  );
  if (outcome instanceof Error) return expectGenericFailure(Promise.reject(outcome));
  expect(bytesEqual((outcome as { content: Uint8Array }).content, content)).toBe(false);
}

const ciphers: ContentCipher[] = ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-192-gcm', 'aes-256-gcm'];
const transports: KeyTransport[] = ['rsa-pkcs1', 'rsa-oaep'];

describe('encryption made here', () => {
  for (const cipher of ciphers) {
    for (const keyTransport of transports) {
      it(`${cipher} with ${keyTransport}: decrypts here for each recipient and with openssl cms`, async () => {
        const cms = await backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }, { certificate: pki.bob.cert }], cipher, keyTransport });
        expect(kit.oidOf(kit.childrenOf(kit.decodeElement(cms) ?? undefined)?.[0])).toBe(cipher.endsWith('gcm') ? kit.OID.authEnvelopedData : kit.OID.envelopedData);
        for (const id of [pki.alice, pki.bob]) {
          expect((await backend.decrypt({ cms, ...identity(id) })).content).toEqual(content);
          expect(opensslDecrypts(cms, id)).toEqual(content);
        }
      });
    }
  }

  it('writes standard AuthEnvelopedData (RFC 5083/5084): GCMParameters, ciphertext without tag, 16-octet mac', async () => {
    const cms = await backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-oaep' });
    const root = kit.decodeElement(cms);
    if (root === null) throw new Error('unreadable');
    const aed = nodeAt(root, [1, 0]);
    const parts = kit.childrenOf(aed) ?? [];
    expect(parts).toHaveLength(4); // version, recipientInfos, authEncryptedContentInfo, mac: no authAttrs
    expect(kit.smallIntegerOf(parts[0])).toBe(0);
    const eci = kit.childrenOf(parts[2]) ?? [];
    expect(kit.oidOf(eci[0])).toBe(kit.OID.data);
    expect(kit.oidOf(kit.childrenOf(eci[1])?.[0])).toBe(kit.OID.aes256Gcm);
    const gcmParameters = kit.childrenOf(kit.childrenOf(eci[1])?.[1]) ?? [];
    expect(kit.octetsOf(gcmParameters[0])?.length).toBe(12);
    expect(kit.smallIntegerOf(gcmParameters[1])).toBe(16);
    expect(eci[2]?.cls).toBe(2); // context-specific
    expect(kit.octetsOf(eci[2])?.length).toBe(content.length);
    expect(kit.octetsOf(parts[3])?.length).toBe(16);
    const ktri = kit.childrenOf(kit.childrenOf(parts[1])?.[0]) ?? [];
    expect(kit.smallIntegerOf(ktri[0])).toBe(0);
    expect(kit.oidOf(kit.childrenOf(ktri[2])?.[0])).toBe(kit.OID.rsaesOaep);
    const printed = opensslOk(pki.dir, 'cms', '-cmsout', '-print', '-inform', 'DER', '-in', writeTemp(pki, 'oaep.der', cms)).stdout.toString();
    expect(printed).toMatch(/sha256/);
    expect(printed).toMatch(/mgf1/);
  });

  it('uses a fresh key and nonce for every message', async () => {
    const a = await backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher: 'aes-128-gcm', keyTransport: 'rsa-pkcs1' });
    const b = await backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher: 'aes-128-gcm', keyTransport: 'rsa-pkcs1' });
    const nonce = (cms: Uint8Array) => kit.octetsOf(nodeAt(kit.decodeElement(cms) as kit.Node, [1, 0, 2, 1, 1, 0]));
    expect(bytesEqual(nonce(a) ?? new Uint8Array(0), nonce(b) ?? new Uint8Array(0))).toBe(false);
    expect(bytesEqual(a.subarray(a.length - 16), b.subarray(b.length - 16))).toBe(false);
  });

  it('encrypts large content', async () => {
    const big = new Uint8Array(300_000).map((_, i) => i % 251);
    for (const cipher of ['aes-256-cbc', 'aes-256-gcm'] as const) {
      const cms = await backend.encrypt({ content: big, recipients: [{ certificate: pki.alice.cert }], cipher, keyTransport: 'rsa-oaep' });
      expect(bytesEqual((await backend.decrypt({ cms, ...identity(pki.alice) })).content, big)).toBe(true);
    }
  });
});

describe('encryption made by openssl cms', () => {
  const opensslCiphers = ['-aes-128-cbc', '-aes-192-cbc', '-aes-256-cbc', '-aes-128-gcm', '-aes-192-gcm', '-aes-256-gcm'];
  const paddings: Array<[string, string[]]> = [
    ['PKCS#1 v1.5', []],
    ['OAEP SHA-1 (default parameters)', ['-keyopt', 'rsa_padding_mode:oaep']],
    ['OAEP SHA-256', ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256']],
  ];
  for (const cipher of opensslCiphers) {
    for (const [label, keyopts] of paddings) {
      it(`${cipher} with ${label}`, async () => {
        // -keyopt applies to the -recip that precedes it.
        const n = counter++;
        const inPath = writeTemp(pki, `o${n}.in`, content);
        opensslOk(pki.dir, 'cms', '-encrypt', '-binary', cipher, '-in', inPath, '-outform', 'DER', '-out', `o${n}.der`, '-recip', pki.alice.certPath, ...keyopts);
        const cms = readTemp(pki, `o${n}.der`);
        expect((await backend.decrypt({ cms, ...identity(pki.alice) })).content).toEqual(content);
      });
    }
  }

  it('BER (-stream) with a segmented encrypted content, several recipients', async () => {
    const big = new Uint8Array(120_000).map((_, i) => 65 + (i % 26));
    for (const cipher of ['-aes-256-cbc', '-aes-256-gcm']) {
      const cms = opensslEncrypt([cipher, '-stream'], [pki.bob, pki.alice], big);
      expect(cms[1]).toBe(0x80);
      expect(bytesEqual((await backend.decrypt({ cms, ...identity(pki.alice) })).content, big)).toBe(true);
    }
  });

  it("3DES is read (core's legacy ciphers), and never written", async () => {
    const cms = opensslEncrypt(['-des3']);
    expect(new TextDecoder().decode((await backend.decrypt({ cms, ...identity(pki.alice) })).content)).toBe(new TextDecoder().decode(content));
    await expect(backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher: 'des-ede3-cbc', keyTransport: 'rsa-pkcs1' })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_CIPHER',
    });
  });
});

describe('decryption failures are one generic error', () => {
  it('tampered GCM ciphertext or tag', async () => {
    for (const keyTransport of transports) {
      const cms = await backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher: 'aes-256-gcm', keyTransport });
      const tag = cms.slice();
      tag[tag.length - 1] = (tag[tag.length - 1] ?? 0) ^ 0x01;
      await expectGenericFailure(backend.decrypt({ cms: tag, ...identity(pki.alice) }));
      await expectGenericFailure(backend.decrypt({ cms: flipIn(cms, [1, 0, 2, 2]), ...identity(pki.alice) }));
      expect(opensslDecrypts(tag, pki.alice)).toBeNull();
    }
  });

  it('a flipped bit in the encrypted key (PKCS#1 v1.5 random-key countermeasure, OAEP)', async () => {
    const cbc = await backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher: 'aes-256-cbc', keyTransport: 'rsa-pkcs1' });
    await expectGenericFailureOrGarbage(backend.decrypt({ cms: flipIn(cbc, [1, 0, 1, 0, 3], 100), ...identity(pki.alice) }));
    const gcm = await backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher: 'aes-128-gcm', keyTransport: 'rsa-pkcs1' });
    await expectGenericFailure(backend.decrypt({ cms: flipIn(gcm, [1, 0, 1, 0, 3], 100), ...identity(pki.alice) }));
    const oaep = await backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher: 'aes-256-cbc', keyTransport: 'rsa-oaep' });
    await expectGenericFailure(backend.decrypt({ cms: flipIn(oaep, [1, 0, 1, 0, 3], 100), ...identity(pki.alice) }));
  });

  it('a flipped bit in CBC ciphertext padding', async () => {
    const cms = await backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher: 'aes-128-cbc', keyTransport: 'rsa-oaep' });
    // The last block's padding depends on the previous ciphertext block: flip there.
    await expectGenericFailureOrGarbage(backend.decrypt({ cms: flipIn(cms, [1, 0, 2, 2], 17), ...identity(pki.alice) }));
  });

  it('the wrong private key for the recipient certificate', async () => {
    for (const cipher of ['aes-256-gcm', 'aes-128-cbc'] as const) {
      for (const keyTransport of transports) {
        const cms = await backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher, keyTransport });
        const wrong = backend.decrypt({ cms, certificate: pki.alice.cert, privateKey: { type: 'pkcs8', der: pki.bob.key } });
        await (cipher === 'aes-128-cbc' && keyTransport === 'rsa-pkcs1' ? expectGenericFailureOrGarbage(wrong) : expectGenericFailure(wrong));
      }
    }
  });

  it('a certificate the message is not encrypted to: ERR_NO_RECIPIENT', async () => {
    const cms = await backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-oaep' });
    await expect(backend.decrypt({ cms, ...identity(pki.bob) })).rejects.toMatchObject({ code: 'ERR_NO_RECIPIENT' });
  });

  it('malformed input: ERR_CMS_MALFORMED; signed data: ERR_UNSUPPORTED_CMS', async () => {
    const cms = await backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-oaep' });
    await expect(backend.decrypt({ cms: cms.subarray(0, 50), ...identity(pki.alice) })).rejects.toMatchObject({ code: 'ERR_CMS_MALFORMED' });
    const signed = await backend.sign({ content, detached: false, signers: [{ ...identity(pki.alice), digest: 'sha-256' }] });
    await expect(backend.decrypt({ cms: signed, ...identity(pki.alice) })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_CMS' });
  });
});

describe('unsupported requests', () => {
  it('ciphers, key transports and key kinds outside the capabilities throw typed errors', async () => {
    const base = { content, recipients: [{ certificate: pki.alice.cert }] };
    await expect(backend.encrypt({ ...base, cipher: 'des-ede3-cbc', keyTransport: 'rsa-pkcs1' })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_CIPHER' });
    await expect(backend.encrypt({ ...base, cipher: 'rc2-cbc', keyTransport: 'rsa-pkcs1' })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_CIPHER' });
    await expect(backend.encrypt({ ...base, cipher: 'chacha20-poly1305', keyTransport: 'rsa-oaep' })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_CIPHER' });
    await expect(backend.encrypt({ ...base, cipher: 'aes-256-gcm', keyTransport: 'rsa-kem' as KeyTransport })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY_TRANSPORT' });
    await expect(backend.encrypt({ content, recipients: [{ certificate: pki.pssKey.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-oaep' })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_KEY',
    });
    const cms = await backend.encrypt({ ...base, cipher: 'aes-256-gcm', keyTransport: 'rsa-oaep' });
    await expect(backend.decrypt({ cms, ...identity(pki.carol) })).rejects.toMatchObject({ code: 'ERR_NO_RECIPIENT' });
    await expect(backend.decrypt({ cms, certificate: pki.alice.cert, privateKey: { type: 'uri', uri: 'pkcs11:object=alice' } })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_KEY',
    });
  });
});

describe('AuthEnvelopedData variants this backend does not write but must read', () => {
  const ctx = createContext({});

  /** Builds AuthEnvelopedData by hand: optional authAttrs (authenticated as AAD) and a chosen ICV length. */
  async function handMade(icvLength: number, authAttrs: readonly Uint8Array[] | null): Promise<Uint8Array> {
    const cert = kit.certificateFactsOf(pki.alice.cert);
    const publicKey = cert === null ? null : publicKeyFacts(cert.spki);
    if (cert === null || publicKey?.kind !== 'rsa') throw new Error('test certificate unreadable');
    const cek = ctx.random(16);
    const nonce = ctx.random(12);
    const wrapped = await wrapKey(ctx, 'rsa-oaep', publicKey, cek);
    const key = await ctx.subtle.importKey('raw', cek, 'AES-GCM', false, ['encrypt']);
    const aad = authAttrs === null ? undefined : der.setOf(authAttrs);
    const sealed = new Uint8Array(await ctx.subtle.encrypt({ name: 'AES-GCM', iv: nonce, tagLength: icvLength * 8, ...(aad === undefined ? {} : { additionalData: aad }) }, key, content));
    const ktri = der.sequence(der.integer(0), der.sequence(cert.issuer, der.tlv(0x02, cert.serial)), wrapped.keyEncryptionAlgorithm, der.octetString(wrapped.encryptedKey));
    const eci = der.sequence(
      der.oid(kit.OID.data),
      der.algorithmIdentifier(kit.OID.aes128Gcm, der.sequence(der.octetString(nonce), ...(icvLength === 12 ? [] : [der.integer(icvLength)]))),
      der.implicitPrimitive(0, sealed.subarray(0, sealed.length - icvLength)),
    );
    const parts = [der.integer(0), der.setOf([ktri]), eci];
    if (authAttrs !== null) parts.push(der.setOf(authAttrs, 0xa1));
    parts.push(der.octetString(sealed.subarray(sealed.length - icvLength)));
    return der.sequence(der.oid(kit.OID.authEnvelopedData), der.explicit(0, der.sequence(...parts)));
  }

  const attribute = (oid: string, value: Uint8Array) => der.sequence(der.oid(oid), der.setOf([value]));

  it('ICV lengths 12 (the default, omitted) to 16', async () => {
    for (const icv of [12, 13, 14, 15, 16]) {
      const cms = await handMade(icv, null);
      expect((await backend.decrypt({ cms, ...identity(pki.alice) })).content).toEqual(content);
    }
  });

  it('authAttrs are authenticated as additional data', async () => {
    const attrs = [attribute(kit.OID.contentType, der.oid(kit.OID.data)), attribute('1.2.840.113549.1.9.52', der.sequence(der.oid(kit.OID.aes128Gcm)))];
    const cms = await handMade(16, attrs);
    expect((await backend.decrypt({ cms, ...identity(pki.alice) })).content).toEqual(content);
    // Change one octet inside the last authenticated attribute (its kit.OID's last arc).
    const root = kit.decodeElement(cms) as kit.Node;
    const authAttrs = nodeAt(root, [1, 0, 3]);
    expect(authAttrs.tagNumber).toBe(1);
    const tampered = flipIn(cms, [1, 0, 3], 1);
    await expectGenericFailure(backend.decrypt({ cms: tampered, ...identity(pki.alice) }));
  });
});

describe('PKCS#1 v1.5 key transport: pure-JavaScript RSA and the rsaDecryptRaw hook agree', () => {
  it('decrypts the same messages to the same content, and the hook is really used', async () => {
    let calls = 0;
    const hooked = createPkijsBackend({
      rsaDecryptRaw: async (pkcs8, ciphertext) => {
        calls++;
        const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
        return new Uint8Array(privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, ciphertext));
      },
    });
    for (const cipher of ['aes-256-cbc', 'aes-128-gcm'] as const) {
      const ours = await backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher, keyTransport: 'rsa-pkcs1' });
      const theirs = opensslEncrypt([`-${cipher}`]);
      for (const cms of [ours, theirs]) {
        const viaHook = await hooked.decrypt({ cms, ...identity(pki.alice) });
        const pure = await backend.decrypt({ cms, ...identity(pki.alice) });
        expect(viaHook.content).toEqual(content);
        expect(pure.content).toEqual(viaHook.content);
      }
    }
    expect(calls).toBe(4);
  });

  it('a hook that fails is the generic error, like a bad padding', async () => {
    const failing = createPkijsBackend({
      rsaDecryptRaw: async () => {
        throw new Error('device unplugged');
      },
    });
    const cms = await backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher: 'aes-128-gcm', keyTransport: 'rsa-pkcs1' });
    await expectGenericFailure(failing.decrypt({ cms, ...identity(pki.alice) }));
  });

  it('OAEP never reaches the hook', async () => {
    let calls = 0;
    const hooked = createPkijsBackend({
      rsaDecryptRaw: async () => {
        calls++;
        return new Uint8Array(0);
      },
    });
    const cms = await backend.encrypt({ content, recipients: [{ certificate: pki.alice.cert }], cipher: 'aes-128-gcm', keyTransport: 'rsa-oaep' });
    expect((await hooked.decrypt({ cms, ...identity(pki.alice) })).content).toEqual(content);
    expect(calls).toBe(0);
  });
});

describe('ECDH key agreement (RFC 5753) with WebCrypto', () => {
  for (const [who, cipher] of [
    ['carol', 'aes-128-cbc'],
    ['dave', 'aes-256-gcm'],
  ] as const) {
    it(`${who}: what this backend writes, openssl cms and this backend decrypt; what openssl cms writes, this backend decrypts`, async () => {
      const recipient = pki[who];
      const cms = await backend.encrypt({ content, recipients: [{ certificate: recipient.cert }, { certificate: pki.alice.cert }], cipher, keyTransport: 'rsa-pkcs1' });
      expect(
        kit
          .readEnvelope(cms)
          .recipients.map((r) => r.kind)
          .sort(),
      ).toEqual(['kari', 'ktri']);
      expect(opensslDecrypts(cms, recipient)).toEqual(content);
      expect((await backend.decrypt({ cms, ...identity(recipient) })).content).toEqual(content);
      expect((await backend.decrypt({ cms, ...identity(pki.alice) })).content).toEqual(content);
      const made = opensslEncrypt([`-${cipher}`], [recipient]);
      expect((await backend.decrypt({ cms: made, ...identity(recipient) })).content).toEqual(content);
    });
  }

  it("another P-256 key with carol's certificate: the generic failure", async () => {
    const cms = opensslEncrypt(['-aes-128-cbc'], [pki.carol]);
    const other = new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'der', type: 'pkcs8' }));
    await expect(backend.decrypt({ cms, certificate: pki.carol.cert, privateKey: { type: 'pkcs8', der: other } })).rejects.toMatchObject({
      code: 'ERR_DECRYPTION_FAILED',
      message: DECRYPTION_FAILED_MESSAGE,
    });
  });
});
