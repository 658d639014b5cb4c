import type { KeyAgreementPrimitives } from '@sealpost/core/backend-kit';
import { describe, expect, it } from 'vitest';

const hex = (text: string): Uint8Array => Uint8Array.from(text.replace(/\s/g, '').match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
const kek = (length: number): Uint8Array => Uint8Array.from({ length }, (_, i) => i);
const KEY_128 = '00112233445566778899AABBCCDDEEFF';
const KEY_192 = `${KEY_128}0001020304050607`;
const KEY_256 = `${KEY_128}000102030405060708090A0B0C0D0E0F`;

/** RFC 3394 section 4: the key-encryption key is 00 01 02 ... of the given length in each. */
export const RFC3394_VECTORS: readonly { readonly section: string; readonly kekLength: number; readonly key: string; readonly wrapped: string }[] = [
  { section: '4.1', kekLength: 16, key: KEY_128, wrapped: '1FA68B0A8112B447 AEF34BD8FB5A7B82 9D3E862371D2CFE5' },
  { section: '4.2', kekLength: 24, key: KEY_128, wrapped: '96778B25AE6CA435 F92B5B97C050AED2 468AB8A17AD84E5D' },
  { section: '4.3', kekLength: 32, key: KEY_128, wrapped: '64E8C3F9CE0F5BA2 63E9777905818A2A 93C8191E7D6E8AE7' },
  { section: '4.4', kekLength: 24, key: KEY_192, wrapped: '031D33264E15D332 68F24EC260743EDC E1C6C7DDEE725A93 6BA814915C6762D2' },
  { section: '4.5', kekLength: 32, key: KEY_192, wrapped: 'A8F9BC1612C68B3F F6E6F4FBE30E71E4 769C8B80A32CB895 8CD5D17D6B254DA1' },
  { section: '4.6', kekLength: 32, key: KEY_256, wrapped: '28C9F404C4B810F4 CBCCB35CFB87F826 3F5786E2D80ED326 CBC7F0E71A99F43B FB988B9B7A02DD21' },
];

/**
 * A backend's AES key wrap against RFC 3394's vectors, both ways, and the one decryption failure for a
 * wrapped key that fails its integrity check. Backends run it on their own KeyAgreementPrimitives.
 */
export function keyWrapVectorTests(name: string, primitives: () => Pick<KeyAgreementPrimitives, 'wrapKeyAes' | 'unwrapKeyAes'>): void {
  describe(`AES key wrap (RFC 3394): ${name}`, () => {
    for (const vector of RFC3394_VECTORS) {
      it(`section ${vector.section}: wraps and unwraps`, async () => {
        const input = { kek: kek(vector.kekLength), key: hex(vector.key) };
        expect(Array.from(await primitives().wrapKeyAes(input))).toEqual(Array.from(hex(vector.wrapped)));
        expect(Array.from(await primitives().unwrapKeyAes({ kek: input.kek, key: hex(vector.wrapped) }))).toEqual(Array.from(input.key));
      });
    }

    it('a wrapped key altered in any octet, or unwrapped with another key, fails with ERR_DECRYPTION_FAILED', async () => {
      const vector = RFC3394_VECTORS[0]!;
      const wrapped = hex(vector.wrapped);
      for (const at of [0, 7, 8, wrapped.length - 1]) {
        const altered = new Uint8Array(wrapped);
        altered[at]! ^= 0x80;
        await expect(primitives().unwrapKeyAes({ kek: kek(16), key: altered })).rejects.toMatchObject({ code: 'ERR_DECRYPTION_FAILED' });
      }
      await expect(primitives().unwrapKeyAes({ kek: kek(24), key: wrapped })).rejects.toMatchObject({ code: 'ERR_DECRYPTION_FAILED' });
    });
  });
}
