import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Pki, assertBuilt, makePki, sealpost, startSealpost, tempDir, waitFor } from './helpers.js';

// Ctrl-C (SIGINT), a service manager's SIGTERM or a closed terminal's SIGHUP in the middle of a command
// must leave neither half-written output nor secrets on disk, and the command still dies of the signal.

vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

let dir: string;
let cleanup: () => Promise<void>;
let pki: Pki;
let bigMessage: string;
const stray: number[] = [];

beforeAll(async () => {
  assertBuilt();
  ({ dir, cleanup } = await tempDir());
  pki = await makePki(join(dir, 'pki'));
  // About 30 MiB (the command reads up to 64): writing the signed copy takes long enough to interrupt.
  const line = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n';
  bigMessage = join(dir, 'big.eml');
  writeFileSync(
    bigMessage,
    [
      'From: Alice <alice@example.com>\r\nTo: Bob <bob@example.com>\r\nSubject: big\r\nMIME-Version: 1.0\r\n',
      'Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n',
      line.repeat(Math.floor((30 * 1024 * 1024) / line.length)),
    ].join(''),
  );
});
afterAll(async () => {
  for (const pid of stray) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await cleanup();
});

describe('--out interrupted while it is written', () => {
  it.each(SIGNALS)('%s: no temporary file and no half-written output are left, and the command dies of the signal', async (signal) => {
    const outDir = join(dir, `out-${signal}`);
    mkdirSync(outDir);
    const out = join(outDir, 'signed.eml');
    const command = startSealpost(['sign', '--cert', pki.alice.cert, '--key', pki.alice.key, '--in', bigMessage, '--out', out]);
    let seen: string | undefined;
    // The temporary file's creation is the moment to interrupt: its content is not whole yet.
    const watcher = watch(outDir, (_event, name) => {
      if (seen === undefined && name !== null && name.endsWith('.tmp')) {
        seen = name;
        command.kill(signal);
      }
    });
    const ended = await command.exited;
    watcher.close();
    expect(seen, command.stderr()).toMatch(/^\.signed\.eml\.[0-9a-f]+\.tmp$/);
    expect(ended).toEqual({ code: null, signal });
    expect(readdirSync(outDir)).toEqual([]);
  });
});

describe('keygen interrupted', () => {
  it('SIGINT after the first file removes every file this run wrote: no CA key without its identity, and a rerun is not refused', async () => {
    const outDir = join(dir, 'keygen-interrupted');
    mkdirSync(outDir);
    // RSA-3072 keys take a while to make: the CA files are written long before the identity's.
    const command = startSealpost(['keygen', '--email', 'dave@example.com', '--key-type', 'rsa-3072', '--out', outDir]);
    let seen: string | undefined;
    const watcher = watch(outDir, (_event, name) => {
      if (seen === undefined && name === 'ca.key') {
        seen = name;
        command.kill('SIGINT');
      }
    });
    const ended = await command.exited;
    watcher.close();
    expect(seen, command.stderr()).toBe('ca.key');
    expect(ended).toEqual({ code: null, signal: 'SIGINT' });
    expect(readdirSync(outDir)).toEqual([]);
    const again = await sealpost(['keygen', '--email', 'dave@example.com', '--out', outDir]);
    expect(again.code, again.stderr).toBe(0);
  });
});

describe('demo interrupted', () => {
  it('SIGINT while it works removes its private folder (test keys included)', async () => {
    const tmp = join(dir, 'tmp-demo');
    mkdirSync(tmp);
    const command = startSealpost(['demo'], { env: { TMPDIR: tmp } });
    const folder = await waitFor(() => readdirSync(tmp).find((name) => name.startsWith('sealpost-demo-')), 'the demo folder');
    // Wait until the demo has written its keys, then interrupt.
    await waitFor(() => (readdirSync(join(tmp, folder)).length > 0 ? true : undefined), 'the demo keys');
    command.kill('SIGINT');
    const ended = await command.exited;
    expect(ended).toEqual({ code: null, signal: 'SIGINT' });
    expect(readdirSync(tmp).filter((name) => name.startsWith('sealpost-demo-'))).toEqual([]);
  });
});

describe.skipIf(!hasOpenssl)('--backend openssl interrupted while openssl runs', () => {
  it.each(SIGNALS)('%s: the private folder (with the key pipe) is removed and openssl is stopped', async (signal) => {
    const scratch = join(dir, `openssl-${signal}`);
    const tmp = join(scratch, 'tmp');
    const bin = join(scratch, 'bin');
    mkdirSync(tmp, { recursive: true });
    mkdirSync(bin);
    const real = execFileSync('sh', ['-c', 'command -v openssl'], { encoding: 'utf8' }).trim();
    const pidFile = join(scratch, 'openssl.pid');
    // A stand-in first on PATH: the real openssl for detection, then it records its pid and hangs.
    writeFileSync(join(bin, 'openssl'), `#!/bin/sh\ncase "$1" in version|list) exec '${real}' "$@";; esac\necho $$ > '${pidFile}'\nexec sleep 30\n`);
    chmodSync(join(bin, 'openssl'), 0o755);
    const out = join(scratch, 'signed.eml');
    const command = startSealpost(['sign', '--backend', 'openssl', '--cert', pki.alice.cert, '--key', pki.alice.key, '--in', bigMessage, '--out', out], {
      env: { TMPDIR: tmp, PATH: `${bin}:${process.env['PATH'] ?? ''}` },
    });
    // The shell creates the file before it writes the pid: wait for the whole line.
    await waitFor(() => (existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n') ? true : undefined), 'the stand-in openssl');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(readdirSync(tmp).filter((name) => name.startsWith('sealpost-openssl-'))).toHaveLength(1);
    command.kill(signal);
    const ended = await command.exited;
    expect(ended).toEqual({ code: null, signal });
    // Node's compile cache (22.1 and later) is code, kept on purpose; nothing of the operation is left.
    expect(readdirSync(tmp).filter((name) => name !== 'node-compile-cache')).toEqual([]);
    expect(existsSync(out)).toBe(false);
    const alive = await waitFor(() => (isRunning(pid) ? undefined : false), 'the stand-in openssl to stop', 3000).catch(() => true);
    if (alive) stray.push(pid);
    expect(alive).toBe(false);
  });
});

/** True while the process runs (a zombie nobody reaped has ended). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
