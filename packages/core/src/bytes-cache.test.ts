import { describe, expect, it } from 'vitest';
import { createBytesMemo } from './bytes-cache.js';

describe('createBytesMemo', () => {
  it('computes once per distinct input and returns the remembered value after', () => {
    const memo = createBytesMemo<number>(8);
    let calls = 0;
    const compute = () => ++calls;
    expect(memo.get(Uint8Array.of(1, 2, 3), compute)).toBe(1);
    expect(memo.get(Uint8Array.of(1, 2, 3), compute)).toBe(1);
    expect(memo.get(Uint8Array.of(1, 2, 4), compute)).toBe(2);
    expect(calls).toBe(2);
  });

  it('never answers for other bytes, and a caller changing its array afterwards changes nothing', () => {
    const memo = createBytesMemo<string>(8);
    const input = Uint8Array.of(9, 9, 9);
    memo.get(input, () => 'first');
    input[0] = 8;
    expect(memo.get(input, () => 'second')).toBe('second');
    expect(memo.get(Uint8Array.of(9, 9, 9), () => 'third')).toBe('first');
  });

  it('forgets the least recently used input past its limit', () => {
    const memo = createBytesMemo<number>(2);
    memo.get(Uint8Array.of(1), () => 1);
    memo.get(Uint8Array.of(2), () => 2);
    memo.get(Uint8Array.of(1), () => -1); // used again: now the most recent
    memo.get(Uint8Array.of(3), () => 3);
    expect(memo.size).toBe(2);
    expect(memo.get(Uint8Array.of(1), () => -1)).toBe(1);
    expect(memo.get(Uint8Array.of(2), () => 22)).toBe(22);
  });

  it('peek finds without computing; set remembers a value computed elsewhere', () => {
    const memo = createBytesMemo<boolean>(4);
    expect(memo.peek(Uint8Array.of(7))).toBeUndefined();
    memo.set(Uint8Array.of(7), true);
    expect(memo.peek(Uint8Array.of(7))).toBe(true);
    expect(memo.get(Uint8Array.of(7), () => false)).toBe(true);
  });

  it('hands compute its own copy of the bytes', () => {
    const memo = createBytesMemo<Uint8Array>(4);
    const input = Uint8Array.of(1, 2);
    const kept = memo.get(input, (copy) => copy);
    input[0] = 0;
    expect(Array.from(kept)).toEqual([1, 2]);
  });

  it('does not remember a throw', () => {
    const memo = createBytesMemo<number>(2);
    expect(() =>
      memo.get(Uint8Array.of(1), () => {
        throw new Error('no');
      }),
    ).toThrow('no');
    expect(memo.get(Uint8Array.of(1), () => 5)).toBe(5);
  });
});
