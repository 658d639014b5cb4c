import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileAppears, isRunning, makeScratch } from '../test-support/fake-openssl.js';
import { exitFailure, type ProcessRequest, runProcess } from './process.js';

const scratch = makeScratch();
afterAll(() => scratch.cleanup());

// The runner itself never uses a shell; these tests run /bin/sh as the program under control.
const sh = (code: string, extra: Partial<ProcessRequest> = {}): Promise<Awaited<ReturnType<typeof runProcess>>> =>
  runProcess({ file: '/bin/sh', args: ['-c', code], env: process.env, timeoutMs: 10_000, maxOutputBytes: 1 << 20, label: 'sh -c', ...extra });

const rejection = async (promise: Promise<unknown>): Promise<{ code: string; message: string; detail: Record<string, unknown> }> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as { code: string; message: string; detail: Record<string, unknown> },
  );

describe('runProcess', () => {
  it('returns stdout only with exit code 0', async () => {
    const ok = await sh('printf "plain bytes"');
    expect(ok.exitCode).toBe(0);
    expect(Buffer.from(ok.stdout!).toString()).toBe('plain bytes');
    const failed = await sh('printf "plaintext written before the failure"; exit 4');
    expect(failed.exitCode).toBe(4);
    expect(failed.stdout).toBeNull();
  });

  it('passes arguments as an array, with no shell interpretation', async () => {
    const exit = await runProcess({ file: '/bin/echo', args: ['$HOME', '; rm -rf /', '`id`'], env: process.env, timeoutMs: 5000, maxOutputBytes: 1000, label: 'echo' });
    expect(Buffer.from(exit.stdout!).toString()).toBe('$HOME ; rm -rf / `id`\n');
  });

  it('feeds stdin and fd 3, and returns large outputs whole', async () => {
    const input = new Uint8Array(300_000).map((_, i) => i % 251);
    const echoed = await sh('cat', { stdin: input });
    expect(Buffer.from(echoed.stdout!).equals(Buffer.from(input))).toBe(true);
    const fd3 = await sh('cat <&3', { fd3: new TextEncoder().encode('through fd 3\n') });
    expect(Buffer.from(fd3.stdout!).toString()).toBe('through fd 3\n');
  });

  it('kills the child at the time limit and reports ERR_TIMEOUT', async () => {
    const pidFile = join(scratch.dir, 'timeout.pid');
    const started = Date.now();
    const error = await rejection(sh(`echo $$ > ${pidFile}; exec sleep 30`, { timeoutMs: 3000 }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error.code).toBe('ERR_TIMEOUT');
    expect(error.message).toBe('sh -c timed out after 3000 ms');
    expect(error.detail).toMatchObject({ command: 'sh -c', timedOut: true, signal: 'SIGKILL' });
    expect(isRunning(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('kills the child on abort, and does not start one when already aborted', async () => {
    const pidFile = join(scratch.dir, 'abort.pid');
    const controller = new AbortController();
    const running = sh(`echo $$ > ${pidFile}; exec sleep 30`, { signal: controller.signal });
    await fileAppears(pidFile);
    controller.abort(new Error('user gave up'));
    const error = await rejection(running);
    expect(error.code).toBe('ERR_ABORTED');
    expect(isRunning(Number(readFileSync(pidFile, 'utf8')))).toBe(false);

    const marker = join(scratch.dir, 'never-started');
    const again = await rejection(sh(`touch ${marker}`, { signal: AbortSignal.abort() }));
    expect(again.code).toBe('ERR_ABORTED');
    expect(() => readFileSync(marker)).toThrow();
  });

  it('stops a child that writes more than maxOutputBytes', async () => {
    const error = await rejection(sh('head -c 5000000 /dev/zero', { maxOutputBytes: 10_000 }));
    expect(error.code).toBe('ERR_LIMIT_SIZE');
    expect(error.message).toContain('more than 10000 bytes');
  });

  it('reports a missing binary and a child killed by a signal as ERR_BACKEND', async () => {
    const missing = await rejection(runProcess({ file: join(scratch.dir, 'no-such-openssl'), args: [], env: process.env, timeoutMs: 5000, maxOutputBytes: 10, label: 'openssl' }));
    expect(missing.code).toBe('ERR_BACKEND');
    expect(missing.message).toContain('options.binary');
    const killed = await rejection(sh('kill -SEGV $$'));
    expect(killed.code).toBe('ERR_BACKEND');
    expect(killed.detail).toMatchObject({ exitCode: null, signal: 'SIGSEGV', timedOut: false });
  });

  it('keeps stderr redacted and short, in execa-style detail', async () => {
    const secretDir = join(scratch.dir, 'op-folder');
    const exit = await sh(`echo "cannot open ${secretDir}/key.der" >&2; for i in 1 2 3 4 5 6; do echo "line $i" >&2; done; exit 3`, { redactPaths: [secretDir] });
    expect(exit.stderr).toBe('cannot open <tmp>/key.der\nline 1\nline 2\nline 3');
    const error = exitFailure('openssl cms -sign', exit);
    expect(error.code).toBe('ERR_BACKEND');
    expect(error.message).toBe('openssl cms -sign failed with exit code 3: cannot open <tmp>/key.der');
    expect(error.detail).toEqual({ command: 'openssl cms -sign', exitCode: 3, signal: null, timedOut: false, stderr: exit.stderr });
  });
});
