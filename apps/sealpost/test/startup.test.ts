import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_DIR, BIN, type Pki, REPO_ROOT, expectOk, makePki, run, tempDir } from './helpers.js';

// What a command loads decides how long it takes to start: these tests name the modules a command
// must not load, in a real process. They measure no time (that is tooling/bench's startup row).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

// Loaded with --import: writes every module Node loads (ES modules through a load hook, CommonJS
// ones as they are compiled) to the file named by SEALPOST_TEST_MODULES.
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

let dir: string;
let cleanup: () => Promise<void>;
let pki: Pki;
let recorder: string;
let signed: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  pki = await makePki(join(dir, 'pki'));
  recorder = join(dir, 'recorder.mjs');
  await writeFile(recorder, RECORDER);
  signed = join(dir, 'signed.eml');
  await writeFile(join(dir, 'hello.eml'), 'From: alice@example.com\r\nTo: bob@example.com\r\nSubject: hi\r\n\r\nhello\r\n');
  await expectOk(run(process.execPath, [BIN, 'sign', '--cert', pki.alice.cert, '--key', pki.alice.key, '--in', join(dir, 'hello.eml'), '--out', signed]));
});

afterAll(() => cleanup());

/**
 * The modules of this repository and its dependencies that `sealpost ARGS` loads, as paths from the
 * repository root. A file of the CLI's bundle stands for the source modules bundled into it, as
 * bundle/modules.json (written with the bundle) lists them.
 */
async function modulesLoaded(args: readonly string[]): Promise<{ code: number | null; modules: string[] }> {
  const list = join(dir, 'modules.txt');
  const result = await run(process.execPath, ['--import', pathToFileURL(recorder).href, BIN, ...args], { env: { SEALPOST_TEST_MODULES: list } });
  const root = pathToFileURL(REPO_ROOT).href + '/';
  const bundleDir = `${APP_DIR.slice(REPO_ROOT.length + 1)}/bundle/`;
  const bundled = JSON.parse(await readFile(join(APP_DIR, 'bundle', 'modules.json'), 'utf8')) as Record<string, string[]>;
  // A CommonJS module can be seen by both the hook and the compiler: each is counted once.
  const loaded = [...new Set((await readFile(list, 'utf8')).split('\n'))].filter((u) => u.startsWith(root)).map((u) => u.slice(root.length));
  const modules = loaded.flatMap((m) => {
    if (!m.startsWith(bundleDir)) return [m];
    const sources = bundled[m.slice(bundleDir.length)];
    if (sources === undefined) throw new Error(`${m} is not in bundle/modules.json`);
    return sources;
  });
  return { code: result.code, modules: [...new Set(modules)] };
}

describe('what a command loads', () => {
  it('sealpost --help to a pipe loads the bin alone: no commander, no command, no SDK', async () => {
    const { code, modules } = await modulesLoaded(['--help']);
    expect(code).toBe(0);
    expect(modules).toEqual([`${APP_DIR.slice(REPO_ROOT.length + 1)}/bin/sealpost.js`]);
  });

  it('sealpost verify loads its own command and the pkijs backend, and no other command, backend, key store or transport', async () => {
    const { code, modules } = await modulesLoaded(['verify', '--trust', pki.ca, '--in', signed]);
    expect(code).toBe(0);
    const commands = modules.filter((m) => m.includes('/dist/commands/'));
    expect(commands.map((m) => m.replace(/.*\//, ''))).toEqual(['verify.js']);
    expect(modules.some((m) => m.includes('backend-pkijs/'))).toBe(true);
    expect(modules.some((m) => m.startsWith('packages/core/dist/'))).toBe(true);
    for (const unwanted of ['backend-forge', 'backend-openssl', 'node-forge', 'keystore-', 'transport-', 'smtp-server', '/dist/bulk/', '/dist/send/', '/dist/http/', '/dist/demo/'])
      expect(modules.filter((m) => m.includes(unwanted))).toEqual([]);
  });
});
