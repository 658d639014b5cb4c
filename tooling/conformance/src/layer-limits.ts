import { type Limits, createSealpost, parseMime } from '@sealpost/core';
import { describe, expect, it } from 'vitest';
import { type SuiteContext, identityOf } from './context.js';
import { craftSignedData } from './craft.js';
import { headerBlock, opaqueSignedMessage } from './messages.js';

const enc = new TextEncoder();
const HEADERS = { from: 'alice@example.com', to: 'bob@example.com' };

/** A message whose content is a multipart/mixed of `parts` tiny parts. */
function manyPartsMessage(parts: number): Uint8Array {
  return enc.encode(`${headerBlock(HEADERS)}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${'--b\r\n\r\nx\r\n'.repeat(parts)}--b--\r\n`);
}

/** A text entity with `fields` Content-* header fields (they stay in the sealed entity). */
function manyFieldsEntity(fields: number): string {
  return `Content-Type: text/plain\r\n${'Content-X-Note: y\r\n'.repeat(fields - 1)}\r\nhello\r\n`;
}

/**
 * What `open` and `decrypt` unwrap is parsed under the caller's limits, layer by layer, and a limit
 * it crosses is reported as that limit: never as a decryption failure.
 */
export function layerLimitTests(ctx: SuiteContext): void {
  const sealpost = (limits?: Limits) => createSealpost({ backend: ctx.backend, ...(limits === undefined ? {} : { limits }) });
  const bob = () => identityOf(ctx.pki.identities.bob);
  const encryptForBob = (message: Uint8Array) => ctx.sp.encrypt(message, { recipients: [ctx.pki.identities.bob.cert] });
  const openAsBob = (message: Uint8Array, limits?: Limits) => sealpost(limits).open(message, { identities: [bob()], trustAnchors: ctx.anchors });

  describe('limits inside signed and encrypted layers', () => {
    it('decrypted content over a default limit is that limit, not ERR_DECRYPTION_FAILED', async () => {
      const sealed = await encryptForBob(manyPartsMessage(10_001));
      await expect(openAsBob(sealed)).rejects.toMatchObject({ code: 'ERR_LIMIT_PARTS' });
      await expect(sealpost().decrypt(sealed, { identity: bob() })).rejects.toMatchObject({ code: 'ERR_LIMIT_PARTS' });
    });

    it("open applies the caller's limits inside an encrypted layer: raised ones let it through", async () => {
      const sealed = await encryptForBob(manyPartsMessage(10_001));
      const report = await openAsBob(sealed, { maxParts: 10_002 });
      expect(report.status).toBe('decrypted');
      expect(parseMime(report.content!, { maxParts: 10_002 }).children).toHaveLength(10_001);
    });

    it("open applies the caller's limits inside an encrypted layer: a lowered one is reported with its code", async () => {
      const message = enc.encode(`${headerBlock(HEADERS)}MIME-Version: 1.0\r\n${manyFieldsEntity(20)}`);
      const sealed = await encryptForBob(message);
      // The outer message itself is within the limit: only the decrypted entity crosses it.
      expect(parseMime(sealed, { maxHeaders: 10 }).headers.length).toBeLessThanOrEqual(10);
      await expect(openAsBob(sealed, { maxHeaders: 10 })).rejects.toMatchObject({ code: 'ERR_LIMIT_HEADERS' });
      await expect(sealpost({ maxHeaders: 10 }).decrypt(sealed, { identity: bob() })).rejects.toMatchObject({ code: 'ERR_LIMIT_HEADERS' });
      const outerHeaderBytes = parseMime(sealed).headerBytes.length;
      await expect(openAsBob(sealed, { maxHeaderBytes: outerHeaderBytes })).rejects.toMatchObject({ code: 'ERR_LIMIT_HEADER_SIZE' });
      // Opened, the message has its 6 outer fields (MIME-Version included) and the entity's 20.
      expect((await openAsBob(sealed, { maxHeaders: 26 })).status).toBe('decrypted');
      await expect(openAsBob(sealed, { maxHeaders: 25 })).rejects.toMatchObject({ code: 'ERR_LIMIT_HEADERS' });
    });

    it("open applies the caller's limits inside an opaque-signed layer", async () => {
      const { alice } = ctx.pki.identities;
      const signed = (content: string) =>
        opaqueSignedMessage(HEADERS, craftSignedData({ content: enc.encode(content), includeContent: true, signers: [{ certificate: alice.cert, privateKey: alice.keyDer }] }));
      const fields = signed(manyFieldsEntity(20));
      await expect(openAsBob(fields, { maxHeaders: 10 })).rejects.toMatchObject({ code: 'ERR_LIMIT_HEADERS' });
      expect((await openAsBob(fields)).status).toBe('valid');

      const parts = signed(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${'--b\r\n\r\nx\r\n'.repeat(10_001)}--b--\r\n`);
      await expect(openAsBob(parts)).rejects.toMatchObject({ code: 'ERR_LIMIT_PARTS' });
      expect((await openAsBob(parts, { maxParts: 10_002 })).status).toBe('valid');
    });
  });
}
