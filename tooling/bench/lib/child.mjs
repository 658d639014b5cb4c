// Child processes of the benchmark: measured programs (a Node script that prints one JSON line, the
// sealpost CLI, openssl), optionally pinned to one core with taskset, each with a time limit.
import { spawn, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const TASKSET = hasTool('taskset', ['-V']) ? 'taskset' : undefined;
const GNU_TIME = hasTool('/usr/bin/time', ['-f', '%M', 'true']) ? '/usr/bin/time' : undefined;

/** Whether processes can be pinned to one core here (taskset from util-linux). */
export const canPin = TASKSET !== undefined;

/** Whether GNU time can report a process's peak RSS here. */
export const gnuTime = GNU_TIME;

/** The command line, prefixed with `taskset -c CORE` when a core is asked for and taskset exists. */
export function pinned(core, command, args) {
  return core === undefined || TASKSET === undefined ? [command, args] : [TASKSET, ['-c', String(core), command, ...args]];
}

/**
 * Runs a command to its end: `{ code, signal, stdout, stderr, ms }` where `ms` is the wall time from
 * spawn to exit, as the parent sees it. Fails when it takes longer than `timeoutMs`.
 */
export function runToEnd(command, args, { env, timeoutMs = 600_000, input, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'], shell: false });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      const ms = performance.now() - started;
      clearTimeout(timer);
      if (signal === 'SIGKILL') reject(new Error(`${command} ${args.join(' ')} took longer than ${timeoutMs} ms`));
      else resolve({ code, signal, ms, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/**
 * Node flags for the benchmark's own Node children, from BENCH_PROFILE_DIR: set it to a folder and each
 * child writes a CPU profile there (`node --cpu-prof`), so a row can be profiled as it is measured.
 */
export const PROFILE_FLAGS = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];

/** Runs a Node script of the benchmark (optionally pinned) and returns the JSON it printed last. */
export async function runNodeJson(script, options, { core, timeoutMs } = {}) {
  const [command, args] = pinned(core, process.execPath, [...PROFILE_FLAGS, script, JSON.stringify(options)]);
  const result = await runToEnd(command, args, { timeoutMs });
  if (result.code !== 0) throw new Error(`${script} exited with ${result.code}: ${result.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  const last = result.stdout.trim().split('\n').at(-1);
  return JSON.parse(last);
}

/** The environment measured commands get: what finding programs needs, none of the caller's secrets. */
export function plainEnv(extra = {}) {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...extra };
  if (process.env.HOME !== undefined) env.HOME = process.env.HOME;
  if (process.env.LD_LIBRARY_PATH !== undefined) env.LD_LIBRARY_PATH = process.env.LD_LIBRARY_PATH;
  return env;
}

function hasTool(command, args) {
  try {
    return spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
  } catch {
    return false;
  }
}
