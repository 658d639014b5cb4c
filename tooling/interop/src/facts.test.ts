import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { createSealpost } from '@sealpost/core';
import { ensureTestPki } from '@sealpost/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliveryGap, describeFacts, factsOf } from './facts.js';
import { operationById } from './operations.js';
import { type Parties, partiesOf, sealpostIdentity } from './parties.js';

let parties: Parties;
beforeAll(async () => {
  parties = partiesOf(await ensureTestPki());
});

const sealpost = () => createSealpost({ backend: createPkijsBackend() });

describe('factsOf', () => {
  it('reads the form of a signature from the message and its CMS', async () => {
    const signer = sealpostIdentity(parties.sender);
    expect(factsOf(await sealpost().sign(parties.message, { signer }))).toEqual({ kind: 'multipart-signed', eContent: false });
    expect(factsOf(await sealpost().sign(parties.message, { signer, detached: false }))).toEqual({ kind: 'signed-data', eContent: true });
  });

  it('reads the cipher and key transport of an encrypted message', async () => {
    const message = await sealpost().encrypt(parties.message, { recipients: [parties.recipient.cert], cipher: 'aes-128-gcm', keyTransport: 'rsa-oaep' });
    const facts = factsOf(message);
    expect(facts).toEqual({ kind: 'auth-enveloped-data', cipher: 'aes-128-gcm', keyTransport: 'rsa-oaep' });
    expect(describeFacts(facts)).toBe('auth-enveloped-data, aes-128-gcm, rsa-oaep');
  });

  it('calls a plain message other', () => {
    expect(factsOf(parties.message)).toEqual({ kind: 'other' });
  });
});

describe('deliveryGap', () => {
  const gcm = { kind: 'auth-enveloped-data', cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' } as const;

  it('accepts what the operation asked for', () => {
    expect(deliveryGap(operationById('encrypt-gcm'), { cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' }, gcm)).toBeNull();
    expect(deliveryGap(operationById('sign-detached'), {}, { kind: 'multipart-signed', eContent: false })).toBeNull();
  });

  it('accepts another key size of the same cipher family', () => {
    const cbc128 = { kind: 'enveloped-data', cipher: 'aes-128-cbc', keyTransport: 'rsa-pkcs1' } as const;
    expect(deliveryGap(operationById('encrypt-cbc'), { cipher: 'aes-256-cbc', keyTransport: 'rsa-pkcs1' }, cbc128)).toBeNull();
  });

  it('says what was made instead of a silent fallback or a wrong shape', () => {
    const plan = { cipher: 'aes-256-gcm', keyTransport: 'rsa-oaep' } as const;
    expect(deliveryGap(operationById('encrypt-oaep'), plan, gcm)).toBe('made auth-enveloped-data, aes-256-gcm, rsa-pkcs1');
    const gcmInEnvelopedData = { ...gcm, kind: 'enveloped-data' } as const;
    expect(deliveryGap(operationById('encrypt-gcm'), { cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' }, gcmInEnvelopedData)).toBe('made enveloped-data, aes-256-gcm, rsa-pkcs1');
    expect(deliveryGap(operationById('sign-detached'), {}, { kind: 'multipart-signed', eContent: true })).toBe('made multipart-signed with eContent');
  });
});
