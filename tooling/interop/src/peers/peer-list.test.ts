import { describe, expect, it } from 'vitest';
import { PEER_IDS, peersFromSetting } from './peer-list.js';

describe('peersFromSetting', () => {
  it('takes every peer when the setting is absent', () => {
    expect(peersFromSetting(undefined)).toEqual([...PEER_IDS]);
    expect(PEER_IDS).toEqual(['openssl', 'nss', 'gpgsm']);
  });

  it('takes the named peers in the matrix order, case and spaces ignored', () => {
    expect(peersFromSetting('gpgsm, OpenSSL')).toEqual(['openssl', 'gpgsm']);
    expect(peersFromSetting('')).toEqual([]);
  });

  it('refuses an unknown name instead of leaving a peer out quietly', () => {
    expect(() => peersFromSetting('openssl,thunderbird')).toThrow(/unknown peer thunderbird/);
  });
});
