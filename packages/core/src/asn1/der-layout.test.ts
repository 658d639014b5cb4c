import { describe, expect, it } from 'vitest';
import * as der from './der-writer.js';
import { encodeLayout, node } from './der-layout.js';

describe('encodeLayout', () => {
  it('writes the same bytes as the nested der-writer calls', () => {
    const big = new Uint8Array(70_000).fill(7);
    const nested = der.sequence(der.oid('1.2.840.113549.1.7.3'), der.explicit(0, der.sequence(der.integer(0), der.implicitPrimitive(0, big))));
    const layout = encodeLayout(node(0x30, der.oid('1.2.840.113549.1.7.3'), node(0xa0, node(0x30, der.integer(0), node(0x80, big)))));
    expect(Buffer.from(layout).equals(Buffer.from(nested))).toBe(true);
  });

  it('handles empty contents and every length form', () => {
    for (const size of [0, 1, 127, 128, 255, 256, 65_535, 65_536]) {
      const content = new Uint8Array(size).fill(1);
      expect(Buffer.from(encodeLayout(node(0x04, content))).equals(Buffer.from(der.octetString(content)))).toBe(true);
    }
  });
});
