// Stand-in openssl binaries for the tests: shell scripts that record how they were called (argv,
// the state of the operation's temporary folder, what the real openssl wrote), or that misbehave on
// purpose (hang, claim an old version, print secrets to stderr). Node-only test support, outside
// src/ so it is neither built nor shipped.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REAL_OPENSSL = execFileSync('sh', ['-c', 'command -v openssl'], { encoding: 'utf8' }).trim();

export interface Scratch {
  /** Holds the scripts and their logs. */
  readonly dir: string;
  /** Pass as options.tempDir: the backend makes its per-operation folders here. */
  readonly tempBase: string;
  cleanup(): void;
}

export function makeScratch(): Scratch {
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-openssl-test-'));
  const tempBase = join(dir, 'tmp');
  execFileSync('mkdir', [tempBase]);
  return { dir, tempBase, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function script(path: string, body: string): string {
  writeFileSync(path, `#!/bin/bash\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

// Records the modes and names of the operation folder and its files, as seen while openssl runs.
const RECORD_FOLDERS = (log: string, tempBase: string): string => `
for a in "$@"; do
  case "$a" in ${quote(tempBase)}/*) d=$(dirname "$a"); stat -c '%a %n' "$d" "$d"/* >> ${log}/listing-$n 2>/dev/null;; esac
done`;

/**
 * Runs the real openssl and records, per call: argv (NUL-separated), everything it wrote to stdout,
 * its exit code and a listing of the temporary folder.
 */
export function recordingOpenssl(scratch: Scratch, name = 'openssl-recording'): string {
  const log = join(scratch.dir, `${name}-log`);
  execFileSync('mkdir', ['-p', log]);
  return script(
    join(scratch.dir, name),
    `n=$(date +%s%N)
printf '%s\\0' "$@" > ${quote(log)}/argv-$n
${quote(REAL_OPENSSL)} "$@" > ${quote(log)}/stdout-$n
status=$?
echo $status > ${quote(log)}/status-$n
${RECORD_FOLDERS(quote(log), scratch.tempBase)}
cat ${quote(log)}/stdout-$n
exit $status`,
  );
}

export interface Invocation {
  readonly argv: string[];
  readonly stdout: Buffer;
  readonly exitCode: number;
  readonly listing: string;
}

export function invocations(scratch: Scratch, name = 'openssl-recording'): Invocation[] {
  const log = join(scratch.dir, `${name}-log`);
  const ids = readdirSync(log)
    .filter((f) => f.startsWith('argv-'))
    .map((f) => f.slice(5))
    .sort();
  const read = (file: string): Buffer => {
    try {
      return readFileSync(join(log, file));
    } catch {
      return Buffer.alloc(0);
    }
  };
  return ids.map((id) => ({
    argv: read(`argv-${id}`).toString('utf8').split('\0').slice(0, -1),
    stdout: read(`stdout-${id}`),
    exitCode: Number(read(`status-${id}`).toString('utf8').trim()),
    listing: read(`listing-${id}`).toString('utf8'),
  }));
}

/**
 * Answers `version` and `list` with the real openssl; any other command records its pid and
 * temporary folder, then sleeps (exec, so the pid is the sleeping process).
 */
export function hangingOpenssl(scratch: Scratch): { binary: string; pidFile: string; listingFile: string } {
  const pidFile = join(scratch.dir, 'hanging.pid');
  const listingFile = join(scratch.dir, 'listing-hanging');
  const binary = script(
    join(scratch.dir, 'openssl-hanging'),
    `case "$1" in version|list) exec ${quote(REAL_OPENSSL)} "$@";; esac
n=hanging
${RECORD_FOLDERS(quote(scratch.dir), scratch.tempBase)}
echo $$ > ${quote(pidFile)}
exec sleep 30`,
  );
  return { binary, pidFile, listingFile };
}

/**
 * Runs the real openssl and records, per call, the environment it was started with (`env -0`, one
 * file per call), so a test can see exactly which variables an openssl child inherits.
 */
export function envRecordingOpenssl(scratch: Scratch, name = 'openssl-env'): { binary: string; environments: () => Array<Record<string, string>> } {
  const log = join(scratch.dir, `${name}-log`);
  execFileSync('mkdir', ['-p', log]);
  const binary = script(join(scratch.dir, name), `env -0 > ${quote(log)}/env-$(date +%s%N)\nexec ${quote(REAL_OPENSSL)} "$@"`);
  const environments = (): Array<Record<string, string>> =>
    readdirSync(log)
      .sort()
      .map((file) =>
        Object.fromEntries(
          readFileSync(join(log, file), 'utf8')
            .split('\0')
            .filter((line) => line.includes('='))
            .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
        ),
      );
  return { binary, environments };
}

/**
 * Before running the real openssl, copies every regular file of the operation's folder (the folders
 * of the argv paths under tempBase) into `<name>-log/contents-N`, and lists what the folder holds as
 * `<type> <mode> <name>` lines (find's %y: f regular file, p named pipe) into `<name>-log/types-N`.
 * Named pipes are listed, never opened: reading one would take the key from openssl.
 */
export function snapshottingOpenssl(scratch: Scratch, name = 'openssl-snapshot'): { binary: string; contents: () => Buffer; types: () => string } {
  const log = join(scratch.dir, `${name}-log`);
  execFileSync('mkdir', ['-p', log]);
  const binary = script(
    join(scratch.dir, name),
    `n=$(date +%s%N)
for a in "$@"; do
  case "$a" in ${quote(scratch.tempBase)}/*)
    d=$(dirname "$a")
    find "$d" -type f -exec cat {} + >> ${quote(log)}/contents-$n 2>/dev/null
    find "$d" -mindepth 1 -printf '%y %m %f\\n' >> ${quote(log)}/types-$n 2>/dev/null;;
  esac
done
exec ${quote(REAL_OPENSSL)} "$@"`,
  );
  const all = (prefix: string): Buffer =>
    Buffer.concat(
      readdirSync(log)
        .filter((f) => f.startsWith(prefix))
        .sort()
        .map((f) => readFileSync(join(log, f))),
    );
  return { binary, contents: () => all('contents-'), types: () => all('types-').toString('utf8') };
}

/** Claims to be an old OpenSSL. */
export function oldOpenssl(scratch: Scratch, versionLine: string): string {
  return script(join(scratch.dir, 'openssl-old'), `if [ "$1" = version ]; then echo ${quote(versionLine)}; exit 0; fi\necho "unknown option" >&2; exit 1`);
}

/**
 * Answers `version` and `list` with the real openssl; `cms` commands fail with exit code 3 after
 * printing to stderr what must never reach an error message: the paths they were given, a PEM
 * private key, a long hex dump and a base64 run.
 */
export function leakyOpenssl(scratch: Scratch): string {
  return script(
    join(scratch.dir, 'openssl-leaky'),
    `case "$1" in version|list) exec ${quote(REAL_OPENSSL)} "$@";; esac
for a in "$@"; do case "$a" in /*) echo "error: cannot use $a" >&2;; esac; done
printf -- '-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\\n-----END PRIVATE KEY-----\\n' >&2
echo "modulus: 00:c3:7a:91:5e:22:af:10:9b:44:de:71:0c:aa:19:2f:88:01:7e:33" >&2
echo "secret=QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9w" >&2
exit 3`,
  );
}

/** The names left in a folder (the per-operation folders that were not removed). */
export function leftovers(dir: string): string[] {
  return readdirSync(dir);
}

/** True while a process with this pid exists and has not ended (a zombie nobody reaped has ended). */
export function isRunning(pid: number): boolean {
  // kill(0) and kill(-1) would ask about a process group, and always answer yes.
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`not a pid: ${pid}`);
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // An orphan's parent becomes pid 1, which in a container may never reap it: it stays as a zombie.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(0) is all there is
  }
}

/**
 * Resolves once `path` holds a whole line (a fake binary has started and written its pid there). The
 * shell creates the file before it writes to it: a file that exists may still be empty.
 */
export async function fileAppears(path: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(existsSync(path) && readFileSync(path, 'utf8').endsWith('\n'))) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
