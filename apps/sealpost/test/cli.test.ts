import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { assertBuilt, sealpost } from './helpers.js';

// Each test starts real processes (key generation, openssl): give them room on a slow machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const COMMANDS = ['keygen', 'sign', 'encrypt', 'sign-encrypt', 'verify', 'decrypt', 'open', 'inspect', 'send', 'serve', 'keys', 'demo'] as const;
const SUBCOMMANDS = ['keys import', 'keys list', 'keys show', 'keys remove'] as const;
const CRYPTO_COMMANDS = ['sign', 'encrypt', 'sign-encrypt', 'verify', 'decrypt', 'open', 'send', 'serve', 'keys import', 'demo'] as const;

const hasOpenssl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;

beforeAll(assertBuilt);

describe('sealpost command line', () => {
  it('lists every command in --help and exits 0', async () => {
    const result = await sealpost(['--help']);
    expect(result.code).toBe(0);
    for (const name of COMMANDS) expect(result.out).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
    expect(result.out).toContain('Exit status: 0 good verdict (send: every recipient accepted), 1 negative verdict (send: some not), 2 usage error');
  });

  it.each([...COMMANDS, ...SUBCOMMANDS])('%s --help prints its usage and exits 0', async (name) => {
    const result = await sealpost([...name.split(' '), '--help']);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`Usage: sealpost ${name}`);
    expect(result.stderr).toBe('');
  });

  it('keys --help lists its subcommands', async () => {
    const result = await sealpost(['keys', '--help']);
    for (const name of SUBCOMMANDS) expect(result.out).toMatch(new RegExp(`^\\s+${name.split(' ')[1]}\\b`, 'm'));
  });

  it.each(CRYPTO_COMMANDS)('%s takes --backend', async (name) => {
    const result = await sealpost([...name.split(' '), '--help']);
    expect(result.out.replace(/\s+/g, ' ')).toMatch(/--backend <name> .*choices: "pkijs", "forge", "openssl"/);
  });

  it('send needs --via, and takes only sparkpost or smtp', async () => {
    const missing = await sealpost(['send', '--no-sign']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("sealpost: required option '--via <transport>' not specified [ERR_USAGE]\n");
    const wrong = await sealpost(['send', '--via', 'carrier-pigeon']);
    expect(wrong.stderr).toMatch(/argument 'carrier-pigeon' is invalid. Allowed choices are sparkpost, smtp. \[ERR_USAGE\]/);
  });

  it('prints the version', async () => {
    const result = await sealpost(['--version']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('shows help on stderr and exits 2 without a command', async () => {
    const result = await sealpost([]);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.stderr).toContain('Usage: sealpost');
  });

  it('exits 2 with one line for an unknown option', async () => {
    const result = await sealpost(['verify', '--trsut', 'ca.crt']);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr).toMatch(/^sealpost: unknown option '--trsut'.*\[ERR_USAGE\]\n$/);
  });

  it('exits 2 for a missing required option', async () => {
    const result = await sealpost(['encrypt', '--in', 'nothing.eml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^sealpost: required option '--to <file>' not specified \[ERR_USAGE\]\n$/);
  });

  it('exits 2 for an unknown backend name', async () => {
    const result = await sealpost(['encrypt', '--backend', 'nss', '--to', 'x.crt']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^sealpost: option '--backend <name>' argument 'nss' is invalid.*\[ERR_USAGE\]\n$/);
  });

  // pkijs, the default, is covered by demo.test.ts.
  it('runs the demo with --backend forge', async () => {
    const result = await sealpost(['demo', '--backend', 'forge']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Backend: forge.');
  });

  it.skipIf(!hasOpenssl)('runs the demo with --backend openssl, whose signature advertises AES-GCM like the others', async () => {
    const result = await sealpost(['demo', '--backend', 'openssl']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Backend: openssl.');
    expect(result.out).toMatch(/^smtp +openssl +aes-256-gcm +yes +alice@example\.com +valid$/m);
  });

  it('exits 2 when the openssl backend finds no openssl binary', async () => {
    const result = await sealpost(['demo', '--backend', 'openssl'], { env: { PATH: '/nonexistent' } });
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.stderr).toMatch(/^sealpost: backend openssl is not available here: .*\[ERR_BACKEND_UNAVAILABLE\]\n$/);
  });

  it('exits 2 for an invalid cipher name', async () => {
    const result = await sealpost(['encrypt', '--to', 'x.crt', '--cipher', 'des-ede3-cbc']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/argument 'des-ede3-cbc' is invalid.*\[ERR_USAGE\]/);
  });
});
