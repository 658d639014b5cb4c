import { describe, expect, it } from 'vitest';
import { colorEnabled, paintVerdict, verdictColor } from './color.js';

describe('colorEnabled', () => {
  it.each([
    // choice, env, isTTY, expected
    [undefined, {}, true, true],
    [undefined, {}, false, false],
    [undefined, { NO_COLOR: '1' }, true, false],
    [undefined, { NO_COLOR: '' }, true, true],
    [undefined, { NODE_DISABLE_COLORS: '1' }, true, false],
    [undefined, { TERM: 'dumb' }, true, false],
    [undefined, { FORCE_COLOR: '1' }, false, true],
    [undefined, { FORCE_COLOR: '' }, false, true],
    [undefined, { FORCE_COLOR: '0' }, true, false],
    [undefined, { FORCE_COLOR: 'false' }, true, false],
    [undefined, { FORCE_COLOR: '1', NO_COLOR: '1' }, false, true],
    ['never', { FORCE_COLOR: '1' }, true, false],
    ['always', { NO_COLOR: '1' }, false, true],
    ['always', { FORCE_COLOR: '0' }, false, true],
  ] as const)('choice %s, env %j, terminal %s: %s', (choice, env, isTTY, expected) => {
    expect(colorEnabled(choice, env, isTTY)).toBe(expected);
  });
});

describe('verdict colours', () => {
  it('green for valid and decrypted, red for invalid and failed, yellow for the rest', () => {
    expect(['valid', 'decrypted'].map(verdictColor)).toEqual(['green', 'green']);
    expect(['invalid', 'failed'].map(verdictColor)).toEqual(['red', 'red']);
    expect(['untrusted', 'not-signed', 'partially-signed', 'partially-encrypted', 'not-encrypted'].map(verdictColor)).toEqual(Array(5).fill('yellow'));
    expect(paintVerdict('valid', true)).toBe('\x1b[32mvalid\x1b[39m');
    expect(paintVerdict('invalid', false)).toBe('invalid');
  });
});
