import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, realpath, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_DIR, MESSAGE, REPO_ROOT, type RunResult, assertBuilt, run, tempDir } from './helpers.js';

// The published package as a user gets it: `pnpm pack` makes the tarball, npm installs it into a folder
// outside the workspace, and the installed `sealpost` runs from there. npm compiles better-sqlite3 when
// its prebuilt binary cannot be fetched, which takes about a minute: hence the name *.slow.test.ts.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 600_000 });

const PNPM = join(REPO_ROOT, 'tooling', 'scripts', 'pnpm.mjs');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

// Loaded with --import: writes the URL of every module Node loads to SEALPOST_TEST_MODULES (as in
// startup.test.ts), so the test can tell where each one came from.
const RECORDER = `
import Module, { register } from 'node:module';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const urls = [];
port1.on('message', (url) => urls.push(url));
port1.unref();
register('data:text/javascript,' + encodeURIComponent(\`
let port;
export function initialize(data) { port = data.port; }
export async function load(url, context, next) { port.postMessage(url); return next(url, context); }\`), { parentURL: import.meta.url, data: { port: port2 }, transferList: [port2] });
const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  urls.push(pathToFileURL(filename).href);
  return compile.call(this, content, filename);
};
process.on('exit', () => writeFileSync(process.env.SEALPOST_TEST_MODULES, urls.join('\\n')));
`;

let scratch: string;
let cleanup: () => Promise<void>;
let project: string;
let tarball: string;
let installedBin: string;
let recorder: string;

/**
 * The environment of a user's shell: nothing pnpm or vitest set for the workspace (npm_* settings,
 * NODE_PATH, NODE_OPTIONS) reaches npm or the command. npm keeps its own cache (installs prefer it)
 * and user configuration. node-gyp gets the running Node's headers, as bootstrap.mjs gives them.
 */
function userEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { NODE_PATH: undefined, NODE_OPTIONS: undefined, INIT_CWD: undefined };
  for (const name of Object.keys(process.env)) if (/^(npm_|pnpm_|PNPM_)/i.test(name)) env[name] = undefined;
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include', 'node', 'node.h'))) env['npm_config_nodedir'] = prefix;
  return { ...env, ...extra };
}

async function ok(pending: Promise<RunResult>, what: string): Promise<RunResult> {
  const result = await pending;
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}:\n${result.stderr}\n${result.out}`);
  return result;
}

/** The installed command, run by Node as its bin link would run it, from the scratch project. */
function installed(args: readonly string[], options: { input?: string; record?: string } = {}): Promise<RunResult> {
  const record = options.record === undefined ? [] : ['--import', pathToFileURL(recorder).href];
  return run(process.execPath, [...record, installedBin, ...args], {
    cwd: project,
    env: userEnv(options.record === undefined ? {} : { SEALPOST_TEST_MODULES: options.record }),
    timeoutMs: 90_000,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
}

/** Every file a recorded run loaded. */
async function filesLoaded(list: string): Promise<string[]> {
  const urls = (await readFile(list, 'utf8')).split('\n').filter((u) => u.startsWith('file:'));
  return [...new Set(urls)].map((u) => fileURLToPath(u));
}

beforeAll(async () => {
  assertBuilt();
  ({ dir: scratch, cleanup } = await tempDir('sealpost-package-test-'));
  scratch = await realpath(scratch);
  if (scratch.startsWith(REPO_ROOT + sep)) throw new Error(`the scratch folder ${scratch} is inside the workspace`);
  const tarballs = join(scratch, 'tarballs');
  project = join(scratch, 'project');
  await mkdir(tarballs);
  await mkdir(project);
  await ok(run(process.execPath, [PNPM, 'pack', '--pack-destination', tarballs], { cwd: APP_DIR, timeoutMs: 120_000 }), 'pnpm pack');
  const [name, ...more] = (await readdir(tarballs)).filter((f) => f.endsWith('.tgz'));
  if (name === undefined || more.length > 0) throw new Error(`pnpm pack made ${[name, ...more].join(', ')}`);
  tarball = join(tarballs, name);
  await writeFile(join(project, 'package.json'), '{ "name": "sealpost-package-test", "private": true }\n');
  await ok(run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: project, env: userEnv(), timeoutMs: 540_000 }), 'npm install');
  installedBin = join(project, 'node_modules', '@sealpost', 'cli', 'bin', 'sealpost.js');
  recorder = join(scratch, 'recorder.mjs');
  await writeFile(recorder, RECORDER);
});

afterAll(() => cleanup?.());

describe('the published @sealpost/cli', () => {
  it('holds the bin, the bundle and the licences; no sources, no workspace ranges, optional dependencies only', async () => {
    const listing = await ok(run('tar', ['-tzf', tarball]), 'tar');
    const files = listing.out
      .trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'bin/sealpost.js',
        'bin/help.txt',
        'bin/package.json',
        'bundle/main.js',
        'bundle/send-worker.js',
        'bundle/THIRD-PARTY-NOTICES.md',
      ]),
    );
    expect(files.filter((f) => !/^(bin\/|bundle\/[^/]+\.(js|md)$|package\.json$|README\.md$|LICENSE$)/.test(f))).toEqual([]);
    const manifest = JSON.parse(await readFile(join(project, 'node_modules', '@sealpost', 'cli', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest['private']).toBeUndefined();
    expect(manifest['bin']).toEqual({ sealpost: './bin/sealpost.js' });
    expect(manifest['dependencies']).toBeUndefined();
    expect(manifest['optionalDependencies']).toEqual({
      'better-sqlite3': expect.stringMatching(/^\^\d+\.\d+\.\d+$/),
      // The campaign queue's, loaded by `worker`, `campaign` and `send --queue` only.
      pg: expect.stringMatching(/^\^8\.\d+\.\d+$/),
      'pg-boss': expect.stringMatching(/^~10\.4\.\d+$/),
    });
    expect(JSON.stringify(manifest)).not.toContain('workspace:');
    const notices = await readFile(join(project, 'node_modules', '@sealpost', 'cli', 'bundle', 'THIRD-PARTY-NOTICES.md'), 'utf8');
    for (const bundled of ['commander@', 'node-forge@', '@noble/hashes@', 'smtp-server@']) expect(notices).toContain(`## ${bundled}`);
  });

  it('npx sealpost --version prints the version of the installed package', async () => {
    const { version } = JSON.parse(await readFile(join(APP_DIR, 'package.json'), 'utf8')) as { version: string };
    const result = await ok(run(NPX, ['--no', '--', 'sealpost', '--version'], { cwd: project, env: userEnv(), timeoutMs: 60_000 }), 'npx sealpost --version');
    expect(result.out.trim()).toBe(version);
  });

  it('sealpost demo runs from the install, loading nothing from the workspace', async () => {
    const list = join(scratch, 'demo-modules.txt');
    const result = await ok(installed(['demo'], { record: list }), 'sealpost demo');
    expect(result.out).toContain('verdict');
    const files = await filesLoaded(list);
    expect(files).toContain(join(project, 'node_modules', '@sealpost', 'cli', 'bundle', 'main.js'));
    expect(files.filter((f) => f.startsWith(REPO_ROOT + sep))).toEqual([]);
    expect(files.filter((f) => !f.startsWith(scratch + sep))).toEqual([]);
  });

  it('reaches for the campaign queue with the pg that npm installed (a closed port: ERR_QUEUE_UNAVAILABLE)', async () => {
    const list = join(scratch, 'queue-modules.txt');
    const result = await installed(['campaign', 'list', '--queue', 'postgres://nobody@127.0.0.1:1/sealpost'], { record: list });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('sealpost: cannot use the queue database postgres://nobody@127.0.0.1:1/sealpost: connection refused [ERR_QUEUE_UNAVAILABLE]\n');
    const files = await filesLoaded(list);
    expect(files.filter((f) => f.includes(`${sep}pg-boss${sep}`)).length).toBeGreaterThan(0);
    expect(files.filter((f) => !f.startsWith(scratch + sep))).toEqual([]);
  });

  it('signs and verifies a message, and opens a SQLite key store with the better-sqlite3 npm built', async () => {
    const keys = join(project, 'keys');
    await ok(installed(['keygen', '--email', 'alice@example.com', '--out', keys]), 'keygen');
    const signed = await ok(installed(['sign', '--cert', join(keys, 'alice@example.com.crt'), '--key', join(keys, 'alice@example.com.key')], { input: MESSAGE }), 'sign');
    const list = join(scratch, 'verify-modules.txt');
    await writeFile(join(project, 'signed.eml'), signed.stdout);
    const verified = await ok(installed(['verify', '--trust', join(keys, 'ca.crt'), '--in', join(project, 'signed.eml')], { record: list }), 'verify');
    expect(verified.out).toMatch(/^verify: valid\n/);
    expect((await filesLoaded(list)).filter((f) => !f.startsWith(scratch + sep))).toEqual([]);

    const store = `sqlite:${join(project, 'keys.db')}`;
    await ok(installed(['keys', 'import', '--keystore', store, '--cert', join(keys, 'alice@example.com.crt'), '--address', 'alice@example.com']), 'keys import');
    const sqliteList = join(scratch, 'sqlite-modules.txt');
    const listed = await ok(installed(['keys', 'list', '--keystore', store], { record: sqliteList }), 'keys list');
    expect(listed.out).toContain('alice@example.com');
    const native = (await filesLoaded(sqliteList)).filter((f) => f.includes(`${sep}better-sqlite3${sep}`));
    expect(native.length).toBeGreaterThan(0);
    expect(native.filter((f) => !f.startsWith(join(project, 'node_modules', 'better-sqlite3') + sep))).toEqual([]);
  });
});
