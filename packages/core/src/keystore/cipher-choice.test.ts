import { beforeAll, describe, expect, it } from 'vitest';
import type { ContentCipher } from '../backend.js';
import { generateTestIdentity } from '../pki/testpki.js';
import { CIPHER_PREFERENCE, chooseCipher, recipientCapabilities } from './cipher-choice.js';

describe('chooseCipher', () => {
  it('picks AES-256-GCM when every recipient advertises it', () => {
    expect(
      chooseCipher([
        ['aes-256-gcm', 'aes-128-gcm', 'aes-256-cbc'],
        ['aes-128-cbc', 'aes-256-gcm'],
      ]),
    ).toBe('aes-256-gcm');
  });

  it('picks the strongest cipher all recipients share, not the first one a recipient lists', () => {
    expect(
      chooseCipher([
        ['aes-128-gcm', 'aes-256-gcm'],
        ['aes-128-gcm', 'aes-256-cbc'],
      ]),
    ).toBe('aes-128-gcm');
    expect(chooseCipher([['aes-128-cbc', 'aes-256-cbc']])).toBe('aes-256-cbc');
  });

  it('drops to CBC as soon as one recipient lacks GCM', () => {
    expect(chooseCipher([['aes-256-gcm', 'aes-256-cbc'], ['aes-256-cbc']])).toBe('aes-256-cbc');
    expect(
      chooseCipher([
        ['aes-256-gcm', 'aes-128-cbc'],
        ['aes-128-cbc', 'aes-128-gcm'],
      ]),
    ).toBe('aes-128-cbc');
  });

  it('counts a recipient with unknown capabilities as AES-CBC, preferring 256 bits', () => {
    expect(chooseCipher([[]])).toBe('aes-256-cbc');
    expect(chooseCipher([['aes-256-gcm'], []])).toBe('aes-256-cbc');
  });

  it('lets an unknown recipient go down to AES-128-CBC when another recipient has nothing stronger', () => {
    expect(chooseCipher([['aes-128-cbc'], []])).toBe('aes-128-cbc');
  });

  it('falls back to AES-256-CBC when the recipients share nothing it prefers', () => {
    expect(chooseCipher([['aes-128-gcm'], ['aes-256-gcm']])).toBe('aes-256-cbc');
    expect(chooseCipher([['des-ede3-cbc'], ['aes-192-cbc']])).toBe('aes-256-cbc');
  });

  it('never picks a cipher outside its preference list, even when all recipients share it', () => {
    const shared: ContentCipher[] = ['chacha20-poly1305', 'aes-192-gcm', 'des-ede3-cbc'];
    expect(chooseCipher([shared, shared])).toBe('aes-256-cbc');
  });

  it('with no recipients, takes the strongest cipher it knows', () => {
    expect(chooseCipher([])).toBe(CIPHER_PREFERENCE[0]);
  });

  it('returns an override as given, whatever the recipients advertise', () => {
    expect(chooseCipher([[]], 'aes-128-gcm')).toBe('aes-128-gcm');
    expect(chooseCipher([['aes-256-gcm']], 'aes-128-cbc')).toBe('aes-128-cbc');
  });

  it('prefers, strongest first, AES-256-GCM, AES-128-GCM, AES-256-CBC, AES-128-CBC', () => {
    expect(CIPHER_PREFERENCE).toEqual(['aes-256-gcm', 'aes-128-gcm', 'aes-256-cbc', 'aes-128-cbc']);
  });
});

describe('chooseCipher with options', () => {
  it('GCM advertised: GCM; nothing known: AES-256-CBC', () => {
    expect(chooseCipher([['aes-256-gcm', 'aes-256-cbc']], {})).toBe('aes-256-gcm');
    expect(chooseCipher([[]], {})).toBe('aes-256-cbc');
    expect(chooseCipher([[]])).toBe('aes-256-cbc');
  });

  it('cipher forces one, whatever is known or unknown', () => {
    expect(chooseCipher([[]], { cipher: 'aes-128-gcm', cipherUnknown: 'aes-256-gcm' })).toBe('aes-128-gcm');
    expect(chooseCipher([['aes-256-gcm']], { cipher: 'aes-128-cbc' })).toBe('aes-128-cbc');
  });

  it('cipherUnknown is what a recipient with unknown capabilities gets', () => {
    expect(chooseCipher([[]], { cipherUnknown: 'aes-256-gcm' })).toBe('aes-256-gcm');
    expect(chooseCipher([[]], { cipherUnknown: 'aes-128-cbc' })).toBe('aes-128-cbc');
    expect(chooseCipher([[], []], { cipherUnknown: 'aes-192-cbc' })).toBe('aes-192-cbc');
  });

  it('cipherUnknown does not change what advertised recipients get', () => {
    expect(chooseCipher([['aes-256-gcm']], { cipherUnknown: 'aes-128-cbc' })).toBe('aes-256-gcm');
  });

  it('one message to known and unknown recipients: the strongest cipher all of them read', () => {
    expect(chooseCipher([['aes-256-gcm', 'aes-128-gcm'], []], { cipherUnknown: 'aes-128-gcm' })).toBe('aes-128-gcm');
    expect(chooseCipher([['aes-256-gcm', 'aes-256-cbc'], []], { cipherUnknown: 'aes-128-cbc' })).toBe('aes-256-cbc');
  });
});

describe('recipientCapabilities', () => {
  let plain: Uint8Array;
  let advertising: Uint8Array;
  beforeAll(async () => {
    plain = (await generateTestIdentity({ email: 'bob@example.com', keyType: 'ec-p256' })).certificate;
    advertising = (await generateTestIdentity({ email: 'bob@example.com', keyType: 'ec-p256', smimeCapabilities: ['aes-256-gcm', 'aes-256-cbc'] })).certificate;
  });

  it("takes what the key store kept first: the latest word from the recipient's own software", () => {
    expect(recipientCapabilities(advertising, ['aes-128-cbc'])).toEqual({ smimeCapabilities: ['aes-128-cbc'], source: 'key-store' });
  });

  it("then the certificate's smimeCapabilities extension (RFC 4262)", () => {
    expect(recipientCapabilities(advertising, [])).toEqual({ smimeCapabilities: ['aes-256-gcm', 'aes-256-cbc'], source: 'certificate' });
    expect(recipientCapabilities(advertising)).toEqual({ smimeCapabilities: ['aes-256-gcm', 'aes-256-cbc'], source: 'certificate' });
  });

  it('else unknown, which chooseCipher answers with AES-256-CBC', () => {
    const unknown = recipientCapabilities(plain, []);
    expect(unknown).toEqual({ smimeCapabilities: [], source: 'unknown' });
    expect(chooseCipher([unknown.smimeCapabilities])).toBe('aes-256-cbc');
    expect(chooseCipher([recipientCapabilities(advertising).smimeCapabilities])).toBe('aes-256-gcm');
  });
});
