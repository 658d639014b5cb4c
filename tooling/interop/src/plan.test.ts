import { describe, expect, it } from 'vitest';
import { type Abilities, shortfalls } from './abilities.js';
import { operationById } from './operations.js';
import { needOfPlan, planFor } from './plan.js';

const everything: Abilities = {
  signs: true,
  ciphers: ['aes-128-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-256-gcm'],
  keyTransports: ['rsa-pkcs1', 'rsa-oaep'],
};
const cbcOnly: Abilities = { signs: true, ciphers: ['aes-128-cbc'], keyTransports: ['rsa-pkcs1'], why: { 'aes-gcm': 'no GCM here' } };

describe('planFor', () => {
  it('asks nothing of signing operations', () => {
    expect(planFor(operationById('sign-detached'), everything)).toEqual({});
  });

  it('takes the strongest cipher of the family the producer has', () => {
    expect(planFor(operationById('encrypt-cbc'), everything)).toEqual({ cipher: 'aes-256-cbc', keyTransport: 'rsa-pkcs1' });
    expect(planFor(operationById('encrypt-cbc'), cbcOnly)).toEqual({ cipher: 'aes-128-cbc', keyTransport: 'rsa-pkcs1' });
  });

  it('still asks a producer without the family for it, so that its refusal is observed', () => {
    expect(planFor(operationById('encrypt-gcm'), cbcOnly)).toEqual({ cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1' });
  });

  it('uses GCM for OAEP only when both sides have it', () => {
    const oaep = operationById('encrypt-oaep');
    expect(planFor(oaep, everything, everything).cipher).toBe('aes-256-gcm');
    expect(planFor(oaep, everything, cbcOnly).cipher).toBe('aes-128-cbc');
    expect(planFor(oaep, everything).cipher).toBe('aes-256-gcm');
  });
});

describe('shortfalls', () => {
  it('is empty when the actor has everything the plan needs', () => {
    const op = operationById('sign-encrypt');
    expect(shortfalls(everything, needOfPlan(op, planFor(op, everything)))).toEqual([]);
  });

  it("names each missing feature with the actor's own reason, or a plain one", () => {
    const op = operationById('encrypt-oaep');
    const found = shortfalls(cbcOnly, needOfPlan(op, { cipher: 'aes-256-gcm', keyTransport: 'rsa-oaep' }));
    expect(found).toEqual([
      { feature: 'aes-gcm', reason: 'no GCM here' },
      { feature: 'rsa-oaep', reason: 'RSA-OAEP key transport is not supported' },
    ]);
    expect(shortfalls({ ...cbcOnly, signs: false }, { signature: true })).toEqual([{ feature: 'signature', reason: 'RSA PKCS#1 v1.5 / SHA-256 signing is not supported' }]);
  });

  it('treats an unknown cipher as missing', () => {
    expect(shortfalls(everything, { signature: false, cipher: '1.2.3.4' })).toEqual([{ feature: 'other-cipher', reason: 'this content cipher is not supported' }]);
  });
});
