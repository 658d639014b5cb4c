import { spawnSync } from 'node:child_process';
import { constants, createCipheriv, publicEncrypt, X509Certificate } from 'node:crypto';
import type { ContentCipher, KeyTransport } from '@sealpost/core';
import { DECRYPTION_FAILED_MESSAGE, der } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { ensureTestPki, opensslDecryptDer, opensslEncryptDer, type TestIdentity, type TestPki } from '@sealpost/fixtures';
import forge from 'node-forge';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { shortenAt } from '@sealpost/conformance';
import { opensslInFolder } from '../test-support/extra-pki.js';

// `openssl cms -encrypt -rc2-*` needs OpenSSL 3's legacy provider.
const legacyProvider = spawnSync('openssl', ['list', '-provider', 'legacy', '-provider', 'default', '-cipher-algorithms']).status === 0;
import { createForgeBackend } from './backend.js';
import { createContext } from './context.js';
import { wrapKey } from './key-transport.js';
import type { RsaPublicKey } from './keys.js';

const backend = createForgeBackend();
const content = new TextEncoder().encode('Content-Type: text/plain; charset=utf-8\r\n\r\nA sealed message for the forge backend.\r\n');
let pki: TestPki;

beforeAll(async () => {
  pki = await ensureTestPki();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const pem = (id: TestIdentity): Uint8Array => new TextEncoder().encode(id.certPem);
const identity = (id: TestIdentity) => ({ certificate: id.cert, privateKey: { type: 'pkcs8' as const, der: id.keyDer } });

/** The node at `path` (child indexes) below the root. */
function nodeAt(root: kit.Node, path: readonly number[]): kit.Node {
  let node: kit.Node | undefined = root;
  for (const i of path) node = kit.childrenOf(node)?.[i];
  if (node === undefined) throw new Error(`no node at ${path.join('.')}`);
  return node;
}

/** A copy of `cms` with one bit flipped in the last content octet (or `fromEnd` octets before) of the node at `path`. */
function flipIn(cms: Uint8Array, path: readonly number[], fromEnd = 1): Uint8Array {
  const root = kit.decodeElement(cms)!;
  const node = nodeAt(root, path);
  const offset = node.raw.byteOffset - root.raw.byteOffset + node.raw.length - fromEnd;
  const out = cms.slice();
  out[offset]! ^= 0x10;
  return out;
}

async function expectGenericFailure(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ name: 'SealpostError', code: 'ERR_DECRYPTION_FAILED', message: DECRYPTION_FAILED_MESSAGE });
  expect((error as Error).cause).toBeUndefined();
  // Nothing node-forge says reaches the caller: not in the message, the stack's first line or JSON.
  expect(String((error as Error).stack).split('\n')[0]).toBe(`SealpostError: ${DECRYPTION_FAILED_MESSAGE}`);
  expect(JSON.stringify(error)).toBe(JSON.stringify({ code: 'ERR_DECRYPTION_FAILED', message: DECRYPTION_FAILED_MESSAGE }));
}

/**
 * With PKCS#1 v1.5 and CBC a bad key block becomes a random key (RFC 3218), which ends on a valid
 * CBC padding about once in 256 tries: the result is then garbage, never the plaintext.
 */
async function expectGenericFailureOrGarbage(promise: Promise<{ content: Uint8Array }>): Promise<void> {
  const outcome = await promise.then(
    (r) => r,
    (e: unknown) => e,
  );
  if (outcome instanceof Error) return expectGenericFailure(Promise.reject(outcome));
  expect(Buffer.from((outcome as { content: Uint8Array }).content).equals(Buffer.from(content))).toBe(false);
}

const ciphers: ContentCipher[] = ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-192-gcm', 'aes-256-gcm'];
const transports: KeyTransport[] = ['rsa-pkcs1', 'rsa-oaep'];

describe('encryption made here', () => {
  for (const cipher of ciphers) {
    for (const keyTransport of transports) {
      it(`${cipher} with ${keyTransport}: decrypts here for each recipient and with openssl cms`, async () => {
        const { alice, bob } = pki.identities;
        const cms = await backend.encrypt({ content, recipients: [{ certificate: alice.cert }, { certificate: bob.cert }], cipher, keyTransport });
        for (const id of [alice, bob]) expect((await backend.decrypt({ cms, ...identity(id) })).content).toEqual(content);
        const peer = await opensslDecryptDer({ cms, certPath: bob.certPath, keyPath: bob.keyPath });
        expect(peer.ok).toBe(true);
        expect(peer.content).toEqual(content);
      });
    }
  }

  it('writes standard AuthEnvelopedData: GCMParameters, ciphertext without the tag, the tag as mac', async () => {
    const drawn: Uint8Array[] = [];
    const recording = createForgeBackend({
      random: (length) => {
        const bytes = new Uint8Array(createCipheriv('aes-128-ctr', Buffer.alloc(16, drawn.length + 1), Buffer.alloc(16)).update(Buffer.alloc(length)));
        // A copy: the backend wipes the content key it was given once it is done.
        drawn.push(bytes.slice());
        return bytes;
      },
    });
    const cms = await recording.encrypt({ content, recipients: [{ certificate: pki.identities.bob.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-oaep' });
    const root = kit.decodeElement(cms)!;
    expect(kit.oidOf(nodeAt(root, [0]))).toBe(kit.OID.authEnvelopedData);
    const auth = nodeAt(root, [1, 0]);
    const parts = kit.childrenOf(auth)!;
    expect(parts).toHaveLength(4);
    expect(kit.smallIntegerOf(parts[0])).toBe(0);
    const eci = kit.childrenOf(parts[2])!;
    expect(kit.oidOf(eci[0])).toBe(kit.OID.data);
    const algorithm = kit.childrenOf(eci[1])!;
    expect(kit.oidOf(algorithm[0])).toBe(kit.OID.aes256Gcm);
    const [nonceNode, icvNode] = kit.childrenOf(algorithm[1])!;
    expect(kit.smallIntegerOf(icvNode)).toBe(16);
    const nonce = kit.octetsOf(nonceNode)!;
    const ciphertext = kit.octetsOf(eci[2])!;
    const mac = kit.octetsOf(parts[3])!;
    expect([nonce.length, ciphertext.length, mac.length]).toEqual([12, content.length, 16]);
    // The first draw is the content key, then the OAEP seed, then the nonce.
    const [cek, , drawnNonce] = drawn;
    expect(nonce).toEqual(drawnNonce);
    const reference = createCipheriv('aes-256-gcm', cek!, nonce);
    const expected = Buffer.concat([reference.update(content), reference.final()]);
    expect(Buffer.from(ciphertext).equals(expected)).toBe(true);
    expect(Buffer.from(mac).equals(reference.getAuthTag())).toBe(true);
    // The KeyTransRecipientInfo: version 0, and RSAES-OAEP SHA-256 with exactly the parameters openssl writes.
    const ktri = kit.childrenOf(kit.childrenOf(parts[1])![0])!;
    expect(kit.smallIntegerOf(ktri[0])).toBe(0);
    const peer = await opensslEncryptDer({ content, recipientCertPaths: [pki.identities.bob.certPath], cipher: 'aes-256-gcm', oaep: 'sha256' });
    const peerKtri = kit.childrenOf(nodeAt(kit.decodeElement(peer)!, [1, 0, 1, 0]))!;
    expect(Buffer.from(ktri[2]!.raw).toString('hex')).toBe(Buffer.from(peerKtri[2]!.raw).toString('hex'));
  });

  it('uses a fresh key and nonce for every message', async () => {
    const seal = () => backend.encrypt({ content, recipients: [{ certificate: pki.identities.alice.cert }], cipher: 'aes-128-gcm', keyTransport: 'rsa-pkcs1' });
    const [a, b] = [await seal(), await seal()];
    const nonceOf = (cms: Uint8Array) => kit.octetsOf(nodeAt(kit.decodeElement(cms)!, [1, 0, 2, 1, 1, 0]));
    const keyOf = (cms: Uint8Array) => kit.octetsOf(nodeAt(kit.decodeElement(cms)!, [1, 0, 1, 0, 3]));
    expect(nonceOf(a)).not.toEqual(nonceOf(b));
    expect(keyOf(a)).not.toEqual(keyOf(b));
  });

  it('encrypts large content', async () => {
    const large = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
    for (const cipher of ['aes-256-cbc', 'aes-256-gcm'] as const) {
      const cms = await backend.encrypt({ content: large, recipients: [{ certificate: pki.identities.bob.cert }], cipher, keyTransport: 'rsa-pkcs1' });
      // Buffer comparison: a deep equality over a million elements is what would dominate the time.
      expect(Buffer.from((await backend.decrypt({ cms, ...identity(pki.identities.bob) })).content).equals(large)).toBe(true);
      const peer = await opensslDecryptDer({ cms, certPath: pki.identities.bob.certPath, keyPath: pki.identities.bob.keyPath });
      expect(peer.ok && Buffer.from(peer.content!).equals(large)).toBe(true);
    }
  });
});

describe('encryption made by openssl cms', () => {
  const cases = [
    ['aes-128-cbc', false],
    ['aes-256-cbc', false],
    ['aes-128-gcm', false],
    ['aes-256-gcm', false],
    ['aes-256-gcm', 'sha1'],
    ['aes-128-cbc', 'sha1'],
    ['aes-256-cbc', 'sha256'],
    ['aes-128-gcm', 'sha256'],
  ] as const;
  for (const [cipher, oaep] of cases) {
    it(`${cipher} with ${oaep === false ? 'PKCS#1 v1.5' : `OAEP ${oaep}`}`, async () => {
      const { bob } = pki.identities;
      const cms = await opensslEncryptDer({ content, recipientCertPaths: [bob.certPath], cipher, oaep });
      expect((await backend.decrypt({ cms, ...identity(bob) })).content).toEqual(content);
    });
  }

  it('BER (-stream -indef) with a segmented encrypted content, several recipients, AES-192', async () => {
    const { alice, bob } = pki.identities;
    const big = new Uint8Array(5000).map((_, i) => 0x41 + (i % 26));
    for (const cipher of ['-aes-192-cbc', '-aes-192-gcm']) {
      const cms = opensslInFolder(
        { 'in.txt': big, 'alice.pem': pem(alice), 'bob.pem': pem(bob) },
        ['cms', '-encrypt', '-binary', '-stream', '-indef', cipher, '-in', 'in.txt', '-recip', 'alice.pem', '-recip', 'bob.pem', '-outform', 'DER', '-out', 'out.der'],
        'out.der',
      );
      expect(cms).not.toBeNull();
      expect(cms![1]).toBe(0x80);
      for (const id of [alice, bob]) expect((await backend.decrypt({ cms: cms!, ...identity(id) })).content).toEqual(big);
    }
  });

  it("3DES is read (core's legacy ciphers), and never written", async () => {
    const { bob } = pki.identities;
    const cms = opensslInFolder(
      { 'in.txt': content, 'bob.pem': pem(bob) },
      ['cms', '-encrypt', '-binary', '-des3', '-in', 'in.txt', '-recip', 'bob.pem', '-outform', 'DER', '-out', 'out.der'],
      'out.der',
    );
    expect(Buffer.from((await backend.decrypt({ cms: cms!, ...identity(bob) })).content).equals(Buffer.from(content))).toBe(true);
    await expect(backend.encrypt({ content, recipients: [{ certificate: bob.cert }], cipher: 'des-ede3-cbc', keyTransport: 'rsa-pkcs1' })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_CIPHER',
    });
  });

  it.skipIf(!legacyProvider)('an RC2 key size outside 40, 64 and 128 bits is refused as unsupported before any key is used', async () => {
    const { bob } = pki.identities;
    const rc2 = opensslInFolder(
      { 'in.txt': content, 'bob.pem': pem(bob) },
      ['cms', '-encrypt', '-provider', 'legacy', '-provider', 'default', '-binary', '-rc2-64', '-in', 'in.txt', '-recip', 'bob.pem', '-outform', 'DER', '-out', 'out.der'],
      'out.der',
    );
    if (rc2 === null) throw new Error('openssl cms -encrypt -rc2-64 failed');
    // rc2ParameterVersion 120 (64 bits) rewritten as 121, which names no size S/MIME uses.
    const at = Buffer.from(rc2).indexOf(Buffer.from([0x02, 0x01, 0x78, 0x04, 0x08]));
    expect(at).toBeGreaterThan(0);
    const odd = Uint8Array.from(rc2);
    odd[at + 2] = 0x79;
    const random = vi.fn((length: number) => new Uint8Array(length));
    const guarded = createForgeBackend({ random });
    // node-forge's RSA primitive, through which every private-key operation of its keys goes.
    const rawRsa = vi.spyOn(forge.pki.rsa as unknown as { decrypt: (...args: unknown[]) => string }, 'decrypt');
    await expect(guarded.decrypt({ cms: odd, ...identity(bob) })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_CIPHER' });
    expect(random).not.toHaveBeenCalled();
    expect(rawRsa).not.toHaveBeenCalled();
    // Control: the message as written does reach the private key.
    await guarded.decrypt({ cms: rc2, ...identity(bob) }).catch(() => undefined);
    expect(rawRsa).toHaveBeenCalled();
  });
});

describe('decryption failures are one generic error, and node-forge never speaks', () => {
  const seal = (cipher: ContentCipher, keyTransport: KeyTransport = 'rsa-pkcs1') => backend.encrypt({ content, recipients: [{ certificate: pki.identities.bob.cert }], cipher, keyTransport });
  const asBob = (cms: Uint8Array) => backend.decrypt({ cms, ...identity(pki.identities.bob) });
  // ContentInfo [1,0] AuthEnvelopedData: [1] recipientInfos, [2] encryptedContentInfo, [3] mac.
  const encryptedKeyPath = [1, 0, 1, 0, 3];

  it('a corrupted PKCS#1 v1.5 key block: node-forge would say "Encryption block is invalid.", the caller sees the generic error', async () => {
    const cms = flipIn(await seal('aes-256-gcm'), encryptedKeyPath, 20);
    const encryptedKey = kit.octetsOf(nodeAt(kit.decodeElement(cms)!, encryptedKeyPath))!;
    const forgeKey = forge.pki.privateKeyFromPem(pki.identities.bob.keyPem);
    expect(() => forgeKey.decrypt(Buffer.from(encryptedKey).toString('binary'))).toThrow('Encryption block is invalid.');
    await expectGenericFailure(asBob(cms));
  });

  it('a corrupted OAEP key block: node-forge would say "Invalid RSAES-OAEP padding.", the caller sees the generic error', async () => {
    const cms = flipIn(await seal('aes-256-gcm', 'rsa-oaep'), encryptedKeyPath, 20);
    const encryptedKey = kit.octetsOf(nodeAt(kit.decodeElement(cms)!, encryptedKeyPath))!;
    const forgeKey = forge.pki.privateKeyFromPem(pki.identities.bob.keyPem);
    const sha256 = () => forge.md.sha256.create();
    expect(() => forgeKey.decrypt(Buffer.from(encryptedKey).toString('binary'), 'RSA-OAEP', { md: sha256(), mgf1: { md: sha256() } })).toThrow(/OAEP/);
    await expectGenericFailure(asBob(cms));
  });

  it('an encrypted key of the wrong length (node-forge: "Encrypted message length is invalid.")', async () => {
    for (const keyTransport of transports) {
      const cms = await seal('aes-128-gcm', keyTransport);
      await expectGenericFailure(asBob(shortenAt(cms, encryptedKeyPath)));
    }
  });

  it('tampered GCM ciphertext or tag; a mac shorter than the ICV length', async () => {
    const cms = await seal('aes-256-gcm');
    await expectGenericFailure(asBob(flipIn(cms, [1, 0, 2, 2])));
    await expectGenericFailure(asBob(flipIn(cms, [1, 0, 3])));
    await expectGenericFailure(asBob(shortenAt(cms, [1, 0, 3])));
  });

  it('a CBC bit flip that breaks the padding; a flipped v1.5 key block with CBC', async () => {
    const cms = await seal('aes-256-cbc');
    await expectGenericFailure(asBob(flipIn(cms, [1, 0, 2, 2], 17)));
    await expectGenericFailureOrGarbage(asBob(flipIn(cms, encryptedKeyPath, 20)));
  });

  it('the wrong private key for the recipient certificate', async () => {
    const { alice, bob } = pki.identities;
    for (const keyTransport of transports) {
      const cms = await seal('aes-128-gcm', keyTransport);
      await expectGenericFailure(backend.decrypt({ cms, certificate: bob.cert, privateKey: { type: 'pkcs8', der: alice.keyDer } }));
    }
  });

  it('a certificate the message is not encrypted to: ERR_NO_RECIPIENT', async () => {
    const cms = await seal('aes-128-gcm');
    await expect(backend.decrypt({ cms, ...identity(pki.identities.alice) })).rejects.toMatchObject({ code: 'ERR_NO_RECIPIENT' });
  });

  it('malformed input: ERR_CMS_MALFORMED; signed data: ERR_UNSUPPORTED_CMS', async () => {
    const bob = identity(pki.identities.bob);
    await expect(backend.decrypt({ cms: Uint8Array.of(0x30, 0x03, 0x02, 0x01), ...bob })).rejects.toMatchObject({ code: 'ERR_CMS_MALFORMED' });
    await expect(backend.decrypt({ cms: new Uint8Array(0), ...bob })).rejects.toMatchObject({ code: 'ERR_CMS_MALFORMED' });
    const signed = await backend.sign({ content, detached: false, signers: [{ ...bob, digest: 'sha-256' }] });
    await expect(backend.decrypt({ cms: signed, ...bob })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_CMS' });
  });
});

describe('unsupported requests', () => {
  it('ciphers, key transports and key kinds outside the capabilities throw typed errors', async () => {
    const { alice, carol } = pki.identities;
    const base = { content, recipients: [{ certificate: alice.cert }], keyTransport: 'rsa-pkcs1' as const };
    for (const cipher of ['des-ede3-cbc', 'rc2-cbc', 'chacha20-poly1305'] as const) await expect(backend.encrypt({ ...base, cipher })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_CIPHER' });
    await expect(backend.encrypt({ ...base, cipher: 'aes-128-gcm', keyTransport: 'rsa-kem' as KeyTransport })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY_TRANSPORT' });
    const cms = await backend.encrypt({ ...base, cipher: 'aes-128-gcm' });
    await expect(backend.decrypt({ cms, certificate: alice.cert, privateKey: { type: 'uri', uri: 'pkcs11:object=alice' } })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_KEY' });
    await expect(backend.decrypt({ cms, ...identity(carol) })).rejects.toMatchObject({ code: 'ERR_NO_RECIPIENT' });
  });
});

describe('ECDH key agreement (RFC 5753) with @noble/curves and @noble/ciphers', () => {
  for (const [who, cipher] of [
    ['carol', 'aes-128-gcm'],
    ['olivia', 'aes-256-cbc'],
    ['peggy', 'aes-256-gcm'],
  ] as const) {
    it(`${who}: what this backend writes, openssl cms and this backend decrypt; what openssl cms writes, this backend decrypts`, async () => {
      const recipient = pki.identities[who];
      const cms = await backend.encrypt({ content, recipients: [{ certificate: recipient.cert }], cipher, keyTransport: 'rsa-pkcs1' });
      expect(kit.readEnvelope(cms).recipients.map((r) => r.kind)).toEqual(['kari']);
      const peer = await opensslDecryptDer({ cms, certPath: recipient.certPath, keyPath: recipient.keyPath });
      expect(peer.ok && peer.content).toEqual(content);
      expect((await backend.decrypt({ cms, ...identity(recipient) })).content).toEqual(content);
      const made = await opensslEncryptDer({ content, recipientCertPaths: [recipient.certPath], cipher });
      expect((await backend.decrypt({ cms: made, ...identity(recipient) })).content).toEqual(content);
    });
  }

  it('a tampered wrapped key: the generic failure, and nothing from noble reaches the caller', async () => {
    const { carol } = pki.identities;
    const cms = await backend.encrypt({ content, recipients: [{ certificate: carol.cert }], cipher: 'aes-128-gcm', keyTransport: 'rsa-pkcs1' });
    // ContentInfo > AuthEnvelopedData > recipientInfos > kari > recipientEncryptedKeys > the first > encryptedKey
    await expectGenericFailure(backend.decrypt({ cms: flipIn(cms, [1, 0, 1, 0, 3, 0, 1]), ...identity(carol) }));
  });
});

describe('AuthEnvelopedData variants this backend does not write but reads', () => {
  const bobKey = (): RsaPublicKey => kit.certificateFactsOf(pki.identities.bob.cert)!.publicKey as RsaPublicKey;

  type Wrap = (cek: Uint8Array) => { keyEncryptionAlgorithm: Uint8Array; encryptedKey: Uint8Array };

  function authEnveloped(options: { icvLength?: number; authAttrs?: Uint8Array; nonceLength?: number; wrap?: Wrap }): Uint8Array {
    const cek = new Uint8Array(16).fill(0x42);
    const nonce = new Uint8Array(options.nonceLength ?? 12).fill(0x24);
    const icv = options.icvLength ?? 12;
    const aes = createCipheriv('aes-128-gcm', cek, nonce, { authTagLength: icv });
    if (options.authAttrs !== undefined) aes.setAAD(Uint8Array.from([0x31, ...options.authAttrs.subarray(1)]));
    const ciphertext = Buffer.concat([aes.update(content), aes.final()]);
    const wrapped = options.wrap?.(cek) ?? wrapKey(createContext({}), 'rsa-pkcs1', bobKey(), cek);
    const bob = kit.certificateFactsOf(pki.identities.bob.cert)!;
    const ktri = der.sequence(der.integer(0), der.sequence(bob.issuer, der.tlv(0x02, bob.serial)), wrapped.keyEncryptionAlgorithm, der.octetString(wrapped.encryptedKey));
    const gcmParameters = options.icvLength === undefined ? der.sequence(der.octetString(nonce)) : der.sequence(der.octetString(nonce), der.integer(icv));
    const eci = der.sequence(der.oid(kit.OID.data), der.algorithmIdentifier(kit.OID.aes128Gcm, gcmParameters), der.implicitPrimitive(0, ciphertext));
    const parts = [der.integer(0), der.setOf([ktri]), eci, ...(options.authAttrs === undefined ? [] : [options.authAttrs]), der.octetString(aes.getAuthTag())];
    return der.sequence(der.oid(kit.OID.authEnvelopedData), der.explicit(0, der.sequence(...parts)));
  }

  it('RFC 3218: a bad v1.5 block leads to AES with a substitute key of the right length, drawn from the random source', async () => {
    // The content is sealed under 0x42 x 16 and the key block is garbage: only the substitute key opens it.
    const garbage = Uint8Array.from({ length: 256 }, (_, i) => (i === 0 ? 0 : i === 1 ? 1 : (i * 37) & 0xff));
    const cms = authEnveloped({ icvLength: 16, wrap: () => ({ keyEncryptionAlgorithm: kit.rsaPkcs1KeyTransportIdentifier(), encryptedKey: garbage }) });
    const random = vi.fn((length: number) => new Uint8Array(length).fill(0x42));
    const { content: opened } = await createForgeBackend({ random }).decrypt({ cms, ...identity(pki.identities.bob) });
    expect(random).toHaveBeenCalledWith(16);
    expect(opened).toEqual(content);
  });

  it('a short-tag GCM mismatch releases nothing, even though node-forge has already written the plaintext', async () => {
    // 16-octet tags run on @noble/ciphers, which checks before it returns; 12 to 15 octets on node-forge.
    const cms = authEnveloped({ icvLength: 12 });
    const tampered = cms.slice();
    tampered[tampered.length - 1]! ^= 0x01;
    const created: forge.cipher.BlockCipher[] = [];
    const real = forge.cipher.createDecipher;
    vi.spyOn(forge.cipher, 'createDecipher').mockImplementation((algorithm, key) => {
      const decipher = real(algorithm, key);
      created.push(decipher);
      return decipher;
    });
    await expectGenericFailure(backend.decrypt({ cms: tampered, ...identity(pki.identities.bob) }));
    expect(created).toHaveLength(1);
    // node-forge's output buffer holds the plaintext: the check before reading it is what protects it.
    expect(created[0]!.output.bytes()).toContain('A sealed message');
  });

  it('ICV lengths 12 (the default, omitted) to 16', async () => {
    for (const icvLength of [undefined, 12, 13, 14, 15, 16]) {
      const cms = authEnveloped(icvLength === undefined ? {} : { icvLength });
      expect((await backend.decrypt({ cms, ...identity(pki.identities.bob) })).content).toEqual(content);
    }
  });

  it('authAttrs are authenticated as additional data', async () => {
    const attribute = der.sequence(der.oid(kit.OID.contentType), der.setOf([der.oid(kit.OID.data)]));
    const authAttrs = der.setOf([attribute], 0xa1);
    const cms = authEnveloped({ authAttrs });
    expect((await backend.decrypt({ cms, ...identity(pki.identities.bob) })).content).toEqual(content);
    // The same message with the attribute changed after encryption no longer authenticates.
    const changed = der.setOf([der.sequence(der.oid(kit.OID.contentType), der.setOf([der.oid(kit.OID.signedData)]))], 0xa1);
    const tampered = Buffer.from(cms);
    tampered.set(changed, tampered.indexOf(Buffer.from(authAttrs)));
    await expectGenericFailure(backend.decrypt({ cms: new Uint8Array(tampered), ...identity(pki.identities.bob) }));
  });

  it('RSAES-OAEP with SHA-384 and a label, and with every parameter left to its SHA-1 default', async () => {
    const publicKey = new X509Certificate(Buffer.from(pki.identities.bob.cert)).publicKey;
    const label = new TextEncoder().encode('sealpost');
    const sha384 = der.algorithmIdentifier(kit.OID.sha384);
    const withLabel: Wrap = (cek) => ({
      keyEncryptionAlgorithm: der.algorithmIdentifier(
        kit.OID.rsaesOaep,
        der.sequence(der.explicit(0, sha384), der.explicit(1, der.algorithmIdentifier(kit.OID.mgf1, sha384)), der.explicit(2, der.algorithmIdentifier(kit.OID.pSpecified, der.octetString(label)))),
      ),
      encryptedKey: new Uint8Array(publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha384', oaepLabel: label }, cek)),
    });
    const defaults: Wrap = (cek) => ({
      keyEncryptionAlgorithm: der.algorithmIdentifier(kit.OID.rsaesOaep, der.sequence()),
      encryptedKey: new Uint8Array(publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, cek)),
    });
    for (const wrap of [withLabel, defaults]) {
      expect((await backend.decrypt({ cms: authEnveloped({ wrap }), ...identity(pki.identities.bob) })).content).toEqual(content);
    }
    // The label is authenticated: the same key under a different label does not decrypt.
    const otherLabel: Wrap = (cek) => ({
      ...withLabel(cek),
      encryptedKey: new Uint8Array(publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha384', oaepLabel: label.subarray(1) }, cek)),
    });
    await expectGenericFailure(backend.decrypt({ cms: authEnveloped({ wrap: otherLabel }), ...identity(pki.identities.bob) }));
  });

  it('a nonce other than 12 octets is refused as unsupported, before any key work', async () => {
    const random = vi.fn((length: number) => new Uint8Array(length));
    await expect(createForgeBackend({ random }).decrypt({ cms: authEnveloped({ nonceLength: 16 }), ...identity(pki.identities.bob) })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_CIPHER',
    });
    expect(random).not.toHaveBeenCalled();
  });
});
