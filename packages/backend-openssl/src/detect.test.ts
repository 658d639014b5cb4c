import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { makeScratch, oldOpenssl, REAL_OPENSSL } from '../test-support/fake-openssl.js';
import { type AlgorithmListings, capabilitiesFrom, parseVersion, providedAlgorithms } from './detect.js';
import { failureOf } from '../test-support/failure.js';
import { createOpensslBackend } from './index.js';

const scratch = makeScratch();
afterAll(() => scratch.cleanup());

const list = (flag: string, ...providers: string[]): string => spawnSync(REAL_OPENSSL, ['list', ...providers.flatMap((p) => ['-provider', p]), flag], { encoding: 'utf8' }).stdout;

describe('parseVersion', () => {
  it('reads OpenSSL 3 and later', () => {
    expect(parseVersion('OpenSSL 3.0.19 27 Jan 2026 (Library: OpenSSL 3.0.19 27 Jan 2026)\n')).toEqual({ major: 3, minor: 0, patch: 19, text: '3.0.19' });
    expect(parseVersion('OpenSSL 3.5.0-beta1 1 Apr 2025').text).toBe('3.5.0-beta1');
  });

  it('refuses anything older, and other libraries, with a clear typed error', () => {
    expect(() => parseVersion('OpenSSL 1.1.1w  11 Sep 2023')).toThrow(expect.objectContaining({ code: 'ERR_BACKEND', message: 'OpenSSL 3.0 or newer is required, found 1.1.1w' }));
    expect(() => parseVersion('LibreSSL 3.8.2')).toThrow('OpenSSL 3.0 or newer is required, found LibreSSL 3.8.2');
    expect(() => parseVersion('')).toThrow('OpenSSL 3.0 or newer is required, found no version');
  });
});

describe('providedAlgorithms', () => {
  it('reads only the provided section: names and OIDs, lower case', () => {
    const listing = [
      'Legacy:',
      '  AES-128-CBC',
      '  aes128 => AES-128-CBC',
      'Provided:',
      '  { 2.16.840.1.101.3.4.1.46, aes-256-gcm, id-aes256-GCM } @ default',
      '  DES-EDE3-CFB @ default',
      '  Name: OpenSSL EC implementation',
      '    IDs: { 1.2.840.10045.2.1, EC, id-ecPublicKey } @ default',
    ].join('\n');
    expect([...providedAlgorithms(listing)].sort()).toEqual(['1.2.840.10045.2.1', '2.16.840.1.101.3.4.1.46', 'aes-256-gcm', 'des-ede3-cfb', 'ec', 'id-aes256-gcm', 'id-ecpublickey'].sort());
  });
});

describe('capabilities from the algorithm lists', () => {
  const real = (): AlgorithmListings => ({
    ciphers: list('-cipher-algorithms'),
    digests: list('-digest-algorithms'),
    signatures: list('-signature-algorithms'),
    keyExchanges: list('-key-exchange-algorithms'),
    keyManagers: list('-key-managers'),
    asymmetricCiphers: list('-asymcipher-algorithms'),
  });

  it('claims the RFC 8551 set and more from the default provider', () => {
    const caps = capabilitiesFrom(real());
    expect(caps.contentCiphers).toEqual(expect.arrayContaining(['aes-128-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-256-gcm']));
    expect(caps.contentCiphers).not.toContain('chacha20-poly1305');
    expect(caps.digests).toEqual(expect.arrayContaining(['sha-256', 'sha-384', 'sha-512']));
    expect(caps.signatureSchemes).toEqual(['rsa-pkcs1', 'rsa-pss', 'ecdsa', 'ed25519', 'ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87']);
    expect(caps.kem).toEqual(['ml-kem-512', 'ml-kem-768', 'ml-kem-1024']);
    expect(caps.keyTransport).toEqual(['rsa-pkcs1', 'rsa-oaep']);
    expect(caps.keyAgreement).toEqual(['ecdh-p256', 'ecdh-p384', 'ecdh-p521', 'x25519']);
    expect(caps.keyTypes).toContain('ed25519');
    expect(caps.runtimes).toEqual(['node']);
    expect(caps.keyUris).toBe(true);
    expect(Object.isFrozen(caps) && Object.isFrozen(caps.contentCiphers)).toBe(true);
  });

  it('claims 3DES and RC2 for reading whatever the providers offer (they are read in-process, never written)', () => {
    expect(capabilitiesFrom(real()).contentCiphers).toEqual(expect.arrayContaining(['des-ede3-cbc', 'rc2-cbc']));
    const hsmOnly = { ...real(), ciphers: 'Provided:\n  { 2.16.840.1.101.3.4.1.46, AES-256-GCM } @ hsm\n' };
    expect(capabilitiesFrom(hsmOnly).contentCiphers).toEqual(['aes-256-gcm', 'des-ede3-cbc', 'rc2-cbc']);
  });

  it('claims nothing a setup lacks (a provider with AES-GCM, SHA-256 and RSA only) but ML-DSA and ML-KEM, which run in-process', () => {
    const caps = capabilitiesFrom({
      ciphers: 'Provided:\n  { 2.16.840.1.101.3.4.1.46, AES-256-GCM } @ hsm\n',
      digests: 'Provided:\n  { 2.16.840.1.101.3.4.2.1, SHA2-256, SHA-256, SHA256 } @ hsm\n',
      signatures: '  { 1.2.840.113549.1.1.1, 2.5.8.1.1, RSA, rsaEncryption } @ hsm\n',
      keyExchanges: '',
      keyManagers: '    IDs: { 1.2.840.113549.1.1.1, 2.5.8.1.1, RSA, rsaEncryption } @ hsm\n',
      asymmetricCiphers: '  { 1.2.840.113549.1.1.1, 2.5.8.1.1, RSA, rsaEncryption } @ hsm\n',
    });
    expect(caps).toEqual({
      digests: ['sha-256'],
      signatureSchemes: ['rsa-pkcs1', 'rsa-pss', 'ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87'],
      // 3DES and RC2 are only read, in-process, after the provider's key has unwrapped the content key.
      contentCiphers: ['aes-256-gcm', 'des-ede3-cbc', 'rc2-cbc'],
      keyTransport: ['rsa-pkcs1', 'rsa-oaep'],
      keyAgreement: [],
      kem: ['ml-kem-512', 'ml-kem-768', 'ml-kem-1024'],
      keyTypes: ['rsa', 'ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87', 'ml-kem-512', 'ml-kem-768', 'ml-kem-1024'],
      runtimes: ['node'],
      keyUris: true,
    });
  });
});

describe('createOpensslBackend detection', () => {
  it('probes the real binary and says which version it found', async () => {
    const backend = await createOpensslBackend();
    expect(backend.name).toBe('openssl');
    expect(backend.opensslVersion).toMatch(/^3\.\d+\.\d+/);
    expect(backend.capabilities.contentCiphers).toContain('aes-256-gcm');
  });

  it('refuses a binary that reports OpenSSL 1.1.1', async () => {
    const binary = oldOpenssl(scratch, 'OpenSSL 1.1.1w  11 Sep 2023');
    await expect(createOpensslBackend({ binary })).rejects.toMatchObject({ code: 'ERR_BACKEND', message: 'OpenSSL 3.0 or newer is required, found 1.1.1w' });
  });

  it('reports a missing binary and an unknown provider as ERR_BACKEND', async () => {
    await expect(createOpensslBackend({ binary: `${scratch.dir}/missing/openssl` })).rejects.toMatchObject({ code: 'ERR_BACKEND' });
    const error = await failureOf(createOpensslBackend({ providers: ['no-such-provider'] }));
    expect(error).toMatchObject({ code: 'ERR_BACKEND' });
    expect(error.message).toContain('options.providers');
  });

  it('rejects bad options as programmer errors', async () => {
    await expect(createOpensslBackend({ timeoutMs: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(createOpensslBackend({ providers: ['-engine'] })).rejects.toBeInstanceOf(TypeError);
    await expect(createOpensslBackend({ binary: '' })).rejects.toBeInstanceOf(TypeError);
  });
});
