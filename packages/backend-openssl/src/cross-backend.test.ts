import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { textMessage } from '@sealpost/conformance';
import { type CryptoBackend, type Identity, type Sealpost, createSealpost } from '@sealpost/core';
import { ensureTestPki, type TestIdentity, type TestPki } from '@sealpost/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOpensslBackend } from './index.js';

// Messages made by one backend, opened by the other, through core, both ways.

let pki: TestPki;
const sp: Record<'openssl' | 'pkijs', Sealpost> = {} as never;
beforeAll(async () => {
  pki = await ensureTestPki();
  const backends: Record<'openssl' | 'pkijs', CryptoBackend> = { openssl: await createOpensslBackend(), pkijs: createPkijsBackend() };
  sp.openssl = createSealpost({ backend: backends.openssl });
  sp.pkijs = createSealpost({ backend: backends.pkijs });
});

const identity = (id: TestIdentity): Identity => ({ certificate: id.cert, privateKey: { type: 'pkcs8', der: id.keyDer } });
const directions = [
  ['openssl', 'pkijs'],
  ['pkijs', 'openssl'],
] as const;

describe('cross-backend with pkijs', () => {
  for (const [from, to] of directions) {
    for (const [scheme, who] of [
      ['rsa-pkcs1', 'alice'],
      ['rsa-pss', 'alice'],
      ['ecdsa', 'carol'],
    ] as const) {
      for (const detached of [true, false]) {
        it(`${from} signs (${scheme}, ${detached ? 'detached' : 'opaque'}), ${to} verifies`, async () => {
          const id = pki.identities[who];
          const signed = await sp[from].sign(textMessage({ from: id.email }), { signer: identity(id), scheme, digest: 'sha-384', detached });
          const report = await sp[to].verify(signed, { trustAnchors: [pki.ca.cert] });
          expect(report.errors).toEqual([]);
          expect(report.status).toBe('valid');
          expect(report.signers[0]!.signatureAlgorithm).toBe(scheme);
        });
      }
    }

    for (const cipher of ['aes-256-gcm', 'aes-128-gcm', 'aes-256-cbc', 'aes-192-cbc'] as const) {
      for (const keyTransport of ['rsa-pkcs1', 'rsa-oaep'] as const) {
        it(`${from} encrypts (${cipher}, ${keyTransport}), ${to} decrypts`, async () => {
          const { alice, bob } = pki.identities;
          const sealed = await sp[from].encrypt(textMessage({ from: alice.email, to: bob.email }), { recipients: [bob.cert, alice.cert], cipher, keyTransport });
          const report = await sp[to].decrypt(sealed, { identity: identity(bob) });
          expect(report.errors).toEqual([]);
          expect(report.status).toBe('decrypted');
          expect(report.authenticated).toBe(cipher.endsWith('gcm'));
          expect(new TextDecoder().decode(report.content)).toContain('the contract is attached.');
        });
      }
    }

    for (const [who, cipher] of [
      ['carol', 'aes-256-gcm'],
      ['olivia', 'aes-128-cbc'],
      ['peggy', 'aes-256-cbc'],
    ] as const) {
      it(`${from} encrypts (${cipher}) to ${who} by ECDH, ${to} decrypts`, async () => {
        const { [who]: ec, bob } = pki.identities;
        const sealed = await sp[from].encrypt(textMessage({ from: bob.email, to: ec.email }), { recipients: [ec.cert, bob.cert], cipher });
        for (const id of [ec, bob]) {
          const report = await sp[to].decrypt(sealed, { identity: identity(id) });
          expect(report.errors).toEqual([]);
          expect(report.status).toBe('decrypted');
          expect(new TextDecoder().decode(report.content)).toContain('the contract is attached.');
        }
      });
    }

    it(`${from} signs and encrypts, ${to} opens every layer`, async () => {
      const { alice, bob } = pki.identities;
      const sealed = await sp[from].signAndEncrypt(textMessage({ from: alice.email, to: bob.email }), { signer: identity(alice), recipients: [bob.cert], cipher: 'aes-256-gcm' });
      const report = await sp[to].open(sealed, { identities: [identity(bob)], trustAnchors: [pki.ca.cert] });
      expect(report.errors).toEqual([]);
      expect(report.status).toBe('valid');
      expect(report.layers.map((l) => `${l.type}:${l.status}`)).toEqual(['enveloped:decrypted', 'signed:valid']);
    });
  }
});
