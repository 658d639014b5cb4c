import { describe, expect, it } from 'vitest';
import type { ContentCipher } from '../backend.js';
import { CIPHER_PREFERENCE, chooseCipher } from './cipher-choice.js';

describe('chooseCipher', () => {
  it('picks AES-256-GCM when every recipient advertises it', () => {
    expect(chooseCipher([['aes-256-gcm', 'aes-128-gcm', 'aes-256-cbc'], ['aes-128-cbc', 'aes-256-gcm']])).toBe('aes-256-gcm');
  });

  it('picks the strongest cipher all recipients share, not the first one a recipient lists', () => {
    expect(chooseCipher([['aes-128-gcm', 'aes-256-gcm'], ['aes-128-gcm', 'aes-256-cbc']])).toBe('aes-128-gcm');
    expect(chooseCipher([['aes-128-cbc', 'aes-256-cbc']])).toBe('aes-256-cbc');
  });

  it('drops to CBC as soon as one recipient lacks GCM', () => {
    expect(chooseCipher([['aes-256-gcm', 'aes-256-cbc'], ['aes-256-cbc']])).toBe('aes-256-cbc');
    expect(chooseCipher([['aes-256-gcm', 'aes-128-cbc'], ['aes-128-cbc', 'aes-128-gcm']])).toBe('aes-128-cbc');
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
