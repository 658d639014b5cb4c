import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration } from './progress.js';

function sink(): { stream: NodeJS.WritableStream; text: () => string } {
  let out = '';
  return { stream: { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream, text: () => out };
}

describe('createProgress', () => {
  it('writes a plain line every tenth when not on a terminal, with rate and ETA', () => {
    let t = 0;
    const out = sink();
    const progress = createProgress({ total: 20, stream: out.stream, tty: false, clock: () => t });
    for (let i = 0; i < 20; i++) {
      t += 100;
      progress.tick(i !== 3);
    }
    progress.finish();
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('sent 2/20   10%  10.0/s  ETA 2s');
    expect(lines[9]).toBe('sent 20/20  100%  10.0/s  ETA 0s  (1 not accepted)');
    expect(out.text()).not.toContain('\r');
  });

  it('redraws one bar in place on a terminal, at most ten times a second, and ends the line', () => {
    let t = 0;
    const out = sink();
    const progress = createProgress({ total: 4, stream: out.stream, tty: true, clock: () => t });
    progress.tick(true);
    t += 50;
    progress.tick(true); // too soon: not drawn
    t += 100;
    progress.tick(true);
    t += 100;
    progress.tick(true);
    progress.finish();
    const frames = out.text().split('\r\x1b[2K').filter(Boolean);
    expect(frames[0]).toBe('[######..................] 1/4   25%  0.0/s  ETA ?');
    expect(frames).toHaveLength(3);
    expect(frames.at(-1)).toBe('[########################] 4/4  100%  16.0/s  ETA 0s\n');
  });
});

describe('formatDuration', () => {
  it.each([
    [0.4, '0s'],
    [59, '59s'],
    [61, '1m01s'],
    [3725, '1h02m'],
  ])('%s s is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
