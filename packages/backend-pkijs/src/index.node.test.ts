import { makeTestPki, type TestPki } from '../test-support/openssl-pki.js';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createPkijsBackend as createPortableBackend } from './index.js';
import { createPkijsBackend } from './index.node.js';
import { nodeDigest, nodeRsaDecryptRaw, nodeRsaEncryptRaw } from './node-rsa.node.js';

let pki: TestPki;
beforeAll(async () => {
  pki = makeTestPki();
});

const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nSealed for the Node entry.\r\n');

describe('the Node entry', () => {
  it("does PKCS#1 v1.5 key transport's raw RSA with Node's OpenSSL by default", async () => {
    const { bob } = pki;
    const cms = await createPkijsBackend().encrypt({ content, recipients: [{ certificate: bob.cert }], cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' });
    const opened = await createPkijsBackend().decrypt({ cms, certificate: bob.cert, privateKey: { type: 'pkcs8', der: bob.key } });
    expect(opened.content).toEqual(content);
  });

  it('does ECDH key agreement too (WebCrypto), both ways with the portable entry', async () => {
    const { carol, dave } = pki;
    const portable = createPortableBackend();
    for (const [from, to] of [
      [createPkijsBackend(), portable],
      [portable, createPkijsBackend()],
    ] as const) {
      const cms = await from.encrypt({ content, recipients: [{ certificate: carol.cert }, { certificate: dave.cert }], cipher: 'aes-128-gcm', keyTransport: 'rsa-pkcs1' });
      for (const who of [carol, dave]) expect((await to.decrypt({ cms, certificate: who.cert, privateKey: { type: 'pkcs8', der: who.key } })).content).toEqual(content);
    }
  });

  it('a hook passed in options wins over the default', async () => {
    const { bob } = pki;
    const hook = vi.fn(nodeRsaDecryptRaw);
    const backend = createPkijsBackend({ rsaDecryptRaw: hook });
    const cms = await backend.encrypt({ content, recipients: [{ certificate: bob.cert }], cipher: 'aes-128-cbc', keyTransport: 'rsa-pkcs1' });
    await backend.decrypt({ cms, certificate: bob.cert, privateKey: { type: 'pkcs8', der: bob.key } });
    expect(hook).toHaveBeenCalledTimes(1);
  });

  it('nodeRsaDecryptRaw computes c^d mod n: the raw block of a PKCS#1 v1.5 encryption', async () => {
    const { publicEncrypt, constants, createPrivateKey } = await import('node:crypto');
    const { bob } = pki;
    const key = createPrivateKey({ key: Buffer.from(bob.key), format: 'der', type: 'pkcs8' });
    const block = new Uint8Array(publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.from('sixteen octets!!')));
    const raw = await nodeRsaDecryptRaw(bob.key, block);
    expect(raw[0]).toBe(0);
    expect(raw[1]).toBe(2);
    expect(Buffer.from(raw.subarray(raw.length - 16)).toString()).toBe('sixteen octets!!');
  });

  it('nodeRsaEncryptRaw computes m^e mod n: a padded block it encrypts decrypts back with the private key', async () => {
    const { constants, createPrivateKey, createPublicKey, privateDecrypt } = await import('node:crypto');
    const { bob } = pki;
    const privateKey = createPrivateKey({ key: Buffer.from(bob.key), format: 'der', type: 'pkcs8' });
    const spki = new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
    const block = new Uint8Array(256);
    block[1] = 2;
    block.fill(0x5a, 2, 239);
    block.set(new TextEncoder().encode('sixteen octets!!'), 240);
    const sealed = await nodeRsaEncryptRaw(spki, block);
    expect(sealed).not.toEqual(block);
    // Node refuses PKCS#1 v1.5 unpadding for decryption (CVE-2023-46809): the raw inverse gives the block back.
    expect(new Uint8Array(privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, sealed))).toEqual(block);
  });

  it('nodeDigest gives what WebCrypto gives, for every hash the backend claims', async () => {
    const data = new TextEncoder().encode('digest me, once');
    for (const name of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const) expect(nodeDigest(name, data)).toEqual(new Uint8Array(await globalThis.crypto.subtle.digest(name, data)));
  });

  it('the Node entry digests through the digest option when one is given', async () => {
    const digest = vi.fn(nodeDigest);
    const backend = createPkijsBackend({ digest });
    await backend.digest({ algorithm: 'sha-256', data: content });
    expect(digest).toHaveBeenCalledWith('SHA-256', content);
  });
});
