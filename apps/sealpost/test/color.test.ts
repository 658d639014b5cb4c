import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BIN, MESSAGE, type Pki, type RunResult, assertBuilt, expectOk, makePki, replaceOnce, run, sealpost, tempDir } from './helpers.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

// `script` (util-linux) runs the command on a pseudo-terminal, as a user at a terminal would.
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

const GREEN = '\x1b[32m';
const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';
const ESC = '\x1b[';

let dir: string;
let cleanup: () => Promise<void>;
let pki: Pki;
let signed: string;
let tampered: string;

beforeAll(async () => {
  assertBuilt();
  ({ dir, cleanup } = await tempDir());
  pki = await makePki(dir);
  signed = join(dir, 'signed.eml');
  const out = (await expectOk(sealpost(['sign', '--cert', pki.alice.cert, '--key', pki.alice.key], { input: MESSAGE }))).out;
  await writeFile(signed, out);
  tampered = join(dir, 'tampered.eml');
  await writeFile(tampered, replaceOnce(out, 'Revenue up 4 percent', 'Revenue up 9 percent'));
});
afterAll(() => cleanup?.());

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The command on a pseudo-terminal: stdout and stderr both reach it. No colour variable unless given. */
function atTerminal(args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  return run('script', ['-qec', command, '/dev/null'], { env: { NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm', ...env } });
}

/** The command with stdout and stderr as pipes, no colour variable unless given. */
function piped(args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
  return sealpost(args, { env: { NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm', ...env } });
}

describe.skipIf(!hasScript)('colour at a terminal', () => {
  it('paints verdicts: valid green, invalid red, untrusted yellow', async () => {
    expect((await atTerminal(['verify', '--trust', pki.ca, '--in', signed])).out).toMatch(/^verify: \x1b\[32mvalid\x1b\[39m\r?\n/);
    expect((await atTerminal(['verify', '--trust', pki.ca, '--in', tampered])).out).toContain(`verify: ${RED}invalid`);
    expect((await atTerminal(['verify', '--trust', pki.otherCa, '--in', signed])).out).toContain(`verify: ${YELLOW}untrusted`);
  });

  it('paints the report open writes to stderr, layer by layer', async () => {
    const sealed = join(dir, 'sealed.eml');
    await expectOk(sealpost(['sign-encrypt', '--cert', pki.alice.cert, '--key', pki.alice.key, '--to', pki.bob.cert, '--out', sealed], { input: MESSAGE }));
    const opened = await atTerminal(['open', '--cert', pki.bob.cert, '--key', pki.bob.key, '--trust', pki.ca, '--in', sealed, '--out', join(dir, 'opened.eml')]);
    expect(opened.out).toContain(`open: ${GREEN}valid`);
    expect(opened.out).toContain(`(encrypted): ${GREEN}decrypted`);
    const wrongKey = await atTerminal(['open', '--cert', pki.carol.cert, '--key', pki.carol.key, '--trust', pki.ca, '--in', sealed]);
    expect(wrongKey.out).toContain(`${RED}failed`);
  });

  it('stays plain with NO_COLOR, FORCE_COLOR=0, TERM=dumb or --no-color', async () => {
    const args = ['verify', '--trust', pki.ca, '--in', signed];
    for (const [extra, env] of [
      [[], { NO_COLOR: '1' }],
      [[], { FORCE_COLOR: '0' }],
      [[], { TERM: 'dumb' }],
      [['--no-color'], {}],
    ] as const) {
      const result = await atTerminal([...args, ...extra], env);
      expect(result.out, JSON.stringify([extra, env])).toMatch(/^verify: valid\r?\n/);
      expect(result.out).not.toContain(ESC);
    }
  });
});

describe('colour into a pipe or a file', () => {
  it('is off by default, for stdout and stderr', async () => {
    const verified = await piped(['verify', '--trust', pki.ca, '--in', tampered]);
    expect(verified.out).toMatch(/^verify: invalid\n/);
    expect(verified.out + verified.stderr).not.toContain(ESC);
    const opened = await piped(['open', '--cert', pki.carol.cert, '--key', pki.carol.key, '--trust', pki.ca, '--in', signed]);
    expect(opened.stderr).not.toContain(ESC);
  });

  it('is on with FORCE_COLOR (even with NO_COLOR) or --color, and --no-color wins over FORCE_COLOR', async () => {
    const args = ['verify', '--trust', pki.ca, '--in', signed];
    expect((await piped(args, { FORCE_COLOR: '1' })).out).toMatch(/^verify: \x1b\[32mvalid\x1b\[39m\n/);
    expect((await piped(args, { FORCE_COLOR: '1', NO_COLOR: '1' })).out).toContain(`${GREEN}valid`);
    expect((await piped([...args, '--color'])).out).toContain(`${GREEN}valid`);
    expect((await piped([...args, '--no-color'], { FORCE_COLOR: '1' })).out).not.toContain(ESC);
  });

  it('never colours --json', async () => {
    const result = await piped(['verify', '--trust', pki.ca, '--in', signed, '--json', '--color']);
    expect(JSON.parse(result.out)).toMatchObject({ status: 'valid' });
    expect(result.out).not.toContain(ESC);
  });
});
