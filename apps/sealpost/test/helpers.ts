import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(APP_DIR, '..', '..');
export const BIN = join(APP_DIR, 'bin', 'sealpost.js');

export interface RunResult {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  /** stdout as text, for reports. */
  readonly out: string;
}

export interface RunOptions {
  readonly input?: Uint8Array | string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

/** The tests drive the built command exactly as a user does: a separate process, its real exit status. */
export function assertBuilt(): void {
  if (!existsSync(join(APP_DIR, 'bundle', 'main.js'))) throw new Error('apps/sealpost is not built: run `pnpm exec turbo run build --filter=@sealpost/cli...` first');
}

export function sealpost(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [BIN, ...args], options);
}

/**
 * A separate process with the test's environment, without colour (NO_COLOR set, FORCE_COLOR removed,
 * whatever the machine running the tests sets) unless `options.env` asks for it.
 */
export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env })) if (v !== undefined) env[k] = v;
    const child = spawn(file, [...args], { cwd: options.cwd ?? REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 50_000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out);
      resolvePromise({ code, stdout, stderr: Buffer.concat(err).toString('utf8'), out: stdout.toString('utf8') });
    });
    child.stdin.on('error', () => undefined); // the command may exit before reading stdin
    child.stdin.end(options.input ?? '');
  });
}

/** A private folder (mkdtemp is 0700) removed by the returned function. */
export async function tempDir(prefix = 'sealpost-cli-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface Pki {
  readonly dir: string;
  readonly ca: string;
  readonly alice: { readonly email: string; readonly cert: string; readonly key: string; readonly p12: string };
  readonly bob: { readonly email: string; readonly cert: string; readonly key: string; readonly p12: string };
  /** Trusted by no test: a second, unrelated CA and its identity carol. */
  readonly otherCa: string;
  readonly carol: { readonly email: string; readonly cert: string; readonly key: string; readonly p12: string };
}

export const P12_PASS = 'correct horse battery staple';

/** Test identities made with the command itself: alice and bob under one CA, carol under another. */
export async function makePki(dir: string): Promise<Pki> {
  const env = { SEALPOST_TEST_P12: P12_PASS };
  await expectOk(sealpost(['keygen', '--email', 'alice@example.com', '--out', dir, '--pass-env', 'SEALPOST_TEST_P12'], { env }));
  await expectOk(sealpost(['keygen', '--email', 'bob@example.com', '--out', dir, '--ca', dir, '--pass-env', 'SEALPOST_TEST_P12'], { env }));
  const other = join(dir, 'other');
  await expectOk(sealpost(['keygen', '--email', 'carol@example.com', '--out', other]));
  const person = (email: string, base = dir) => ({
    email,
    cert: join(base, `${email}.crt`),
    key: join(base, `${email}.key`),
    p12: join(base, `${email}.p12`),
  });
  return {
    dir,
    ca: join(dir, 'ca.crt'),
    alice: person('alice@example.com'),
    bob: person('bob@example.com'),
    otherCa: join(other, 'ca.crt'),
    carol: person('carol@example.com', other),
  };
}

export async function expectOk(pending: Promise<RunResult>): Promise<RunResult> {
  const result = await pending;
  if (result.code !== 0) throw new Error(`command failed with ${result.code}: ${result.stderr}`);
  return result;
}

export const MESSAGE = [
  'From: Alice <alice@example.com>',
  'To: Bob <bob@example.com>',
  'Subject: Quarterly figures',
  'Date: Mon, 02 Mar 2026 09:30:00 +0000',
  'Message-ID: <figures-1@example.com>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  'Hi Bob,',
  '',
  'the figures are in. Revenue up 4 percent.',
  '',
  'Alice',
  '',
].join('\r\n');

/** The message's content entity alone (what openssl signs or encrypts). */
export const ENTITY = ['Content-Type: text/plain; charset=us-ascii', '', 'Hi Bob,', '', 'the figures are in. Revenue up 4 percent.', '', 'Alice', ''].join('\r\n');

export const OUTER_HEADERS = ['From: Alice <alice@example.com>', 'To: Bob <bob@example.com>', 'Subject: Quarterly figures', ''].join('\r\n');

export async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

/** A copy of `text` with the first occurrence of `from` replaced: tampering with a signed message. */
export function replaceOnce(text: string, from: string, to: string): string {
  const i = text.indexOf(from);
  if (i < 0) throw new Error(`"${from}" not found`);
  return text.slice(0, i) + to + text.slice(i + from.length);
}

export interface RunningCommand {
  readonly pid: number;
  /** Everything written to stderr so far. */
  stderr(): string;
  stdout(): string;
  /** Resolves with the exit code (null when ended by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/** The command started in the background, for servers and for runs a test interrupts. */
export function startSealpost(args: readonly string[], options: Omit<RunOptions, 'input'> = {}): RunningCommand {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env })) if (v !== undefined) env[k] = v;
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolvePromise) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal });
    });
  });
  return { pid: child.pid!, stderr: () => err, stdout: () => out, exited, kill: (signal) => child.kill(signal) };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
