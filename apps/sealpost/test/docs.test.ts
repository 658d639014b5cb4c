import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BIN, REPO_ROOT, assertBuilt, run, sealpost, tempDir } from './helpers.js';

// Each test starts real processes (key generation, openssl): give them room on a slow machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const DOC = join(REPO_ROOT, 'docs', 'cli.md');
const hasBash = spawnSync('bash', ['--version']).status === 0;

let doc: string;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  assertBuilt();
  doc = await readFile(DOC, 'utf8');
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

/** The fenced block that follows a `<!-- tested: NAME` marker. */
function testedBlock(name: string): string {
  const marker = doc.indexOf(`<!-- tested: ${name}`);
  if (marker < 0) throw new Error(`docs/cli.md has no block marked "tested: ${name}"`);
  const match = /```sh\n([^]*?)```/.exec(doc.slice(marker));
  if (match === null) throw new Error(`no sh block after the "tested: ${name}" marker`);
  return match[1]!;
}

/** `sealpost CMD ...` synopses from the Commands section, with the flags each one names. */
function synopses(): { command: string; flags: string[] }[] {
  const out: { command: string; flags: string[] }[] = [];
  for (const block of doc.matchAll(/```\n(sealpost [a-z-]+[^]*?)```/g)) {
    const text = block[1]!;
    const command = /^sealpost ([a-z-]+)/.exec(text)![1]!;
    out.push({ command, flags: [...new Set(text.match(/--[a-z][a-z-]*/g) ?? [])] });
  }
  return out;
}

describe('docs/cli.md', () => {
  it.skipIf(!hasBash)('quick start runs as written', async () => {
    const script = `set -euo pipefail\nsealpost() { "${process.execPath}" "${BIN}" "$@"; }\n${testedBlock('quick-start')}`;
    const result = await run('bash', ['-c', script], { cwd: dir, env: { SEALPOST_P12_PASS: undefined } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.out).toContain('verify: valid');
    expect(result.out).toMatch(/CMS auth-enveloped-data: aes-256-gcm \(authenticated\), 2 recipient\(s\)/);
    expect(result.stderr).toMatch(/^open: valid$/m);
    expect(await readFile(join(dir, 'opened.eml'), 'utf8')).toContain('Hi Bob!');
  });

  it('documents every command, and each documented flag exists', async () => {
    const documented = synopses();
    expect(documented.map((s) => s.command).sort()).toEqual(['decrypt', 'demo', 'encrypt', 'inspect', 'keygen', 'open', 'sign', 'sign-encrypt', 'verify']);
    for (const { command, flags } of documented) {
      const help = (await sealpost([command, '--help'])).out;
      for (const flag of flags) expect(help, `sealpost ${command} ${flag}`).toContain(flag);
    }
  });

  it('lists every error code the command itself can print', async () => {
    const source = await readFile(join(REPO_ROOT, 'apps', 'sealpost', 'src', 'errors.ts'), 'utf8');
    const codes = [...source.matchAll(/\| '(ERR_[A-Z_]+)'/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(5);
    for (const code of codes) expect(doc, code).toContain(`\`${code}\``);
  });
});
