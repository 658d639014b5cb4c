import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type SparkPostSink, startSparkPostSink } from '../src/demo/sparkpost-sink.js';
import { BIN, REPO_ROOT, assertBuilt, run, sealpost, tempDir } from './helpers.js';

// Each test starts real processes (key generation, openssl): give them room on a slow machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const DOC = join(REPO_ROOT, 'docs', 'cli.md');
const hasBash = spawnSync('bash', ['--version']).status === 0;
const hasCurl = spawnSync('curl', ['--version']).status === 0;

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

/**
 * `sealpost CMD ...` synopses from the Commands section, with the flags each one names. A block may
 * hold several (one per `keys` subcommand); `keys import` and the like count as commands of their own.
 */
function synopses(): { command: string; flags: string[] }[] {
  const out: { command: string; flags: string[] }[] = [];
  for (const block of doc.matchAll(/```\n(sealpost [a-z-]+[^]*?)```/g)) {
    for (const text of block[1]!.split(/^(?=sealpost )/m)) {
      const [, name, sub] = /^sealpost ([a-z-]+)(?: (import|list|show|remove|status|pause|resume|cancel|delete)\b)?/.exec(text)!;
      out.push({ command: sub === undefined ? name! : `${name} ${sub}`, flags: [...new Set(text.match(/--[a-z][a-z-]*/g) ?? [])] });
    }
  }
  return out;
}

/**
 * Runs a tested block with bash in `cwd`, `sealpost` on PATH being the built command (an executable
 * that execs node, so `sealpost ... &` then `kill $!` reaches the command itself, as with an installed one).
 */
async function runBlock(name: string, cwd: string, env: Record<string, string | undefined> = {}, edit: (text: string) => string = (t) => t) {
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, 'sealpost'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  const script = `set -euo pipefail\n${edit(testedBlock(name))}`;
  return run('bash', ['-c', script], { cwd, env: { ...env, PATH: `${bin}:${process.env['PATH'] ?? ''}` } });
}

describe('docs/cli.md', () => {
  it.skipIf(!hasBash)('quick start runs as written', async () => {
    const script = `set -euo pipefail\nsealpost() { "${process.execPath}" "${BIN}" "$@"; }\n${testedBlock('quick-start')}`;
    const result = await run('bash', ['-c', script], { cwd: dir, env: { SEALPOST_P12_PASS: undefined } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.out).toContain('verify: valid');
    // Nothing is known of what Bob's software reads: AES-256-CBC, which every client reads, and the report says so.
    expect(result.stderr).toMatch(/^sign-encrypt: aes-256-cbc \(NOT authenticated\), from the recipients' capabilities$/m);
    expect(result.stderr).toMatch(/^capabilities unknown for 1 recipient\(s\)/m);
    expect(result.out).toMatch(/CMS enveloped-data: aes-256-cbc \(not authenticated\), 2 recipient\(s\)/);
    expect(result.stderr).toMatch(/^open: valid$/m);
    expect(await readFile(join(dir, 'opened.eml'), 'utf8')).toContain('Hi Bob!');
  });

  it('documents every command, and each documented flag exists', async () => {
    const documented = synopses();
    expect([...new Set(documented.map((s) => s.command))].sort()).toEqual([
      'campaign cancel',
      'campaign delete',
      'campaign list',
      'campaign pause',
      'campaign resume',
      'campaign status',
      'decrypt',
      'demo',
      'encrypt',
      'inspect',
      'keygen',
      'keys import',
      'keys list',
      'keys remove',
      'keys show',
      'open',
      'send',
      'serve',
      'sign',
      'sign-encrypt',
      'verify',
      'worker',
    ]);
    for (const { command, flags } of documented) {
      const help = (await sealpost([...command.split(' '), '--help'])).out;
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

describe.skipIf(!hasBash)('docs/cli.md examples of keys, serve, send and send --bulk, run in order in one folder', () => {
  let story: string;
  let sink: SparkPostSink;
  const API_KEY = 'docs-test-api-key';

  beforeAll(async () => {
    story = join(dir, 'story');
    await mkdir(story);
    sink = await startSparkPostSink(API_KEY);
  });
  afterAll(() => sink?.close());

  it('keys: imports from signed mail and from a file, lists and shows', async () => {
    const result = await runBlock('keys', story);
    expect(result.code, result.stderr).toBe(0);
    expect(result.out).toMatch(/^keys import: added bob@example\.com \(sha-256 [0-9a-f]{64}\)$/m);
    expect(result.out).toMatch(/^keys import: added alice@example\.com \(sha-256 [0-9a-f]{64}\); chain not verified$/m);
    expect(result.out).toMatch(/^address +sha-256 +not after +last seen +versions$/m);
    expect(result.out).toMatch(/^current: bob@example\.com$/m);
    expect(result.out).toMatch(/^ {2}ciphers: +aes-256-gcm, aes-128-gcm, aes-256-cbc, aes-192-cbc, aes-128-cbc$/m);
  });

  it.skipIf(!hasCurl)('serve: answers /healthz and /certificates, then stops on SIGTERM', async () => {
    const port = await freePort();
    const result = await runBlock('serve', story, {}, (text) => text.replaceAll('8025', String(port)));
    expect(result.code, result.stderr).toBe(0);
    expect(result.out).toBe('ok\n404\n');
    expect(await readFile(join(story, 'bob-from-server.crt'), 'utf8')).toBe(await readFile(join(story, 'keys', 'bob@example.com.crt'), 'utf8'));
    const events = (await readFile(join(story, 'serve.log'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { event: string }).event);
    expect(events[0]).toBe('listening');
    expect(events.slice(-2)).toEqual(['stopping', 'stopped']);
  });

  it('send: one sealed message through SparkPost', async () => {
    const before = sink.received.length;
    const result = await runBlock('send', story, { SPARKPOST_API_KEY: API_KEY, SPARKPOST_BASE_URL: sink.baseUrl });
    expect(result.code, result.stderr).toBe(0);
    expect(result.out).toMatch(/^send: 1 of 1 recipient\(s\) accepted \(SparkPost at http:\/\/127\.0\.0\.1:\d+\)$/m);
    expect(result.out).toMatch(/^bob@example\.com +accepted +signed, encrypted aes-256-gcm +id \d+$/m);
    expect(sink.received.slice(before).map((t) => t.recipients.join())).toEqual(['bob@example.com']);
  });

  it('send --bulk: a CSV with one recipient lacking a certificate', async () => {
    const before = sink.received.length;
    const result = await runBlock('bulk', story, { SPARKPOST_API_KEY: API_KEY, SPARKPOST_BASE_URL: sink.baseUrl });
    expect(result.code, result.stderr).toBe(0);
    expect(result.out).toContain(
      'bulk: 1 of 2 recipient(s) accepted\n  rejected 0, deferred 0, failed 1, unknown 0, not yet sent 0\n  no certificate, not sent: carol@example.com\n  report: statements.jsonl\n  journal: statements.jsonl.journal\nexit status 1\n',
    );
    expect(result.stderr).toContain('bulk: no certificate for 1 recipient(s), they are not sent to: carol@example.com');
    const lines = result.out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { line: number; address: string; status: string });
    expect(lines.map((l) => [l.line, l.address, l.status])).toEqual([
      [2, 'bob@example.com', 'accepted'],
      [3, 'carol@example.com', 'failed'],
    ]);
    const received = sink.received.slice(before);
    expect(received.map((t) => t.recipients.join())).toEqual(['bob@example.com']);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
