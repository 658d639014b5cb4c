import { beforeAll, describe, expect, it, vi } from 'vitest';
import { assertBuilt, sealpost } from './helpers.js';

// Each test starts real processes (key generation, openssl): give them room on a slow machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const COMMANDS = ['keygen', 'sign', 'encrypt', 'sign-encrypt', 'verify', 'decrypt', 'open', 'inspect', 'demo'] as const;
const CRYPTO_COMMANDS = ['sign', 'encrypt', 'sign-encrypt', 'verify', 'decrypt', 'open', 'demo'] as const;

beforeAll(assertBuilt);

describe('sealpost command line', () => {
  it('lists every command in --help and exits 0', async () => {
    const result = await sealpost(['--help']);
    expect(result.code).toBe(0);
    for (const name of COMMANDS) expect(result.out).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
    expect(result.out).toContain('Exit status: 0 good verdict, 1 negative verdict, 2 usage error');
  });

  it.each(COMMANDS)('%s --help prints its usage and exits 0', async (name) => {
    const result = await sealpost([name, '--help']);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`Usage: sealpost ${name}`);
    expect(result.stderr).toBe('');
  });

  it.each(CRYPTO_COMMANDS)('%s takes --backend', async (name) => {
    const result = await sealpost([name, '--help']);
    expect(result.out).toMatch(/--backend <name>.*choices: "pkijs", "forge", "openssl"/s);
  });

  it('does not register commands that come later', async () => {
    const help = (await sealpost(['--help'])).out;
    for (const later of ['send', 'serve', 'keys']) expect(help).not.toMatch(new RegExp(`^\\s+${later}\\b`, 'm'));
    const result = await sealpost(['send']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^sealpost: unknown command 'send' \[ERR_USAGE\]\n$/);
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

  it.each(['pkijs', 'forge', 'openssl'])('runs the demo with --backend %s', async (name) => {
    const result = await sealpost(['demo', '--backend', name]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain(`Backend: ${name}.`);
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
